// Attacks on the flows: OTP guessing and flooding, token misuse, cookie tricks, login CSRF, upstream faults, leaks.
import { randomBytes } from 'node:crypto'
import request from 'supertest'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { advanceWallClock } from '../helpers/clock.js'
import { cookieHeader, setCookiesOf } from '../helpers/cookies.js'
import { EXPRESS, seedOrganization, signIn, useStack } from '../helpers/stack.js'

afterEach(() => {
  vi.useRealTimers()
})

const logged: string[] = []
const log = (message: string) => {
  logged.push(message)
}
const stack = useStack(
  EXPRESS,
  { logger: { info: log, warn: log } },
  { seed: { acme: 'ada@acme.test' } },
)
beforeEach(() => {
  logged.length = 0
})

const post = (path: string, body: Record<string, unknown>, cookie = '') =>
  request(stack.app).post(`/auth${path}`).set('cookie', cookie).send(body)
const code = (email: string) => stack.local.outbox.latest(email)?.code as string
const wrongCode = (right: string) => (right === '000000' ? '000001' : '000000')

/** No response may carry a secret: tokens, codes, the project secret. */
function expectNoSecrets(response: request.Response, secrets: string[]): void {
  const visible =
    JSON.stringify(response.body) + JSON.stringify(response.headers) + logged.join('\n')
  for (const secret of [...secrets, stack.local.secret]) {
    if (secret) expect(visible).not.toContain(secret)
  }
}

describe('OTP abuse through the middleware', () => {
  test('brute force: after 10 wrong codes the right one is refused with ERR_ACCOUNT_LOCKED', async () => {
    await post('/otps/email/login_or_signup', {
      organization_id: 'acme',
      email_address: 'ada@acme.test',
    })
    const right = code('ada@acme.test')
    for (let i = 0; i < 10; i++) {
      const response = await post('/otps/email/authenticate', {
        organization_id: 'acme',
        email_address: 'ada@acme.test',
        code: String(100000 + i === Number(right) ? 200000 + i : 100000 + i),
      })
      expect(response.status).toBe(404)
      expectNoSecrets(response, [right])
    }
    const locked = await post('/otps/email/authenticate', {
      organization_id: 'acme',
      email_address: 'ada@acme.test',
      code: right,
    })
    expect(locked.status).toBe(429)
    expect(locked.body.error.code).toBe('ERR_ACCOUNT_LOCKED')
    expect(setCookiesOf(locked)).toEqual([])
  })

  test('concurrent guessing and case variants share one counter', async () => {
    await post('/otps/email/discovery/send', { email_address: 'ada@acme.test' })
    const right = code('ada@acme.test')
    const variants = ['ada@acme.test', 'ADA@acme.test', 'Ada@Acme.Test', 'ada@ACME.TEST']
    // 15 guesses: Stytch's lock (10 failures) cuts in before the middleware's own per-address
    // limit of attempts (20, see rate-limits.test.ts), so this shows Stytch's one counter.
    const guesses = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        post('/otps/email/discovery/authenticate', {
          email_address: variants[i % variants.length],
          code: wrongCode(right),
        }),
      ),
    )
    const statuses = guesses.map((r) => r.status)
    expect(statuses.filter((s) => s === 404)).toHaveLength(10)
    expect(statuses.filter((s) => s === 429)).toHaveLength(5)
    const after = await post('/otps/email/discovery/authenticate', {
      email_address: 'ada@acme.test',
      code: right,
    })
    expect(after.body.error.code).toBe('ERR_ACCOUNT_LOCKED')
  })

  test('only the latest code is valid, and a code is bound to its email, flow and organization', async () => {
    await seedOrganization(stack.local, 'beta', 'ada@acme.test')
    await post('/otps/email/discovery/send', { email_address: 'ada@acme.test' })
    const first = code('ada@acme.test')
    await post('/otps/email/discovery/send', { email_address: 'ada@acme.test' })
    const second = code('ada@acme.test')
    if (first !== second) {
      const old = await post('/otps/email/discovery/authenticate', {
        email_address: 'ada@acme.test',
        code: first,
      })
      expect(old.body.error.code).toBe('ERR_OTP_INVALID')
    }
    // Discovery code used for organization login, and for another address.
    const otherFlow = await post('/otps/email/authenticate', {
      organization_id: 'acme',
      email_address: 'ada@acme.test',
      code: second,
    })
    expect(otherFlow.body.error.code).toBe('ERR_OTP_INVALID')
    await stack.local.seedMember({ organization_id: 'acme', email_address: 'eve@acme.test' })
    const otherEmail = await post('/otps/email/discovery/authenticate', {
      email_address: 'eve@acme.test',
      code: second,
    })
    expect(otherEmail.status).toBe(404)
    // Organization code used for another organization.
    await post('/otps/email/login_or_signup', {
      organization_id: 'acme',
      email_address: 'ada@acme.test',
    })
    const acmeCode = code('ada@acme.test')
    const otherOrg = await post('/otps/email/authenticate', {
      organization_id: 'beta',
      email_address: 'ada@acme.test',
      code: acmeCode,
    })
    expect(otherOrg.body.error.code).toBe('ERR_OTP_INVALID')
  })

  test('known and unknown addresses get identical answers from both send endpoints', async () => {
    const strip = (r: request.Response) =>
      JSON.stringify({ s: r.status, b: { ...r.body, emailAddress: 'x' } })
    const known = await post('/otps/email/discovery/send', { email_address: 'ada@acme.test' })
    const unknown = await post('/otps/email/discovery/send', {
      email_address: 'nobody@nowhere.test',
    })
    expect(strip(known)).toBe(strip(unknown))
    const member = await post('/otps/email/login_or_signup', {
      organization_id: 'acme',
      email_address: 'ada@acme.test',
    })
    const stranger = await post('/otps/email/login_or_signup', {
      organization_id: 'acme',
      email_address: 'eve@evil.test',
    })
    expect(strip(member)).toBe(strip(stranger))
  })

  test('send flooding is cut off with ERR_RATE_LIMITED', async () => {
    const responses = []
    for (let i = 0; i < 40; i++)
      responses.push(
        await post('/otps/email/discovery/send', { email_address: 'victim@acme.test' }),
      )
    // The middleware's own per-address limit (rateLimits.sendsPerEmail, 10 per 10 minutes) cuts in first.
    const statuses = responses.map((r) => r.status)
    expect(statuses.filter((s) => s === 200)).toHaveLength(10)
    expect(responses.at(-1)?.body.error.code).toBe('ERR_RATE_LIMITED')
    expect(stack.local.outbox.list({ emailAddress: 'victim@acme.test' })).toHaveLength(10)
    // A new window for Stytch (the local server's clock) and for the middleware's limits.
    stack.clock.advance(600_000)
    advanceWallClock(600_000)
    expect(
      (await post('/otps/email/discovery/send', { email_address: 'victim@acme.test' })).status,
    ).toBe(200)
  })
})

