// requireSession over real HTTP: local verification, refresh of expired JWTs, refused tokens, JWKS and upstream faults.
import { createHmac, createPublicKey } from 'node:crypto'
import request from 'supertest'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { callStytch } from '../helpers/local-api.js'
import {
  ADAPTERS,
  cookieHeader,
  createStack,
  type SignedIn,
  type Stack,
  seedOrganization,
  setCookiesOf,
  signIn,
} from '../helpers/stack.js'
import { b64url, claimsOf, createTestSigner } from '../helpers/tokens.js'

describe.each(ADAPTERS)('$name', (adapter) => {
  let stack: Stack
  let ada: SignedIn
  beforeEach(async () => {
    stack = await createStack({}, adapter)
    await seedOrganization(stack.local, 'acme', 'ada@acme.test')
    ada = await signIn(stack, 'ada@acme.test', 'acme')
    stack.local.resetRequestCounts()
  })
  afterEach(async () => {
    await stack.close()
  })

  const REFRESH = 'POST /v1/b2b/sessions/authenticate'
  const get = (cookie: string) => request(stack.app).get('/protected').set('cookie', cookie)

  describe('a valid session JWT', () => {
    test('passes without any upstream call, and 50 requests make one JWKS fetch', async () => {
      const responses = await Promise.all(Array.from({ length: 50 }, () => get(ada.cookie)))
      expect(responses.every((r) => r.status === 200)).toBe(true)
      expect(stack.handlerRuns()).toBe(50)
      expect(stack.jwksFetches()).toBe(1)
      expect(stack.upstream(REFRESH)).toBe(0)
      expect(responses.every((r) => setCookiesOf(r).length === 0)).toBe(true)
    })

    test('is accepted as a bearer token', async () => {
      const response = await request(stack.app)
        .get('/protected')
        .set('authorization', `Bearer ${ada.sessionJwt}`)
      expect(response.status).toBe(200)
    })
  })

  describe('refresh', () => {
    test('an expired JWT with its session token is refreshed once and new cookies are set', async () => {
      stack.clock.advance(6 * 60_000)
      const response = await get(ada.cookie)
      expect(response.status).toBe(200)
      expect(stack.handlerRuns()).toBe(1)
      expect(stack.upstream(REFRESH)).toBe(1)
      const cookies = setCookiesOf(response)
      expect(cookies).toHaveLength(2)
      expect(cookies[0]).toMatch(
        /^stytch_session=[^;]+; Max-Age=3240; Path=\/; HttpOnly; SameSite=Lax$/,
      )
      expect(cookies[1]).toMatch(
        /^stytch_session_jwt=[^;]+; Max-Age=3240; Path=\/; HttpOnly; SameSite=Lax$/,
      )
      const fresh = cookieHeader(cookies)
      expect(fresh).not.toContain(ada.sessionJwt)
      const again = await get(fresh)
      expect(again.status).toBe(200)
      expect(stack.upstream(REFRESH)).toBe(1)
    })

    test('100 parallel requests with one expired JWT make one refresh call; two users keep their own cookies', async () => {
      await stack.local.seedMember({ organization_id: 'acme', email_address: 'bob@acme.test' })
      const bob = await signIn(stack, 'bob@acme.test', 'acme')
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
      const adaTokens = new Set(
        adaResponses.flatMap((r) => setCookiesOf(r)).filter((c) => c.startsWith('stytch_session=')),
      )
      const bobTokens = new Set(
        bobResponses.flatMap((r) => setCookiesOf(r)).filter((c) => c.startsWith('stytch_session=')),
      )
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
      expect(setCookiesOf(response)).toContain(
        'stytch_session_jwt=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
      )
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
      expect(setCookiesOf(response)).toEqual([
        'stytch_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
        'stytch_session_jwt=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
        'stytch_intermediate_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
      ])
    })

    test('a session token paired with another session’s JWT is refused', async () => {
      await stack.local.seedMember({ organization_id: 'acme', email_address: 'bob@acme.test' })
      const bob = await signIn(stack, 'bob@acme.test', 'acme')
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

  describe('refused tokens never reach Stytch', () => {
    const refused = async (cookieJwt: string) => {
      const runsBefore = stack.handlerRuns()
      const response = await get(
        `stytch_session=${ada.sessionToken}; stytch_session_jwt=${cookieJwt}`,
      )
      expect(response.status).toBe(401)
      expect(response.body.error.code).toBe('ERR_SESSION_INVALID')
      expect(response.headers['www-authenticate']).toBe('Bearer')
      expect(stack.handlerRuns()).toBe(runsBefore)
      expect(stack.upstream(REFRESH)).toBe(0)
      return response
    }

    test('alg none', async () => {
      const [, payload] = ada.sessionJwt.split('.')
      for (const alg of ['none', 'None', 'NONE']) {
        await refused(`${b64url({ alg, typ: 'JWT' })}.${payload}.`)
        await refused(`${b64url({ alg, typ: 'JWT', kid: 'x' })}.${payload}.`)
      }
    })

    test('HS256 signed with the RSA public key', async () => {
      const jwks = await callStytch(
        stack.local,
        'GET',
        `/v1/b2b/sessions/jwks/${stack.local.projectId}`,
      )
      const jwk = jwks.body.keys[0]
      const pem = createPublicKey({
        key: { kty: 'RSA', n: jwk.n, e: jwk.e },
        format: 'jwk',
      }).export({
        type: 'spki',
        format: 'pem',
      })
      const [, payload] = ada.sessionJwt.split('.')
      const header = b64url({ alg: 'HS256', typ: 'JWT', kid: jwk.kid })
      const signature = createHmac('sha256', pem).update(`${header}.${payload}`).digest('base64url')
      await refused(`${header}.${payload}.${signature}`)
    })

    test('tampered payload keeps the old signature', async () => {
      const [header, , signature] = ada.sessionJwt.split('.')
      const claims = claimsOf(ada.sessionJwt)
      await refused(
        `${header}.${b64url({ ...claims, sub: 'member-test-00000000-0000-4000-8000-000000000000' })}.${signature}`,
      )
    })

    test('wrong issuer, audience, missing Stytch claims, future nbf, long lifetime (signed by a published key)', async () => {
      const signer = await createTestSigner(stack.proxy)
      const claims = claimsOf(ada.sessionJwt)
      const now = Math.floor(stack.clock.now() / 1000)
      const base: Record<string, unknown> = { ...claims, iat: now, nbf: now, exp: now + 300 }
      // The published test key signs a Stytch-shaped token that passes: the cases below are not key problems.
      expect((await get(`stytch_session_jwt=${await signer.sign(base)}`)).status).toBe(200)
      stack.local.resetRequestCounts()
      const runs = stack.handlerRuns()
      const { 'https://stytch.com/organization': _org, ...withoutOrg } = base
      const { 'https://stytch.com/session': _session, ...withoutSession } = base
      const cases = [
        { ...base, iss: 'stytch.com/project-test-other' },
        { ...base, aud: ['project-test-other'] },
        withoutOrg,
        withoutSession,
        { ...base, nbf: now + 120 },
        { ...base, iat: now, exp: now + 3600 },
        { ...base, sub: undefined },
      ]
      for (const payload of cases) {
        await refused(await signer.sign(payload))
      }
      await refused(await signer.sign(base, { typ: 'at+jwt' }))
      await refused(await signer.sign(base, { kid: 'jwk-test-unknown' }))
      expect(stack.handlerRuns()).toBe(runs)
    })
  })

  describe('JWKS', () => {
    test('a token signed by a rotated-in key passes once the cooldown has passed', async () => {
      expect((await get(ada.cookie)).status).toBe(200)
      await stack.local.rotateKeys()
      stack.clock.advance(6_000)
      const fresh = await callStytch(stack.local, 'POST', '/v1/b2b/sessions/authenticate', {
        session_token: ada.sessionToken,
      })
      const response = await get(`stytch_session_jwt=${fresh.body.session_jwt}`)
      expect(response.status).toBe(200)
      expect(stack.jwksFetches()).toBe(2)
    })

    test('an outage after a warm cache keeps valid tokens working for the stale window, then fails closed', async () => {
      expect((await get(ada.cookie)).status).toBe(200)
      stack.proxy.setFault('/v1/b2b/sessions/jwks/', { kind: 'status', status: 500 })
      const freshJwt = async () => {
        const fresh = await callStytch(stack.local, 'POST', '/v1/b2b/sessions/authenticate', {
          session_token: ada.sessionToken,
        })
        return `stytch_session_jwt=${fresh.body.session_jwt}`
      }
      // Keep the session alive past the hour so only the keys can fail.
      await callStytch(stack.local, 'POST', '/v1/b2b/sessions/authenticate', {
        session_token: ada.sessionToken,
        session_duration_minutes: 240,
      })
      stack.clock.advance(11 * 60_000) // past the 10-minute TTL
      expect((await get(await freshJwt())).status).toBe(200)
      stack.clock.advance(60 * 60_000) // 71 minutes: past the TTL plus the 1-hour stale window
      const closed = await get(await freshJwt())
      expect(closed.status).toBe(503)
      expect(closed.body.error.code).toBe('ERR_STYTCH_UNAVAILABLE')
    })
  })

  describe('upstream faults on the mounted endpoints', () => {
    test('a hanging Stytch gives 503 within the request timeout and sets no cookie', async () => {
      stack.proxy.setFault('/v1/b2b/otps/email/discovery/send', { kind: 'hang' })
      const response = await request(stack.app)
        .post('/auth/otps/email/discovery/send')
        .send({ email_address: 'a@b.test' })
      expect(response.status).toBe(503)
      expect(response.body.error.code).toBe('ERR_STYTCH_UNAVAILABLE')
      expect(setCookiesOf(response)).toEqual([])
    })

    test('a 5xx on switch organization gives 503 and keeps the cookies', async () => {
      stack.proxy.setFault('/v1/b2b/sessions/exchange', {
        kind: 'status',
        status: 502,
        body: '<html>bad gateway</html>',
        contentType: 'text/html',
      })
      const response = await request(stack.app)
        .post('/auth/sessions/exchange')
        .set('cookie', ada.cookie)
        .send({ organization_id: 'acme' })
      expect(response.status).toBe(503)
      expect(setCookiesOf(response)).toEqual([])
    })

    test('logout clears every cookie even when Stytch is down', async () => {
      stack.proxy.setFault('/v1/b2b/sessions/revoke', { kind: 'status', status: 500 })
      const response = await request(stack.app)
        .post('/auth/sessions/revoke')
        .set('cookie', ada.cookie)
      expect(response.status).toBe(200)
      expect(response.body).toEqual({ loggedOut: true, revoked: false })
      expect(setCookiesOf(response)).toHaveLength(3)
    })
  })

  describe('requireSession options', () => {
    test('no session: 401 JSON with WWW-Authenticate', async () => {
      const response = await request(stack.app).get('/protected')
      expect(response.status).toBe(401)
      expect(response.body).toEqual({
        error: { code: 'ERR_SESSION_MISSING', message: expect.any(String) },
      })
      expect(response.headers['www-authenticate']).toBe('Bearer')
    })

    test('a refused bearer token gets error="invalid_token"', async () => {
      const response = await request(stack.app)
        .get('/protected')
        .set('authorization', 'Bearer abc.def.ghi')
      expect(response.status).toBe(401)
      expect(response.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/)
    })
  })
})
