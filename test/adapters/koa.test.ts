// Koa only: errors through Koa's onerror, our Set-Cookie next to ctx.cookies, host body parsers, ctx.state.
import { bodyParser } from '@koa/bodyparser'
import Koa from 'koa'
import request from 'supertest'
import { describe, expect, test } from 'vitest'
import { AuthError, type StytchB2BOptions } from '../../src/index.js'
import {
  authenticateDiscoveryCode,
  authenticateLoginCode,
  requireSession,
  sendLoginCode,
  stytchB2B,
} from '../../src/koa/index.js'
import { cookieNames, maskValues, setCookiesOf } from '../helpers/cookies.js'
import { KOA, latestCode, useStack } from '../helpers/stack.js'

const stack = useStack(KOA, {}, { seed: { acme: 'ada@acme.test' } })

/** A Koa app on the stack's local server: `setup` adds middleware before and after stytchB2B(). */
function koaApp(
  setup: { before?: Koa.Middleware[]; after?: Koa.Middleware[] },
  options: StytchB2BOptions = {},
) {
  const app = new Koa()
  const errors: unknown[] = []
  app.on('error', (error) => errors.push(error))
  for (const middleware of setup.before ?? []) app.use(middleware)
  app.use(
    stytchB2B({
      projectId: stack.local.projectId,
      secret: stack.local.secret,
      baseUrl: stack.proxy.url,
      now: stack.clock.now,
      requestTimeoutMs: 3000,
      ...options,
    }),
  )
  for (const middleware of setup.after ?? []) app.use(middleware)
  return { app: app.callback(), errors }
}

/** `POST path` only. */
const post =
  (path: string, ...chain: Koa.Middleware[]): Koa.Middleware =>
  (ctx, next) => {
    if (ctx.method !== 'POST' || ctx.path !== path) return next()
    const run = (index: number): Promise<unknown> =>
      chain[index] ? Promise.resolve(chain[index](ctx, () => run(index + 1))) : Promise.resolve()
    return run(0)
  }

const LOGIN = { organization_id: 'acme', email_address: 'ada@acme.test' }

describe('per-endpoint middleware throws AuthErrors to Koa', () => {
  test("Koa's onerror answers with status and, when exposed, the message; the error event has the code", async () => {
    const { app, errors } = koaApp({ after: [post('/login', sendLoginCode())] })
    const invalid = await request(app)
      .post('/login')
      .send({ ...LOGIN, email_address: 'nope' })
    expect(invalid.status).toBe(400)
    expect(invalid.text).toBe('"email_address" must be a valid email address.')
    stack.proxy.setFault('/v1/b2b/otps/email/login_or_signup', { kind: 'status', status: 500 })
    const down = await request(app).post('/login').send(LOGIN)
    expect(down.status).toBe(503)
    expect(down.text).toBe('Service Unavailable')
    expect(errors).toMatchObject([
      { code: 'ERR_INVALID_INPUT', status: 400, expose: true },
      { code: 'ERR_STYTCH_UNAVAILABLE', status: 503, expose: false },
    ])
  })

  test("a host's try/catch sees err.code, err.status and err.expose", async () => {
    const caught: Koa.Middleware = async (ctx, next) => {
      try {
        await next()
      } catch (error) {
        const { code, status, expose } = error as AuthError
        ctx.status = 422
        ctx.body = { code, status, expose }
      }
    }
    const { app, errors } = koaApp({ after: [post('/login', caught, sendLoginCode())] })
    const response = await request(app)
      .post('/login')
      .send({ ...LOGIN, organization_id: 'a' })
    expect(response.status).toBe(422)
    expect(response.body).toEqual({ code: 'ERR_INVALID_INPUT', status: 400, expose: true })
    expect(errors).toEqual([])
  })

  test('results land on ctx.state for the next middleware, with our cookies and no-store', async () => {
    const seen: Record<string, unknown>[] = []
    const reply: Koa.Middleware = (ctx) => {
      seen.push({ ...ctx.state })
      ctx.body = { ok: true }
    }
    const { app } = koaApp({
      after: [
        post('/login', sendLoginCode(), reply),
        post('/verify', authenticateLoginCode(), reply),
        post('/discover', authenticateDiscoveryCode(), reply),
      ],
    })
    await request(app).post('/login').send(LOGIN).expect(200)
    const verified = await request(app)
      .post('/verify')
      .send({ ...LOGIN, code: latestCode(stack.local, 'ada@acme.test') })
    expect(verified.status).toBe(200)
    expect(verified.body).toEqual({ ok: true })
    expect(verified.headers['cache-control']).toBe('no-store')
    expect(cookieNames(setCookiesOf(verified))).toEqual([
      'stytch_session',
      'stytch_session_jwt',
      'stytch_intermediate_session',
    ])
    expect(seen[1]).toMatchObject({
      member: { emailAddress: 'ada@acme.test' },
      organization: { organizationSlug: 'acme' },
      memberSession: { memberId: expect.any(String) },
    })
    expect(seen[1]).not.toHaveProperty('session')

    await request(stack.app)
      .post('/auth/otps/email/discovery/send')
      .send({ email_address: 'ada@acme.test' })
    const discovered = await request(app)
      .post('/discover')
      .send({ email_address: 'ada@acme.test', code: latestCode(stack.local, 'ada@acme.test') })
    expect(discovered.status).toBe(200)
    expect(seen[2]).toMatchObject({
      discoveryEmailAddress: 'ada@acme.test',
      discoveredOrganizations: [{ organizationSlug: 'acme', membershipType: 'active_member' }],
    })
    expect(seen[2]?.member).toBeUndefined()
  })

  test('used without stytchB2B() they fail loudly with a TypeError', async () => {
    const app = new Koa()
    const errors: unknown[] = []
    app.on('error', (error) => errors.push(error))
    app.use(post('/login', sendLoginCode()))
    app.use(requireSession())
    expect((await request(app.callback()).post('/login').send(LOGIN)).status).toBe(500)
    expect((await request(app.callback()).get('/')).status).toBe(500)
    expect(errors.map((error) => (error as Error).message)).toEqual([
      'sendLoginCode() must run after app.use(stytchB2B())',
      'requireSession() must run after app.use(stytchB2B())',
    ])
  })

  test('errors of host routes under basePath are not turned into our JSON', async () => {
    const { app, errors } = koaApp({
      after: [
        () => {
          throw new AuthError('ERR_ROLE_FORBIDDEN', 'Admins only.', { status: 403 })
        },
      ],
    })
    const response = await request(app).get('/auth/custom')
    expect(response.status).toBe(403)
    expect(response.text).toBe('Admins only.')
    expect(errors).toHaveLength(1)
  })
})

