// Session JWTs: header and claims verified with jose against the served JWKS; rotation, removal.
import { createHash, X509Certificate } from 'node:crypto'
import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { LOCAL_STORES } from '../helpers/local-stores.js'
import { ALICE, expectPublicRs256Key, login, P, useAcme } from './fixtures.js'

describe.each(LOCAL_STORES)('$name store', (store) => {
  const h = useAcme(store, { roles: ['stytch_admin'] })

  async function jwks(): Promise<JSONWebKeySet & { keys: Record<string, unknown>[] }> {
    const res = await fetch(`${h.local.url}/v1/b2b/sessions/jwks/${h.local.projectId}`)
    expect(res.status).toBe(200)
    return (await res.json()) as JSONWebKeySet & { keys: Record<string, unknown>[] }
  }

  async function verify(jwt: string) {
    return jwtVerify(jwt, createLocalJWKSet(await jwks()), {
      algorithms: ['RS256'],
      audience: h.local.projectId,
      issuer: `stytch.com/${h.local.projectId}`,
      typ: 'JWT',
      currentDate: new Date(h.clock.now()),
    })
  }

  describe('JWKS', () => {
    it('serves public RSA keys only, without credentials, with a real x5c and thumbprint', async () => {
      const body = await jwks()
      expect(body.keys).toHaveLength(1)
      const key = body.keys[0] as Record<string, unknown>
      expect(Object.keys(key).sort()).toEqual(
        ['alg', 'e', 'key_ops', 'kid', 'kty', 'n', 'use', 'x5c', 'x5tS256'].sort(),
      )
      expectPublicRs256Key(key)
      expect(key.kid).toMatch(/^jwk-test-[0-9a-f-]{36}$/)
      expect(Buffer.from(String(key.n), 'base64url')).toHaveLength(256) // 2048-bit modulus
      const der = Buffer.from((key.x5c as string[])[0] ?? '', 'base64')
      const certificate = new X509Certificate(der)
      expect(certificate.verify(certificate.publicKey)).toBe(true)
      expect(certificate.publicKey.export({ format: 'jwk' }).n).toBe(key.n)
      expect(key.x5tS256).toBe(createHash('sha256').update(der).digest('base64url'))
    })

    it('answers 404 for another project id', async () => {
      const res = await fetch(`${h.local.url}/v1/b2b/sessions/jwks/project-test-other`)
      expect(res.status).toBe(404)
    })
  })

  describe('session JWT', () => {
    it('has the Stytch header, registered claims and the session/organization claims', async () => {
      const res = await login(h, h.orgId, ALICE, { session_custom_claims: { plan: 'pro' } })
      const jwt: string = res.body.session_jwt
      const header = decodeProtectedHeader(jwt)
      expect(header).toEqual({ alg: 'RS256', kid: (await jwks()).keys[0]?.kid, typ: 'JWT' })
      const { payload } = await verify(jwt)
      const iat = Math.floor(h.clock.now() / 1000)
      expect(payload).toMatchObject({
        aud: [h.local.projectId],
        iss: `stytch.com/${h.local.projectId}`,
        sub: res.body.member_id,
        iat,
        nbf: iat,
        exp: iat + 300,
        plan: 'pro',
        'https://stytch.com/organization': { organization_id: h.orgId, slug: 'acme' },
      })
      const session = payload['https://stytch.com/session'] as Record<string, unknown>
      expect(session).toEqual({
        id: res.body.member_session.member_session_id,
        started_at: '2030-01-01T00:00:00Z',
        last_accessed_at: '2030-01-01T00:00:00Z',
        expires_at: '2030-01-01T01:00:00Z',
        attributes: { user_agent: '', ip_address: '' },
        authentication_factors: res.body.member_session.authentication_factors,
        roles: ['stytch_member', 'stytch_admin'],
      })
    })

    it('is computed from the injected clock', async () => {
      h.clock.advance(3 * 3600_000)
      const jwt = (await login(h, h.orgId, ALICE)).body.session_jwt
      const { payload } = await verify(jwt)
      expect(payload.iat).toBe(Math.floor(h.clock.now() / 1000))
      h.clock.advance(301_000)
      await expect(verify(jwt)).rejects.toThrow(/exp/)
    })

    it('a forged or re-signed token is refused by sessions/authenticate', async () => {
      const jwt: string = (await login(h, h.orgId, ALICE)).body.session_jwt
      const [header, payload, signature] = jwt.split('.')
      const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString())
      claims.sub = 'member-test-someone-else'
      const tampered = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`
      const res = await h.post(P.sessionsAuthenticate, { session_jwt: tampered })
      expect(res.status).toBe(404)
      expect(res.body.error_type).toBe('session_not_found')
      const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`
      expect((await h.post(P.sessionsAuthenticate, { session_jwt: none })).status).toBe(404)
    })
  })

  describe('key rotation', () => {
    it('signs with the new key and keeps the old one published until removed', async () => {
      const oldJwt: string = (await login(h, h.orgId, ALICE)).body.session_jwt
      const oldKid = decodeProtectedHeader(oldJwt).kid as string
      const { kid } = await h.local.rotateKeys()
      expect(kid).not.toBe(oldKid)
      const fresh = (await h.post(P.sessionsAuthenticate, { session_jwt: oldJwt })).body.session_jwt
      expect(decodeProtectedHeader(fresh).kid).toBe(kid)
      expect((await jwks()).keys.map((k) => k.kid)).toEqual([oldKid, kid])
      await verify(oldJwt)
      await verify(fresh)

      h.local.removeKey(oldKid)
      expect((await jwks()).keys.map((k) => k.kid)).toEqual([kid])
      await expect(verify(oldJwt)).rejects.toThrow()
      const refused = await h.post(P.sessionsAuthenticate, { session_jwt: oldJwt })
      expect(refused.body.error_type).toBe('session_not_found')
      expect(() => h.local.removeKey(kid)).toThrow(TypeError)
    })
  })

  describe('session_custom_claims', () => {
    it('ignores reserved claims, merges, and deletes keys set to null', async () => {
      const first = await login(h, h.orgId, ALICE, {
        session_custom_claims: { a: 1, b: { nested: true }, iss: 'evil', sub: 'evil', exp: 1 },
      })
      expect(first.body.member_session.custom_claims).toEqual({ a: 1, b: { nested: true } })
      const { payload } = await verify(first.body.session_jwt)
      expect(payload.iss).toBe(`stytch.com/${h.local.projectId}`)
      expect(payload.sub).toBe(first.body.member_id)
      const next = await h.post(P.sessionsAuthenticate, {
        session_token: first.body.session_token,
        session_custom_claims: { a: null, c: 'x' },
      })
      expect(next.body.member_session.custom_claims).toEqual({ b: { nested: true }, c: 'x' })
      const next2 = await verify(next.body.session_jwt)
      expect(next2.payload.a).toBeUndefined()
      expect(next2.payload.c).toBe('x')
    })

    it('rejects keys under https://stytch.com/ and claims over 4 KB', async () => {
      const stytch = await login(h, h.orgId, ALICE, {
        session_custom_claims: { 'https://stytch.com/session': {} },
      })
      expect(stytch.status).toBe(400)
      expect(stytch.body.error_type).toBe('stytch_claims_in_custom_claims')
      const big = await login(h, h.orgId, ALICE, {
        session_custom_claims: { blob: 'x'.repeat(4100) },
      })
      expect(big.status).toBe(400)
      expect(big.body.error_type).toBe('custom_claims_too_large')
      const ok = await login(h, h.orgId, ALICE, {
        session_custom_claims: { blob: 'x'.repeat(4000) },
      })
      expect(ok.status).toBe(200)
      const grow = await h.post(P.sessionsAuthenticate, {
        session_token: ok.body.session_token,
        session_custom_claims: { more: 'y'.repeat(200) },
      })
      expect(grow.body.error_type).toBe('custom_claims_too_large')
      const notObject = await login(h, h.orgId, ALICE, { session_custom_claims: ['a'] })
      expect(notObject.body.error_type).toBe('bad_request')
    })

    it('keeps __proto__ and constructor as plain data, polluting nothing', async () => {
      const raw =
        '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"ok":1}'
      const code = await (async () => {
        await h.post(P.loginOrSignup, { organization_id: h.orgId, email_address: ALICE })
        return h.local.outbox.latest(ALICE)?.code
      })()
      const body = `{"organization_id":"${h.orgId}","email_address":"${ALICE}","code":"${code}","session_custom_claims":${raw},"__proto__":{"polluted":"yes"}}`
      const res = await fetch(h.local.url + P.otpAuthenticate, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${h.local.projectId}:${h.local.secret}`).toString('base64')}`,
          'content-type': 'application/json',
        },
        body,
      })
      expect(res.status).toBe(200)
      const text = await res.text()
      const parsed = JSON.parse(text)
      expect(Object.keys(parsed.member_session.custom_claims).sort()).toEqual(
        ['__proto__', 'constructor', 'ok'].sort(),
      )
      expect(text).toContain('"__proto__":{"polluted":"yes"}')
      const { payload } = await verify(parsed.session_jwt)
      expect(Object.hasOwn(payload, '__proto__')).toBe(true)
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
      expect(Object.prototype).not.toHaveProperty('polluted')
      const again = await h.post(P.sessionsAuthenticate, {
        session_token: parsed.session_token,
        session_custom_claims: { ok: null },
      })
      expect(Object.keys(again.body.member_session.custom_claims).sort()).toEqual(
        ['__proto__', 'constructor'].sort(),
      )
    })
  })
})
