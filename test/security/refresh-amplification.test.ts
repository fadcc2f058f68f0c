// Refresh of an expired JWT under attack: bounded upstream calls, shared answers, and nobody logged out by a 429.
import request from 'supertest'
import { describe, expect, test, vi } from 'vitest'
import { cookieNames, setCookiesOf } from '../helpers/cookies.js'
import { ADAPTERS, type SignedIn, type Stack, signIn, useStackFactory } from '../helpers/stack.js'
import { JWT_LIFETIME_MS, randomTokenLike } from '../helpers/tokens.js'

const AUTHENTICATE = 'POST /v1/b2b/sessions/authenticate'
const ACME = { acme: 'ada@acme.test' }

function cookiesWith(signedIn: SignedIn, token: string): string {
  return `stytch_session=${token}; stytch_session_jwt=${signedIn.sessionJwt}`
}

describe.each(ADAPTERS)('$name', (adapter) => {
  const start = useStackFactory(adapter)
  let stack: Stack

  /** A stack on which Ada signed in, then her JWT expired. */
  async function signedInWithExpiredJwt(): Promise<SignedIn> {
    stack = await start({}, ACME)
    const ada = await signIn(stack, 'ada@acme.test', 'acme')
    stack.clock.advance(JWT_LIFETIME_MS + 60_000)
    return ada
  }

  test('200 requests with one expired JWT and random tokens make at most 5 upstream calls', async () => {
    const ada = await signedInWithExpiredJwt()
    const statuses = new Map<number, number>()
    const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1)
    // 50 at once, then 150 one after the other.
    const burst = await Promise.all(
      Array.from({ length: 50 }, () =>
        request(stack.app)
          .get('/protected')
          .set('cookie', cookiesWith(ada, randomTokenLike(ada.sessionToken))),
      ),
    )
    for (const response of burst) count(response.status)
    for (let i = 0; i < 150; i++) {
      const response = await request(stack.app)
        .get('/protected')
        .set('cookie', cookiesWith(ada, randomTokenLike(ada.sessionToken)))
      count(response.status)
    }
    expect(stack.upstream(AUTHENTICATE)).toBeLessThanOrEqual(5)
    expect(stack.handlerRuns()).toBe(0)
    expect([...statuses.keys()].every((status) => status === 401 || status === 503)).toBe(true)
  })

  test('a refused token is remembered: sending it again makes no new call and clears cookies', async () => {
    const ada = await signedInWithExpiredJwt()
    const stranger = randomTokenLike(ada.sessionToken)
    const first = await request(stack.app)
      .get('/protected')
      .set('cookie', cookiesWith(ada, stranger))
    expect(first.status).toBe(401)
    expect(stack.upstream(AUTHENTICATE)).toBe(1)
    for (let i = 0; i < 20; i++) {
      const again = await request(stack.app)
        .get('/protected')
        .set('cookie', cookiesWith(ada, stranger))
      expect(again.status).toBe(401)
      expect(cookieNames(setCookiesOf(again))).toEqual([
        'stytch_session',
        'stytch_session_jwt',
        'stytch_intermediate_session',
      ])
    }
    expect(stack.upstream(AUTHENTICATE)).toBe(1)
  })

  test('20 parallel requests with one expired JWT and its token make 1 call and all pass', async () => {
    const ada = await signedInWithExpiredJwt()
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        request(stack.app).get('/protected').set('cookie', ada.cookie),
      ),
    )
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200))
    expect(stack.upstream(AUTHENTICATE)).toBe(1)
    expect(stack.handlerRuns()).toBe(20)
    // Stragglers still carrying the old JWT within the grace time share the same answer.
    stack.clock.advance(10_000)
    const late = await request(stack.app).get('/protected').set('cookie', ada.cookie)
    expect(late.status).toBe(200)
    expect(setCookiesOf(late).some((line) => line.startsWith('stytch_session_jwt='))).toBe(true)
    expect(stack.upstream(AUTHENTICATE)).toBe(1)
  })

  for (const [label, fault] of [
    [
      '429',
      {
        kind: 'status',
        status: 429,
        body: '{"status_code":429,"error_type":"too_many_requests","error_message":"slow down","request_id":"r"}',
      },
    ],
    ['500', { kind: 'status', status: 500 }],
    ['a connection reset', { kind: 'reset' }],
  ] as const) {
    test(`Stytch answering ${label} gives 503 with Retry-After and leaves the cookies alone`, async () => {
      const ada = await signedInWithExpiredJwt()
      stack.proxy.setFault('/v1/b2b/sessions/authenticate', fault)
      const refused = await request(stack.app).get('/protected').set('cookie', ada.cookie)
      expect(refused.status).toBe(503)
      expect(refused.body.error.code).toBe('ERR_STYTCH_UNAVAILABLE')
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1)
      expect(setCookiesOf(refused)).toEqual([])
      expect(stack.handlerRuns()).toBe(0)
      // Within the back-off, no new call.
      const again = await request(stack.app).get('/protected').set('cookie', ada.cookie)
      expect(again.status).toBe(503)
      expect(setCookiesOf(again)).toEqual([])
      // Once Stytch answers again (and the back-off has passed), the same cookies still work.
      stack.proxy.setFault('/v1/b2b/sessions/authenticate', undefined)
      stack.clock.advance(6_000)
      const recovered = await request(stack.app).get('/protected').set('cookie', ada.cookie)
      expect(recovered.status).toBe(200)
      expect(stack.handlerRuns()).toBe(1)
    })
  }

  test('refreshes in flight are capped: past maxConcurrentRefreshes, 503 with Retry-After at once', async () => {
    stack = await start({ maxConcurrentRefreshes: 2, requestTimeoutMs: 1500 }, ACME)
    const sessions: SignedIn[] = []
    for (let i = 0; i < 3; i++) sessions.push(await signIn(stack, 'ada@acme.test', 'acme'))
    stack.clock.advance(JWT_LIFETIME_MS + 60_000)
    stack.proxy.setFault('/v1/b2b/sessions/authenticate', { kind: 'hang' })
    const hanging = sessions.slice(0, 2).map((signedIn) =>
      request(stack.app)
        .get('/protected')
        .set('cookie', signedIn.cookie)
        .then((response) => response),
    )
    // The third request arrives while both refreshes wait on Stytch.
    await vi.waitFor(() => expect(stack.auth.stats().refreshesInFlight).toBe(2))
    const third = await request(stack.app)
      .get('/protected')
      .set('cookie', (sessions[2] as SignedIn).cookie)
    expect(third.status).toBe(503)
    expect(third.headers['retry-after']).toBe('1')
    expect(setCookiesOf(third)).toEqual([])
    const timedOut = await Promise.all(hanging)
    expect(timedOut.map((response) => response.status)).toEqual([503, 503])
    expect(timedOut.flatMap(setCookiesOf)).toEqual([])
  })
})
