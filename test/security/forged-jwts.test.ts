// Forged and malformed session JWTs: each is refused locally, with no upstream call, no refresh and no outbound fetch.
import { createHmac, createPublicKey, generateKeyPairSync } from 'node:crypto'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startLocalServer } from '../../src/local-server/index.js'
import { setCookiesOf } from '../helpers/cookies.js'
import { callStytch } from '../helpers/local-api.js'
import { type SignedIn, signIn, useStack } from '../helpers/stack.js'
import {
  b64url,
  claimsOf,
  createTestSigner,
  freshClaims,
  type TestSigner,
} from '../helpers/tokens.js'
import { startTrapServer, type TrapServer } from '../helpers/trap-server.js'

const stack = useStack(undefined, {}, { scope: 'all', seed: { acme: 'ada@acme.test' } })
let ada: SignedIn
let signer: TestSigner
let trap: TrapServer
let base: Record<string, unknown>
let realKid: string
let publicJwk: { n: string; e: string; kid: string }

beforeAll(async () => {
  trap = await startTrapServer()
  ada = await signIn(stack, 'ada@acme.test', 'acme')
  signer = await createTestSigner(stack.proxy)
  base = freshClaims(ada.sessionJwt, stack.clock.now())
  const jwks = await callStytch(
    stack.local,
    'GET',
    `/v1/b2b/sessions/jwks/${stack.local.projectId}`,
  )
  publicJwk = jwks.body.keys[0]
  realKid = publicJwk.kid
  // Control: the published test key signs a token that passes, so refusals below are about the forgery.
  const control = await request(stack.app)
    .get('/protected')
    .set('authorization', `Bearer ${await signer.sign(base)}`)
  expect(control.status).toBe(200)
})
afterAll(async () => {
  await trap.close()
})

/** Sends the token as a bearer header and as cookies (with the real session token beside it). */
async function expectRefused(token: string, label: string): Promise<void> {
  const runs = stack.handlerRuns()
  const refreshes = stack.upstream('POST /v1/b2b/sessions/authenticate')
  const bearer = await request(stack.app).get('/protected').set('authorization', `Bearer ${token}`)
  const cookie = await request(stack.app)
    .get('/protected')
    .set('cookie', `stytch_session=${ada.sessionToken}; stytch_session_jwt=${token}`)
  for (const response of [bearer, cookie]) {
    expect(response.status, label).toBe(401)
    expect(['ERR_SESSION_INVALID', 'ERR_SESSION_MISSING', 'ERR_SESSION_EXPIRED'], label).toContain(
      response.body.error.code,
    )
    // ERR_SESSION_EXPIRED only for a JWT cookie the reader dropped unread (oversized, or characters
    // no token has), beside the session token: never a forgery taken for an expired session.
    if (response.body.error.code === 'ERR_SESSION_EXPIRED') {
      expect(response, label).toBe(cookie)
      expect(response.body.error.message, label).toBe(
        'The session token cookie came without a usable session JWT cookie: sign in again.',
      )
    }
    expect(
      setCookiesOf(response).filter((c) => !c.includes('Max-Age=0')),
      label,
    ).toEqual([])
  }
  expect(bearer.headers['www-authenticate'], label).toMatch(/^Bearer error="invalid_token"/)
  expect(cookie.headers['www-authenticate'], label).toBe('Bearer')
  expect(stack.handlerRuns(), label).toBe(runs)
  expect(stack.upstream('POST /v1/b2b/sessions/authenticate'), label).toBe(refreshes)
  expect(trap.hits(), label).toBe(0)
}

const parts = (jwt: string) => jwt.split('.') as [string, string, string]