describe('intermediate and session token misuse', () => {
  async function discovered() {
    await post('/otps/email/discovery/send', { email_address: 'ada@acme.test' })
    const response = await post('/otps/email/discovery/authenticate', {
      email_address: 'ada@acme.test',
      code: code('ada@acme.test'),
    })
    const ist = decodeURIComponent(setCookiesOf(response)[0]?.split(';')[0]?.split('=')[1] ?? '')
    return { cookie: cookieHeader(setCookiesOf(response)), ist }
  }

  test('an IST presented as a session is refused without upstream calls', async () => {
    const { ist } = await discovered()
    for (const cookie of [
      `stytch_session_jwt=${encodeURIComponent(ist)}`,
      `stytch_session=${encodeURIComponent(ist)}`,
    ]) {
      const response = await request(stack.app).get('/protected').set('cookie', cookie)
      expect(response.status).toBe(401)
    }
    const bearer = await request(stack.app).get('/protected').set('authorization', `Bearer ${ist}`)
    expect(bearer.status).toBe(401)
    expect(stack.upstream('POST /v1/b2b/sessions/authenticate')).toBe(0)
    expect(stack.handlerRuns()).toBe(0)
  })

  test('IST replay after the exchange, and an expired IST', async () => {
    const { cookie } = await discovered()
    const acme = await post(
      '/discovery/intermediate_sessions/exchange',
      { organization_id: 'acme' },
      cookie,
    )
    expect(acme.status).toBe(200)
    const replay = await post(
      '/discovery/intermediate_sessions/exchange',
      { organization_id: 'acme' },
      cookie,
    )
    expect(replay.body.error.code).toBe('ERR_INTERMEDIATE_SESSION_INVALID')
    expect(setCookiesOf(replay)).toEqual([])
    const fresh = await discovered()
    stack.clock.advance(11 * 60_000)
    const expired = await post(
      '/discovery/intermediate_sessions/exchange',
      { organization_id: 'acme' },
      fresh.cookie,
    )
    expect(expired.body.error.code).toBe('ERR_INTERMEDIATE_SESSION_INVALID')
  })

  test('after logout, the old JWT is refused at once and the old token cannot be refreshed', async () => {
    const ada = await signIn(stack, 'ada@acme.test', 'acme')
    const logout = await post('/sessions/revoke', {}, ada.cookie)
    expect(logout.body).toEqual({ loggedOut: true, revoked: true })
    // Revoked here: refused although the JWT still verifies (revocations.test.ts: every instance).
    const replayed = await request(stack.app).get('/protected').set('cookie', ada.cookie)
    expect(replayed.status).toBe(401)
    expect(replayed.body.error.code).toBe('ERR_SESSION_EXPIRED')
    expect(stack.handlerRuns()).toBe(0)
    stack.clock.advance(5 * 60_000 + 6_000)
    const replay = await request(stack.app).get('/protected').set('cookie', ada.cookie)
    expect(replay.status).toBe(401)
    expect(replay.body.error.code).toBe('ERR_SESSION_EXPIRED')
    const switched = await post('/sessions/exchange', { organization_id: 'acme' }, ada.cookie)
    expect(switched.status).toBe(401)
  })

  test('a flood of random session tokens makes no upstream call', async () => {
    const responses = await Promise.all(
      Array.from({ length: 200 }, () =>
        request(stack.app)
          .get('/protected')
          .set('cookie', `stytch_session=${randomBytes(33).toString('base64url')}`),
      ),
    )
    expect(responses.every((r) => r.status === 401)).toBe(true)
    expect(stack.proxy.count('/v1/b2b/sessions/authenticate')).toBe(0)
  })
})

