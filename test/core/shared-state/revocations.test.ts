// Revocation: a session ended through the middleware has its JWTs refused at once, here and (through a real Redis) in every other instance.
import request from 'supertest'
import { afterEach, describe, expect, test } from 'vitest'
import type { StytchB2BOptions } from '../../../src/index.js'
import { CLEARED_COOKIES, setCookiesOf } from '../../helpers/cookies.js'
import { capturingLogger } from '../../helpers/logger.js'
import { RUN_REDIS, useRedisServer } from '../../helpers/redis-server.js'
import { ADAPTERS, type Stack, signIn, type TestApp, useStackFactory } from '../../helpers/stack.js'

const REFRESH = 'POST /v1/b2b/sessions/authenticate'

describe.each(ADAPTERS)('$name, one instance', (adapter) => {
  const start = useStackFactory(adapter)
  const get = (stack: Stack, cookie: string) =>
    request(stack.app).get('/protected').set('cookie', cookie)
  const post = (stack: Stack, path: string, cookie: string, body: object = {}) =>
    request(stack.app).post(`/auth${path}`).set('cookie', cookie).send(body)

  test('after logout the old cookies and the old JWT as a bearer token are refused, and no one else is', async () => {
    const stack = await start({}, { acme: 'ada@acme.test' })
    await stack.local.seedMember({ organization_id: 'acme', email_address: 'bob@acme.test' })
    const ada = await signIn(stack, 'ada@acme.test', 'acme')
    const bob = await signIn(stack, 'bob@acme.test', 'acme')
    expect((await post(stack, '/sessions/revoke', ada.cookie)).body).toEqual({
      loggedOut: true,
      revoked: true,
    })
    stack.local.resetRequestCounts()
    const replayed = await get(stack, ada.cookie)
    expect(replayed.status).toBe(401)
    expect(replayed.body.error).toEqual({
      code: 'ERR_SESSION_EXPIRED',
      message: 'The session has ended: sign in again.',
    })
    expect(setCookiesOf(replayed)).toEqual(CLEARED_COOKIES)
    const bearer = await request(stack.app)
      .get('/protected')
      .set('authorization', `Bearer ${ada.sessionJwt}`)
    expect(bearer.status).toBe(401)
    expect(setCookiesOf(bearer)).toEqual([])
    expect(stack.handlerRuns()).toBe(0)
    expect((await get(stack, bob.cookie)).status).toBe(200)
    // Decided here: no call to Stytch, not even once the JWT has expired (no refresh attempt).
    stack.clock.advance(6 * 60_000)
    expect((await get(stack, ada.cookie)).status).toBe(401)
    expect(stack.upstream(REFRESH)).toBe(0)
  })

  test('switching organization refuses the session it leaves', async () => {
    const stack = await start({}, { acme: 'ada@acme.test', beta: 'ada@acme.test' })
    const ada = await signIn(stack, 'ada@acme.test', 'acme')
    const switched = await post(stack, '/sessions/exchange', ada.cookie, {
      organization_id: 'beta',
    })
    expect(switched.status).toBe(200)
    expect((await get(stack, ada.cookie)).status).toBe(401)
    const fresh = setCookiesOf(switched)
      .map((line) => line.split(';')[0])
      .join('; ')
    expect((await get(stack, fresh)).body.organizationId).toBe(
      switched.body.organization.organizationId,
    )
  })

  test('revocation: false keeps the documented lag: the old JWT verifies until its exp', async () => {
    const stack = await start({ revocation: false }, { acme: 'ada@acme.test' })
    const ada = await signIn(stack, 'ada@acme.test', 'acme')
    await post(stack, '/sessions/revoke', ada.cookie)
    expect((await get(stack, ada.cookie)).status).toBe(200)
  })
})

describe.runIf(RUN_REDIS).each(ADAPTERS)('$name, instances sharing Redis', (adapter) => {
  const redis = useRedisServer()

  const startStack = useStackFactory(adapter)
  const { lines: logged, logger } = capturingLogger()

  /** Instance A (with its local Stytch server) and `count - 1` more on the same Stytch and Redis. */
  async function instances(count: number, options: StytchB2BOptions = {}) {
    logged.length = 0
    const first = await startStack(
      { redis: { client: redis.client() }, logger, ...options },
      { acme: 'ada@acme.test' },
    )
    const more = Array.from({ length: count - 1 }, () => another(first, options))
    await redis.connected()
    // Typed for up to three; a test asks for as many as it destructures.
    return [first, ...more] as [Stack, TestApp, TestApp]
  }
  function another(first: Stack, options: StytchB2BOptions = {}): TestApp {
    const app = adapter.createApp({
      projectId: first.local.projectId,
      secret: first.local.secret,
      baseUrl: first.proxy.url,
      now: first.clock.now,
      redis: { client: redis.client() },
      logger,
      ...options,
    })
    app.get('/protected', {}, ({ member }) => ({ memberId: member?.memberId }))
    afterEachClose.push(app)
    return app
  }
  const afterEachClose: TestApp[] = []
  afterEach(async () => {
    for (const app of afterEachClose.splice(0)) await app.auth.close()
  })

  /** The status `app` answers for `cookie`, asked until it is `wanted` (pub/sub is asynchronous), at most ~2 s. */
  async function eventually(app: TestApp, cookie: string, wanted: number): Promise<number> {
    let status = 0
    for (let attempt = 0; attempt < 100; attempt++) {
      status = (await request(app.app).get('/protected').set('cookie', cookie)).status
      if (status === wanted) return status
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    return status
  }

  test('a logout on one instance is refused by the others, and by one that connects later', async () => {
    const [a, b, c] = await instances(3)
    const ada = await signIn(a, 'ada@acme.test', 'acme')
    for (const app of [a, b, c]) {
      expect((await request(app.app).get('/protected').set('cookie', ada.cookie)).status).toBe(200)
    }
    await request(b.app).post('/auth/sessions/revoke').set('cookie', ada.cookie).send({})
    expect(await eventually(a, ada.cookie, 401)).toBe(401)
    expect(await eventually(c, ada.cookie, 401)).toBe(401)
    // An instance started after the logout reads the revocations back when it connects.
    const late = another(a)
    expect(await eventually(late, ada.cookie, 401)).toBe(401)
    expect(logged.filter((line) => line.startsWith('warn'))).toEqual([])
  })

  test('a logout while Redis is down is refused here at once and reaches the others when Redis is back', async () => {
    const [x, y] = await instances(2)
    const ada = await signIn(x, 'ada@acme.test', 'acme')
    await redis.stop()
    const logout = await request(x.app)
      .post('/auth/sessions/revoke')
      .set('cookie', ada.cookie)
      .send({})
    expect(logout.status).toBe(200)
    expect((await request(x.app).get('/protected').set('cookie', ada.cookie)).status).toBe(401)
    // Y cannot know yet: the session still verifies there (the documented lag, while Redis is out).
    expect((await request(y.app).get('/protected').set('cookie', ada.cookie)).status).toBe(200)
    // One warning per instance for the whole outage, however many requests it spans.
    expect(logged.filter((line) => line.includes('Redis is unreachable'))).toHaveLength(2)
    await redis.start()
    expect(await eventually(y, ada.cookie, 401)).toBe(401)
  })
})