describe('our Set-Cookie and ctx.cookies', () => {
  test("the host's own ctx.cookies cookies coexist with ours, whose attributes our policy decides", async () => {
    const theme: Koa.Middleware = async (ctx, next) => {
      ctx.cookies.set('theme', 'dark')
      await next()
      ctx.cookies.set('seen', '1', { httpOnly: false })
    }
    const { app } = koaApp({ before: [theme] })
    await request(app).post('/auth/otps/email/login_or_signup').send(LOGIN).expect(200)
    const response = await request(app)
      .post('/auth/otps/email/authenticate')
      .set('host', 'app.example')
      .send({ ...LOGIN, code: latestCode(stack.local, 'ada@acme.test') })
    expect(response.status).toBe(200)
    const cookies = maskValues(setCookiesOf(response))
    // Plain http to a non-loopback host: ctx.cookies.set(…, { secure: true }) would throw here,
    // while our policy still sets Secure and the __Host- prefix.
    expect(cookies).toEqual([
      'theme=<v>; path=/; httponly',
      '__Host-stytch_session=<v>; Max-Age=3600; Path=/; HttpOnly; Secure; SameSite=Lax',
      '__Host-stytch_session_jwt=<v>; Max-Age=3600; Path=/; HttpOnly; Secure; SameSite=Lax',
      '__Host-stytch_intermediate_session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax',
      'seen=<v>; path=/',
    ])
  })

  test('ctx.cookies.get reads our cookies on the next request', async () => {
    const read: string[] = []
    const { app } = koaApp({
      after: [
        (ctx) => {
          read.push(ctx.cookies.get('stytch_session') ?? '')
          ctx.body = { memberId: ctx.state.member?.memberId }
        },
      ],
    })
    await request(app).post('/auth/otps/email/login_or_signup').send(LOGIN).expect(200)
    const login = await request(app)
      .post('/auth/otps/email/authenticate')
      .send({ ...LOGIN, code: latestCode(stack.local, 'ada@acme.test') })
    const pairs = setCookiesOf(login).map((line) => line.split(';')[0] as string)
    const page = await request(app)
      .get('/page')
      .set('cookie', pairs.filter((pair) => !pair.endsWith('=')).join('; '))
    expect(page.body.memberId).toBe(login.body.member.memberId)
    expect(read).toEqual([pairs[0]?.slice('stytch_session='.length)])
  })
})

describe('request bodies', () => {
  const send = (app: Koa['callback'] extends () => infer L ? L : never) =>
    request(app).post('/auth/otps/email/login_or_signup')

  test('after @koa/bodyparser: its parsed JSON and forms are validated the same way', async () => {
    const { app } = koaApp({ before: [bodyParser()] })
    expect((await send(app).send(LOGIN)).status).toBe(200)
    expect((await send(app).type('form').send(LOGIN)).status).toBe(200)
    const polluted = await send(app)
      .set('content-type', 'application/json')
      .send('{"organization_id":"acme","email_address":"a@b.test","__proto__":{"x":1}}')
    // co-body refuses the __proto__ key itself (its own 400, before we run).
    expect(polluted.status).toBe(400)
    const twice = await send(app)
      .type('form')
      .send('organization_id=acme&email_address=a%40b.test&email_address=c%40d.test')
    expect([twice.status, twice.body.error.code]).toEqual([400, 'ERR_INVALID_INPUT'])
    // A type the host parser skips leaves the stream to us: 415 as without a parser.
    const text = await send(app).set('content-type', 'text/plain').send('email_address=a@b.test')
    expect([text.status, text.body.error.code]).toEqual([415, 'ERR_INVALID_INPUT'])
    expect(stack.upstream('POST /v1/b2b/otps/email/login_or_signup')).toBe(2)
  })

  test('without a body parser: we read the stream, with our size limit', async () => {
    const { app } = koaApp({}, { maxBodyBytes: 1024 })
    expect((await send(app).send(LOGIN)).status).toBe(200)
    const large = await send(app).send({ ...LOGIN, locale: 'x'.repeat(2000) })
    expect([large.status, large.body.error.code]).toEqual([413, 'ERR_BODY_TOO_LARGE'])
  })
})