describe('cookie tricks', () => {
  test('injection, duplicates and oversized values are ignored', async () => {
    const ada = await signIn(stack, 'ada@acme.test', 'acme')
    const cases = [
      `stytch_session_jwt=${ada.sessionJwt}%0d%0aSet-Cookie:%20admin=1`,
      `stytch_session_jwt=${ada.sessionJwt}; stytch_session_jwt=${ada.sessionJwt}`,
      `stytch_session_jwt=${ada.sessionJwt}; stytch_session_jwt=other`,
      `stytch_session_jwt=${ada.sessionJwt}${'A'.repeat(5000)}`,
      `stytch_session_jwt="${ada.sessionJwt}`,
    ]
    for (const cookie of cases) {
      const response = await request(stack.app).get('/protected').set('cookie', cookie)
      expect(response.status).toBe(401)
      expect(JSON.stringify(response.headers)).not.toContain('admin=1')
    }
    expect(stack.handlerRuns()).toBe(0)
  })

  test('over https only __Host- cookies are read: a plain-named cookie planted by a sibling domain is ignored', async () => {
    const ada = await signIn(stack, 'ada@acme.test', 'acme')
    const plain = await request(stack.app)
      .get('/protected')
      .set('x-forwarded-proto', 'https')
      .set('cookie', ada.cookie)
    // The test app does not trust proxies, so add one that does.
    expect(plain.status).toBe(200) // http: plain names are the right ones
    const secure = EXPRESS.createApp({
      projectId: stack.local.projectId,
      secret: stack.local.secret,
      baseUrl: stack.proxy.url,
      now: stack.clock.now,
    })
    secure.trustProxy()
    secure.get('/p', {}, () => 'ok')
    const planted = await request(secure.app)
      .get('/p')
      .set('x-forwarded-proto', 'https')
      .set('cookie', ada.cookie)
    expect(planted.status).toBe(401)
    const prefixed = await request(secure.app)
      .get('/p')
      .set('x-forwarded-proto', 'https')
      .set('cookie', `__Host-stytch_session_jwt=${ada.sessionJwt}`)
    expect(prefixed.status).toBe(200)
  })

  test('a planted session is not extended by a discovery login either', async () => {
    const victim = await signIn(stack, 'ada@acme.test', 'acme')
    await post('/otps/email/discovery/send', { email_address: 'ada@acme.test' })
    const authenticated = await post(
      '/otps/email/discovery/authenticate',
      { email_address: 'ada@acme.test', code: code('ada@acme.test') },
      victim.cookie,
    )
    const exchange = await post(
      '/discovery/intermediate_sessions/exchange',
      { organization_id: 'acme' },
      `${victim.cookie}; ${cookieHeader(setCookiesOf(authenticated))}`,
    )
    const token = setCookiesOf(exchange)[0]
    expect(token).toMatch(/^stytch_session=/)
    expect(token).not.toContain(encodeURIComponent(victim.sessionToken))
  })
})

