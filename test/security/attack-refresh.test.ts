// Attack: the bounded refresh (src/core/session/refresh.ts), from an outside review. Comments say
// which tests caught a hole before it was fixed.
import request from 'supertest'
import { describe, expect, test } from 'vitest'
import { cookieHeader, setCookiesOf } from '../helpers/cookies.js'
import { ADAPTERS, signIn, useSignedIn, useStack } from '../helpers/stack.js'
import { JWT_LIFETIME_MS, randomTokenLike } from '../helpers/tokens.js'

describe.each(ADAPTERS)('$name', (adapter) => {
  const stack = useStack(adapter, {}, { seed: { acme: 'vera@acme.test', evil: 'eve@evil.test' } })
  const vera = useSignedIn(stack, 'vera@acme.test', 'acme')

  // Regression (a hole once): anyone holding a victim's *expired* JWT (logs, a bearer call captured earlier, a
  // Referer, a screenshot of devtools…) spends the victim's whole refusal budget with 5 random
  // tokens; the victim's own, valid token is then refused without a call ('blocked' → 401) for up
  // to an hour: a forced logout needing no session token.
  test('five random tokens beside a leaked expired JWT must not lock the owner out', async () => {
    stack.clock.advance(JWT_LIFETIME_MS + 60_000)
    for (let i = 0; i < 5; i++) {
      const forged = await request(stack.app)
        .get('/protected')
        .set(
          'cookie',
          `stytch_session=${randomTokenLike(vera.sessionToken)}; stytch_session_jwt=${vera.sessionJwt}`,
        )
      expect(forged.status).toBe(401)
    }
    // The real owner, with her real pair, a moment later.
    const owner = await request(stack.app).get('/protected').set('cookie', vera.cookie)
    expect(owner.body?.error?.code).not.toBe('ERR_SESSION_INVALID')
    expect(owner.status).toBe(200)
  })

  // Regression (a hole once): the 30 s grace cache outlives a logout. After the owner refreshes and then logs out
  // (session revoked upstream), the OLD cookie pair (expired JWT + token, e.g. left in another tab
  // or copied earlier) still gets a session and is handed a fresh JWT valid for 5 more minutes.
  test('after logout, the old pair must not be served from the refresh grace cache', async () => {
    stack.clock.advance(JWT_LIFETIME_MS + 60_000)
    const refreshed = await request(stack.app).get('/protected').set('cookie', vera.cookie)
    expect(refreshed.status).toBe(200)
    const fresh = cookieHeader(setCookiesOf(refreshed))
    const logout = await request(stack.app).post('/auth/sessions/revoke').set('cookie', fresh)
    expect(logout.status).toBe(200)
    expect(logout.body.revoked).toBe(true)
    stack.clock.advance(5_000)
    const replay = await request(stack.app).get('/protected').set('cookie', vera.cookie)
    // Secure behaviour: the revoked session is gone.
    expect(setCookiesOf(replay).some((l) => /^stytch_session_jwt=[^;]+/.test(l))).toBe(false)
    expect(replay.status).toBe(401)
  })

  // the grace cache is keyed by token but checked against the JWT's session id.
  test("the victim token beside another member's expired JWT gets nothing from the cache", async () => {
    const eve = await signIn(stack, 'eve@evil.test', 'evil')
    stack.clock.advance(JWT_LIFETIME_MS + 60_000)
    const warm = await request(stack.app).get('/protected').set('cookie', vera.cookie)
    expect(warm.status).toBe(200)
    const mixed = await request(stack.app)
      .get('/protected')
      .set('cookie', `stytch_session=${vera.sessionToken}; stytch_session_jwt=${eve.sessionJwt}`)
    expect(mixed.status).toBe(401)
    expect(stack.handlerRuns()).toBe(1)
    // …and Vera is not logged out by it.
    const again = await request(stack.app).get('/protected').set('cookie', vera.cookie)
    expect(again.status).toBe(200)
  })

  // non-definitive upstream errors (4xx other than session_not_found, HTML 404) keep cookies.
  for (const [label, fault] of [
    [
      'HTML 404',
      { kind: 'status', status: 404, body: '<html>nope</html>', contentType: 'text/html' },
    ],
    [
      '400 bad_request',
      {
        kind: 'status',
        status: 400,
        body: '{"status_code":400,"error_type":"invalid_session_token","error_message":"x","request_id":"r"}',
      },
    ],
    [
      '401 credentials',
      {
        kind: 'status',
        status: 401,
        body: '{"status_code":401,"error_type":"unauthorized_credentials","error_message":"x","request_id":"r"}',
      },
    ],
    ['408 timeout', { kind: 'status', status: 408 }],
  ] as const) {
    test(`upstream ${label} on refresh leaves cookies alone`, async () => {
      stack.clock.advance(JWT_LIFETIME_MS + 60_000)
      stack.proxy.setFault('/v1/b2b/sessions/authenticate', fault)
      const response = await request(stack.app).get('/protected').set('cookie', vera.cookie)
      expect(response.status).not.toBe(200)
      expect(setCookiesOf(response)).toEqual([])
      stack.proxy.setFault('/v1/b2b/sessions/authenticate', undefined)
      stack.clock.advance(6_000)
      const recovered = await request(stack.app).get('/protected').set('cookie', vera.cookie)
      expect(recovered.status).toBe(200)
    })
  }
})
