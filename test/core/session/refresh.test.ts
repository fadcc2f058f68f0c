// Refresh of an expired session JWT over real HTTP: once per session, new cookies, refusals that clear them, Stytch down.
import request from 'supertest'
import { describe, expect, test } from 'vitest'
import {
  CLEARED_COOKIES,
  cookieHeader,
  sessionCookiePattern,
  setCookiesOf,
} from '../../helpers/cookies.js'
import { callStytch } from '../../helpers/local-api.js'
import { ADAPTERS, signIn, useSignedIn, useStack } from '../../helpers/stack.js'

const REFRESH = 'POST /v1/b2b/sessions/authenticate'

describe.each(ADAPTERS)('$name', (adapter) => {
  const stack = useStack(adapter, {}, { seed: { acme: 'ada@acme.test' } })
  const ada = useSignedIn(stack, 'ada@acme.test', 'acme')
  const get = (cookie: string) => request(stack.app).get('/protected').set('cookie', cookie)

  /** Bob, a second member of acme, signed in. */
  async function signInBob() {
    await stack.local.seedMember({ organization_id: 'acme', email_address: 'bob@acme.test' })
    return signIn(stack, 'bob@acme.test', 'acme')
  }

  test('an expired JWT with its session token is refreshed once and new cookies are set', async () => {
    stack.clock.advance(6 * 60_000)
    const response = await get(ada.cookie)
    expect(response.status).toBe(200)
    expect(stack.handlerRuns()).toBe(1)
    expect(stack.upstream(REFRESH)).toBe(1)
    const cookies = setCookiesOf(response)
    expect(cookies).toHaveLength(2)
    expect(cookies[0]).toMatch(sessionCookiePattern('stytch_session', 3240))
    expect(cookies[1]).toMatch(sessionCookiePattern('stytch_session_jwt', 3240))
    const fresh = cookieHeader(cookies)
    expect(fresh).not.toContain(ada.sessionJwt)
    const again = await get(fresh)
    expect(again.status).toBe(200)
    expect(stack.upstream(REFRESH)).toBe(1)
  })

  test('100 parallel requests with one expired JWT make one refresh call; two users keep their own cookies', async () => {
    const bob = await signInBob()
    stack.local.resetRequestCounts()
    stack.clock.advance(6 * 60_000)
    const adaRequests = Array.from({ length: 100 }, () => get(ada.cookie))
    const bobRequests = Array.from({ length: 20 }, () => get(bob.cookie))
    const [adaResponses, bobResponses] = await Promise.all([
      Promise.all(adaRequests),
      Promise.all(bobRequests),
    ])
    expect(stack.upstream(REFRESH)).toBe(2)
    const memberOf = (r: request.Response) => r.body.memberId as string
    const adaIds = new Set(adaResponses.map(memberOf))
    const bobIds = new Set(bobResponses.map(memberOf))
    expect(adaIds.size).toBe(1)
    expect(bobIds.size).toBe(1)
    expect([...adaIds][0]).not.toBe([...bobIds][0])
    const tokensOf = (responses: request.Response[]) =>
      new Set(
        responses.flatMap((r) => setCookiesOf(r)).filter((c) => c.startsWith('stytch_session=')),
      )
    const adaTokens = tokensOf(adaResponses)
    const bobTokens = tokensOf(bobResponses)
    expect(adaTokens.size).toBe(1)
    expect(bobTokens.size).toBe(1)
    expect([...adaTokens][0]).toContain(encodeURIComponent(ada.sessionToken))
    expect([...bobTokens][0]).toContain(encodeURIComponent(bob.sessionToken))
  })

  test('an expired JWT without a session token is refused locally and the cookies are cleared', async () => {
    stack.clock.advance(6 * 60_000)
    const response = await get(`stytch_session_jwt=${ada.sessionJwt}`)
    expect(response.status).toBe(401)
    expect(response.body.error.code).toBe('ERR_SESSION_EXPIRED')
    expect(stack.handlerRuns()).toBe(0)
    expect(stack.upstream(REFRESH)).toBe(0)
    expect(setCookiesOf(response)).toContain(CLEARED_COOKIES[1])
  })

  test('a revoked session cannot be refreshed: 401 and the cookies are cleared', async () => {
    await callStytch(stack.local, 'POST', '/v1/b2b/sessions/revoke', {
      session_token: ada.sessionToken,
    })
    stack.clock.advance(6 * 60_000)
    const response = await get(ada.cookie)
    expect(response.status).toBe(401)
    expect(response.body.error.code).toBe('ERR_SESSION_EXPIRED')
    expect(stack.upstream(REFRESH)).toBe(1)
    expect(setCookiesOf(response)).toEqual(CLEARED_COOKIES)
  })

  test('a session token paired with another session’s JWT is refused', async () => {
    const bob = await signInBob()
    stack.clock.advance(6 * 60_000)
    const response = await get(
      `stytch_session=${bob.sessionToken}; stytch_session_jwt=${ada.sessionJwt}`,
    )
    expect(response.status).toBe(401)
    expect(stack.handlerRuns()).toBe(0)
  })

  test('Stytch down during a refresh: 503, no cookie is changed', async () => {
    stack.proxy.setFault('/v1/b2b/sessions/authenticate', { kind: 'hang' })
    stack.clock.advance(6 * 60_000)
    const response = await get(ada.cookie)
    expect(response.status).toBe(503)
    expect(response.body.error.code).toBe('ERR_STYTCH_UNAVAILABLE')
    expect(setCookiesOf(response)).toEqual([])
    expect(stack.handlerRuns()).toBe(0)
  })
})