describe('login CSRF', () => {
  test('a cross-site form cannot log the victim in to the attacker’s account', async () => {
    await post('/otps/email/discovery/send', { email_address: 'attacker@acme.test' })
    const response = await request(stack.app)
      .post('/auth/otps/email/discovery/authenticate')
      .set('origin', 'https://evil.example')
      .type('form')
      .send({ email_address: 'attacker@acme.test', code: code('attacker@acme.test') })
    expect(response.status).toBe(403)
    expect(response.body.error.code).toBe('ERR_CSRF_REJECTED')
    expect(setCookiesOf(response)).toEqual([])
  })
})

describe('upstream faults end in bounded time with a clear error and no broken cookie', () => {
  test.each([
    [
      '429',
      {
        kind: 'status',
        status: 429,
        body: '{"status_code":429,"error_type":"too_many_requests","request_id":"r"}',
      },
      429,
      'ERR_RATE_LIMITED',
    ],
    [
      'malformed JSON',
      { kind: 'status', status: 200, body: '{"intermediate_session_token":' },
      503,
      'ERR_STYTCH_UNAVAILABLE',
    ],
    [
      '200 without tokens',
      { kind: 'status', status: 200, body: '{"status_code":200,"request_id":"r"}' },
      503,
      'ERR_STYTCH_UNAVAILABLE',
    ],
    ['5xx', { kind: 'status', status: 500 }, 503, 'ERR_STYTCH_UNAVAILABLE'],
    ['reset', { kind: 'reset' }, 503, 'ERR_STYTCH_UNAVAILABLE'],
  ] as const)('%s on discovery authenticate', async (_label, fault, status, errorCode) => {
    await post('/otps/email/discovery/send', { email_address: 'ada@acme.test' })
    stack.proxy.setFault('/v1/b2b/otps/email/discovery/authenticate', fault)
    const response = await post('/otps/email/discovery/authenticate', {
      email_address: 'ada@acme.test',
      code: code('ada@acme.test'),
    })
    expect(response.status).toBe(status)
    expect(response.body.error.code).toBe(errorCode)
    expect(setCookiesOf(response)).toEqual([])
    expectNoSecrets(response, [code('ada@acme.test')])
  })

  test('200 without a session on exchange: no cookie, the intermediate session is kept', async () => {
    await post('/otps/email/discovery/send', { email_address: 'ada@acme.test' })
    const authenticated = await post('/otps/email/discovery/authenticate', {
      email_address: 'ada@acme.test',
      code: code('ada@acme.test'),
    })
    stack.proxy.setFault('/v1/b2b/discovery/intermediate_sessions/exchange', {
      kind: 'status',
      status: 200,
      body: JSON.stringify({
        status_code: 200,
        member_authenticated: true,
        session_token: '',
        session_jwt: '',
      }),
    })
    const response = await post(
      '/discovery/intermediate_sessions/exchange',
      { organization_id: 'acme' },
      cookieHeader(setCookiesOf(authenticated)),
    )
    expect(response.status).toBe(503)
    expect(setCookiesOf(response)).toEqual([])
  })

  test('no token, code or secret in any body, header or log line of a full flow', async () => {
    const info = vi.fn()
    const ada = await signIn(stack, 'ada@acme.test', 'acme')
    const responses = [
      await request(stack.app).get('/auth/session').set('cookie', ada.cookie),
      await post('/sessions/exchange', { organization_id: 'acme' }, ada.cookie),
      await post('/sessions/revoke', {}, ada.cookie),
    ]
    for (const response of responses) {
      const body = JSON.stringify(response.body)
      for (const secret of [ada.sessionJwt, ada.sessionToken, stack.local.secret])
        expect(body).not.toContain(secret)
    }
    expect(info).not.toHaveBeenCalled()
    for (const line of logged) {
      for (const secret of [ada.sessionJwt, ada.sessionToken, stack.local.secret])
        expect(line).not.toContain(secret)
    }
  })
})
