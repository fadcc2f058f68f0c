// Attacks on revocation: a forged logout, what another writer of the Redis can do, and a Redis that stops answering.
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { StytchB2BOptions } from '../../src/index.js'
import { capturingLogger } from '../helpers/logger.js'
import { type RedisServer, RUN_REDIS, startRedisServer } from '../helpers/redis-server.js'
import { ADAPTERS, type Stack, signIn, useStackFactory } from '../helpers/stack.js'
import { claimsOf, JWT_LIFETIME_MS, randomTokenLike } from '../helpers/tokens.js'

const REFRESH = 'POST /v1/b2b/sessions/authenticate'
const quiet = { info() {}, warn() {} }

describe.each(ADAPTERS)('$name: a logout cannot end a session it does not hold', (adapter) => {
  const start = useStackFactory(adapter)

  test("a forged JWT naming the victim's session, with any token beside it, revokes nothing", async () => {
    const stack = await start({}, { acme: 'ada@acme.test' })
    const ada = await signIn(stack, 'ada@acme.test', 'acme')
    const [head, body, signature = ''] = ada.sessionJwt.split('.')
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`
    const forged = ada.cookie
      .replace(ada.sessionJwt, `${head}.${body}.${flipped}`)
      .replace(ada.sessionToken, randomTokenLike(ada.sessionToken))
    const logout = await request(stack.app)
      .post('/auth/sessions/revoke')
      .set('cookie', forged)
      .send({})
    // Stytch refuses the forged JWT; "already gone" is answered as revoked, but nothing else is.
    expect(logout.body.loggedOut).toBe(true)
    expect((await request(stack.app).get('/protected').set('cookie', ada.cookie)).status).toBe(200)
    const bearer = await request(stack.app)
      .get('/protected')
      .set('authorization', `Bearer ${ada.sessionJwt}`)
    expect(bearer.status).toBe(200)
  })
})

describe.runIf(RUN_REDIS).each(ADAPTERS)(
  '$name: a Redis others write to, or that stops answering',
  (adapter) => {
    let redis: RedisServer
    beforeAll(async () => {
      redis = await startRedisServer()
    })
    afterAll(async () => {
      await redis?.close()
    })
    const start = useStackFactory(adapter)
    const get = (stack: Stack, cookie: string) =>
      request(stack.app).get('/protected').set('cookie', cookie)

    let prefixes = 0
    /** A stack on the shared Redis under keys of its own (`<prefix>revoked` is its channel). */
    async function onRedis(
      options: { timeoutMs?: number; logger?: StytchB2BOptions['logger'] } = {},
      seed: Record<string, string> = { acme: 'ada@acme.test' },
    ) {
      const keyPrefix = `attack-${++prefixes}:`
      const { timeoutMs, logger = quiet } = options
      const stack = await start(
        { redis: { client: redis.client(), keyPrefix, timeoutMs }, logger },
        seed,
      )
      await redis.connected()
      return { stack, channel: `${keyPrefix}revoked` }
    }

    async function eventually(stack: Stack, cookie: string, wanted: number): Promise<number> {
      let status = 0
      for (let attempt = 0; attempt < 100; attempt++) {
        status = (await get(stack, cookie)).status
        if (status === wanted) return status
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      return status
    }

    test('cannot refuse a session for longer than any JWT of it can live', async () => {
      const { stack, channel } = await onRedis()
      const ada = await signIn(stack, 'ada@acme.test', 'acme')
      const session = claimsOf(ada.sessionJwt)['https://stytch.com/session'] as { id: string }
      const publisher = redis.client()
      await publisher.publish(channel, `${session.id} ${Number.MAX_SAFE_INTEGER}`)
      await publisher.zadd(channel, Number.MAX_SAFE_INTEGER, session.id)
      expect(await eventually(stack, ada.cookie, 401)).toBe(401)
      // Past the life of every JWT issued before the message, the session refreshes as usual.
      stack.clock.advance(JWT_LIFETIME_MS + 60_000)
      stack.local.resetRequestCounts()
      const later = await get(stack, ada.cookie)
      expect(later.status).toBe(200)
      expect(stack.upstream(REFRESH)).toBe(1)
    })

    test('malformed, oversized and foreign messages are ignored: nobody is refused, nothing breaks', async () => {
      const { stack, channel } = await onRedis()
      const ada = await signIn(stack, 'ada@acme.test', 'acme')
      const { id } = claimsOf(ada.sessionJwt)['https://stytch.com/session'] as { id: string }
      const until = stack.clock.now() + 60_000
      const publisher = redis.client()
      for (const message of [
        '',
        ' ',
        `${id}`,
        `${id} NaN`,
        `${id} -1`,
        `${id} 0x10`,
        `${id}\n ${until}`,
        ` ${id} ${until}`,
        `${id}\t${until}`,
        `${id.toUpperCase()}x ${until}`,
        `${'a'.repeat(129)} ${until}`,
        'x'.repeat(4 * 1024 * 1024),
      ]) {
        await publisher.publish(channel, message)
      }
      // Another app on the same Redis with another prefix, and a channel that merely starts alike.
      await publisher.publish('stytch-b2b:revoked', `${id} ${until}`)
      await publisher.publish(`${channel}x`, `${id} ${until}`)
      await publisher.zadd(`${channel}x`, until, id)
      // A message published after all of those is handled: the ones before it were, and broke nothing.
      await publisher.publish(channel, `someone-else ${until}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect((await get(stack, ada.cookie)).status).toBe(200)
    })

    test('a second freeze after Redis answered again is a second outage: warned again, and its end said', async () => {
      const { lines: logged, logger } = capturingLogger()
      const { stack } = await onRedis({ timeoutMs: 100, logger })
      const send = (email: string) =>
        request(stack.app).post('/auth/otps/email/discovery/send').send({ email_address: email })
      const said = (start: string) => logged.filter((line) => line.startsWith(start)).length
      expect((await send('a@acme.test')).status).toBe(200)
      for (const round of [1, 2]) {
        redis.freeze()
        try {
          expect((await send(`frozen${round}@acme.test`)).status).toBe(200)
        } finally {
          redis.resume()
        }
        expect(said('warn: Redis is unreachable')).toBe(round)
        // Said once Redis answers again (asked about every second): at most ~3 s here.
        for (let wait = 0; wait < 150 && said('info: Redis is reachable again') < round; wait++) {
          await new Promise((resolve) => setTimeout(resolve, 20))
        }
        expect(said('info: Redis is reachable again')).toBe(round)
      }
    })

    test('a frozen Redis holds up no logout or switch, and the sessions ended meanwhile are refused here', async () => {
      const { stack } = await onRedis(
        { timeoutMs: 100 },
        { acme: 'ada@acme.test', beta: 'ada@acme.test' },
      )
      const ada = await signIn(stack, 'ada@acme.test', 'acme')
      const again = await signIn(stack, 'ada@acme.test', 'acme')
      redis.freeze()
      try {
        const switched = await request(stack.app)
          .post('/auth/sessions/exchange')
          .set('cookie', again.cookie)
          .send({ organization_id: 'beta' })
        expect(switched.status).toBe(200)
        const logout = await request(stack.app)
          .post('/auth/sessions/revoke')
          .set('cookie', ada.cookie)
          .send({})
        expect(logout.body).toEqual({ loggedOut: true, revoked: true })
        expect((await get(stack, ada.cookie)).status).toBe(401)
        expect((await get(stack, again.cookie)).status).toBe(401)
      } finally {
        redis.resume()
      }
      // Once Redis answers again, the queued commands land and nothing is let back in.
      const third = await signIn(stack, 'ada@acme.test', 'acme')
      expect(await eventually(stack, third.cookie, 200)).toBe(200)
      expect((await get(stack, ada.cookie)).status).toBe(401)
    })
  },
)