describe('forged and malformed JWTs', () => {
  test('alg none in any casing, with and without signature', async () => {
    const [, payload] = parts(ada.sessionJwt)
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      await expectRefused(`${b64url({ alg, typ: 'JWT' })}.${payload}.`, alg)
      await expectRefused(`${b64url({ alg, typ: 'JWT', kid: realKid })}.${payload}.`, `${alg}+kid`)
      const [, , signature] = parts(ada.sessionJwt)
      await expectRefused(
        `${b64url({ alg, typ: 'JWT', kid: realKid })}.${payload}.${signature}`,
        `${alg}+sig`,
      )
    }
  })

  test('HS256/384/512 signed with the RSA public key as PEM, DER and JWK JSON', async () => {
    const key = createPublicKey({
      key: { kty: 'RSA', n: publicJwk.n, e: publicJwk.e },
      format: 'jwk',
    })
    const secrets = {
      pem: key.export({ type: 'spki', format: 'pem' }),
      pkcs1: key.export({ type: 'pkcs1', format: 'pem' }),
      der: key.export({ type: 'spki', format: 'der' }),
      jwk: JSON.stringify({ kty: 'RSA', n: publicJwk.n, e: publicJwk.e }),
    }
    const [, payload] = parts(ada.sessionJwt)
    for (const [alg, hash] of [
      ['HS256', 'sha256'],
      ['HS384', 'sha384'],
      ['HS512', 'sha512'],
    ] as const) {
      for (const [form, secret] of Object.entries(secrets)) {
        const header = b64url({ alg, typ: 'JWT', kid: realKid })
        const signature = createHmac(hash, secret)
          .update(`${header}.${payload}`)
          .digest('base64url')
        await expectRefused(`${header}.${payload}.${signature}`, `${alg} ${form}`)
      }
    }
  })

  test('algorithms outside the allow-list, including the right key with another algorithm', async () => {
    for (const alg of ['RS384', 'RS512', 'PS256', 'ES256', 'EdDSA', 'rs256', 'RS256 ']) {
      await expectRefused(await signer.sign(base, { alg }), alg)
    }
  })

  test('missing, unknown and hostile kid values', async () => {
    const hostile: unknown[] = [
      undefined,
      '',
      'jwk-test-unknown',
      '../../../../etc/passwd',
      "' OR 1=1 --",
      'a'.repeat(5000),
      'kid\u0000null',
      '__proto__',
      'constructor',
      123,
      null,
      { kid: realKid },
      [realKid],
    ]
    const before = stack.jwksFetches()
    for (const kid of hostile)
      await expectRefused(await signer.sign(base, { kid }), `kid ${String(kid).slice(0, 20)}`)
    // Only well-formed unknown kids may cause refetches: at most the budget's burst of 2 per cooldown.
    expect(stack.jwksFetches() - before).toBeLessThanOrEqual(2)
  })

  test('embedded jwk/x5c and remote jku/x5u headers: refused, and the trap server gets nothing', async () => {
    const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const attackerJwk = attacker.publicKey.export({ format: 'jwk' })
    for (const extra of [
      { jwk: { ...attackerJwk, kid: signer.kid } },
      { jku: `${trap.url}/jwks.json` },
      { x5u: `${trap.url}/cert.pem` },
      { x5c: ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'] },
      { jku: `${stack.local.url}/v1/b2b/sessions/jwks/${stack.local.projectId}` },
    ]) {
      await expectRefused(await signer.sign(base, extra), Object.keys(extra)[0] as string)
    }
  })

  test('crit and b64 headers', async () => {
    await expectRefused(await signer.sign(base, { crit: ['b64'], b64: false }), 'crit b64')
    await expectRefused(await signer.sign(base, { crit: ['exp'] }), 'crit exp')
    await expectRefused(await signer.sign(base, { b64: true }), 'b64 true')
    await expectRefused(await signer.sign(base, { zip: 'DEF' }), 'zip')
  })

  test('tampered header, payload or signature', async () => {
    const [header, payload, signature] = parts(ada.sessionJwt)
    const flip = (text: string, at: number) =>
      text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1)
    await expectRefused(
      `${b64url({ ...JSON.parse(Buffer.from(header, 'base64url').toString()), extra: 1 })}.${payload}.${signature}`,
      'header',
    )
    await expectRefused(
      `${header}.${b64url({ ...claimsOf(ada.sessionJwt), roles: ['stytch_admin'] })}.${signature}`,
      'payload',
    )
    await expectRefused(`${header}.${payload}.${flip(signature, 10)}`, 'signature')
    await expectRefused(`${header}.${payload}.${signature.slice(0, -4)}`, 'short signature')
    await expectRefused(`${header}.${payload}.`, 'no signature')
    await expectRefused(`${header}.${payload}`, 'two segments')
  })

  test('wrong or missing iss, aud, sub, exp, typ; iat or nbf in the future; longer lifetimes', async () => {
    const now = base.iat as number
    const without = (key: string) =>
      Object.fromEntries(Object.entries(base).filter(([k]) => k !== key))
    const cases: Record<string, Record<string, unknown>> = {
      'iss other project': { ...base, iss: 'stytch.com/project-test-other' },
      'iss attacker': { ...base, iss: 'https://evil.example' },
      'iss missing': without('iss'),
      'aud other': { ...base, aud: ['project-test-other'] },
      'aud missing': without('aud'),
      'sub missing': without('sub'),
      'sub not a member': { ...base, sub: 'm2m-client-123' },
      'exp missing': without('exp'),
      'exp string': { ...base, exp: String(now + 300) },
      'iat missing': without('iat'),
      'iat future': { ...base, iat: now + 600, nbf: now + 600, exp: now + 900 },
      'nbf future': { ...base, nbf: now + 120 },
      // A missing nbf is accepted (optional on Stytch's wire): test/core/session/wire-claims.test.ts.
      'nbf not a number': { ...base, nbf: String(now) },
      'lifetime 1 hour': { ...base, exp: now + 3600 },
      'lifetime 301 s': { ...base, exp: now + 301 },
      'no Stytch claims (machine-to-machine)': Object.fromEntries(
        Object.entries(base).filter(([k]) => !k.startsWith('https://stytch.com/')),
      ),
      'no session claim': without('https://stytch.com/session'),
      'no organization claim': without('https://stytch.com/organization'),
      'session claim not an object': { ...base, 'https://stytch.com/session': 'x' },
      'roles not strings': {
        ...base,
        'https://stytch.com/session': {
          ...(base['https://stytch.com/session'] as object),
          roles: [1],
        },
      },
    }
    for (const [label, payload] of Object.entries(cases))
      await expectRefused(await signer.sign(payload), label)
    for (const typ of [undefined, 'at+jwt', 'JWE', 'jwt+x']) {
      await expectRefused(await signer.sign(base, { typ }), `typ ${typ}`)
    }
  })

  test('a token of another project, signed by that project’s real key', async () => {
    const other = await startLocalServer({ now: stack.clock.now })
    try {
      const org = await callStytch(other, 'POST', '/v1/b2b/organizations', {
        organization_name: 'Other',
        organization_slug: 'acme',
      })
      const orgId = org.body.organization.organization_id
      await callStytch(other, 'POST', `/v1/b2b/organizations/${orgId}/members`, {
        email_address: 'ada@acme.test',
      })
      await callStytch(other, 'POST', '/v1/b2b/otps/email/login_or_signup', {
        organization_id: orgId,
        email_address: 'ada@acme.test',
      })
      const code = other.outbox.latest('ada@acme.test')?.code
      const login = await callStytch(other, 'POST', '/v1/b2b/otps/email/authenticate', {
        organization_id: orgId,
        email_address: 'ada@acme.test',
        code,
      })
      await expectRefused(login.body.session_jwt, 'other project')
    } finally {
      await other.close()
    }
  })

  test('non-JSON, non-UTF-8, JWE, nested, duplicate keys and oversized tokens', async () => {
    const payload = JSON.stringify(base)
    const header = JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: signer.kid })
    await expectRefused(signer.signRaw('not json', payload), 'header not JSON')
    await expectRefused(signer.signRaw(header, 'not json'), 'payload not JSON')
    await expectRefused(signer.signRaw(header, '[1,2,3]'), 'payload array')
    await expectRefused(
      signer.signRaw(Buffer.from([0xff, 0xfe, 0x7b]), payload),
      'header not UTF-8',
    )
    await expectRefused(
      signer.signRaw(
        header,
        Buffer.concat([
          Buffer.from(payload.slice(0, -1)),
          Buffer.from([0xc3, 0x28]),
          Buffer.from('}'),
        ]),
      ),
      'payload not UTF-8',
    )
    await expectRefused(
      `${b64url({ alg: 'RSA-OAEP', enc: 'A256GCM', kid: realKid })}.aaaa.bbbb.cccc.dddd`,
      'JWE',
    )
    await expectRefused(await signer.sign({ ...base }, { cty: 'JWT' }), 'nested cty')
    await expectRefused(
      signer.signRaw(header, b64url(await signer.sign(base))),
      'nested token as payload',
    )
    // Duplicate keys: JSON.parse keeps the last, so a forger would hope to smuggle a second "alg" or "iss".
    await expectRefused(
      signer.signRaw(`{"alg":"RS256","typ":"JWT","kid":"${signer.kid}","alg":"none"}`, payload),
      'duplicate alg',
    )
    await expectRefused(
      signer.signRaw(header, `${payload.slice(0, -1)},"iss":"https://evil.example"}`),
      'duplicate iss',
    )
    // Over our 8 KiB cap but under Node's 16 KiB header limit, so our check is the one that refuses.
    await expectRefused(await signer.sign({ ...base, padding: 'x'.repeat(7000) }), 'oversized')
    await expectRefused(`${'x'.repeat(6000)}.${'y'.repeat(6000)}.z`, 'huge garbage')
    // Past Node's header limit the server itself answers 431 before any middleware runs.
    const huge = await request(stack.app)
      .get('/protected')
      .set('authorization', `Bearer ${'x'.repeat(100_000)}`)
    expect(huge.status).toBe(431)
    await expectRefused('....', 'dots')
    await expectRefused('a.b.c', 'tiny')
  })
})
