// JWKS faults: outages cold and warm, slow and drip-fed answers, bad bodies and keys, removed and rotated keys, cold bursts, the refetch budget.
import { generateKeyPairSync } from 'node:crypto'
import request from 'supertest'
import { afterEach, describe, expect, test } from 'vitest'
import { callStytch } from '../helpers/local-api.js'
import {
  createStack,
  type SignedIn,
  type Stack,
  seedOrganization,
  signIn,
} from '../helpers/stack.js'
import { claimsOf, createTestSigner } from '../helpers/tokens.js'

let stack: Stack
let ada: SignedIn
const JWKS = '/v1/b2b/sessions/jwks/'

async function setup(): Promise<void> {
  stack = await createStack({ requestTimeoutMs: 400 })
  await seedOrganization(stack.local, 'acme', 'ada@acme.test')
  ada = await signIn(stack, 'ada@acme.test', 'acme')
}
afterEach(async () => {
  await stack.close()
})

const get = (jwt: string) =>
  request(stack.app).get('/protected').set('cookie', `stytch_session_jwt=${jwt}`)

/** Refresh calls the middleware made (through the proxy), not the test's own calls to the server. */
const refreshCalls = () => stack.proxy.count('/v1/b2b/sessions/authenticate')

async function failsClosed(jwt: string): Promise<void> {
  const runs = stack.handlerRuns()
  const refreshes = refreshCalls()
  const started = Date.now()
  const response = await get(jwt)
  expect(response.status).toBe(503)
  expect(response.body.error.code).toBe('ERR_STYTCH_UNAVAILABLE')
  expect(stack.handlerRuns()).toBe(runs)
  // Bounded by the 400 ms deadline, with room for a loaded machine (never the test's 20 s timeout).
  expect(Date.now() - started).toBeLessThan(5000)
  expect(refreshCalls()).toBe(refreshes)
}

describe('JWKS endpoint down or broken on a cold cache: fail closed, bounded in time', () => {
  test.each([
    ['HTTP 500', { kind: 'status', status: 500 }],
    ['HTTP 404', { kind: 'status', status: 404 }],
    [
      'HTML 200',
      { kind: 'status', status: 200, body: '<html>login</html>', contentType: 'text/html' },
    ],
    ['JSON without keys', { kind: 'status', status: 200, body: '{"status_code":200}' }],
    ['empty key list', { kind: 'status', status: 200, body: '{"keys":[]}' }],
    [
      'keys of the wrong type',
      {
        kind: 'status',
        status: 200,
        body: '{"keys":[{"kty":"oct","k":"c2VjcmV0","kid":"k"},{"kty":"EC","crv":"P-256","x":"a","y":"b","kid":"e"}]}',
      },
    ],
    [
      'huge body',
      { kind: 'status', status: 200, body: `{"keys":[],"pad":"${'x'.repeat(200_000)}"}` },
    ],
    ['hanging', { kind: 'hang' }],
    ['drip-fed', { kind: 'drip', intervalMs: 50 }],
    ['connection reset', { kind: 'reset' }],
  ] as const)('%s', async (_label, fault) => {
    await setup()
    stack.proxy.setFault(JWKS, fault)
    await failsClosed(ada.sessionJwt)
  })

  test('an RSA key under 2048 bits is never used', async () => {
    await setup()
    const small = await createTestSigner(stack.proxy, 'jwk-test-small', 1024)
    const now = Math.floor(stack.clock.now() / 1000)
    const token = await small.sign({
      ...claimsOf(ada.sessionJwt),
      iat: now,
      nbf: now,
      exp: now + 300,
    })
    const response = await get(token)
    expect(response.status).toBe(401)
    expect(stack.handlerRuns()).toBe(0)
  })
})

describe('JWKS with a warm cache', () => {
  test('outage: valid tokens keep working for the stale window, then fail closed', async () => {
    await setup()
    await callStytch(stack.local, 'POST', '/v1/b2b/sessions/authenticate', {
      session_token: ada.sessionToken,
      session_duration_minutes: 600,
    })
    expect((await get(ada.sessionJwt)).status).toBe(200)
    stack.proxy.setFault(JWKS, { kind: 'status', status: 503 })
    const fresh = async () =>
      (
        await callStytch(stack.local, 'POST', '/v1/b2b/sessions/authenticate', {
          session_token: ada.sessionToken,
        })
      ).body.session_jwt as string
    // 11, 30 and 69 minutes after the fetch: past the 10-minute TTL, inside the one-hour stale window.
    for (const step of [11, 19, 39]) {
      stack.clock.advance(step * 60_000)
      expect((await get(await fresh())).status).toBe(200)
    }
    stack.clock.advance(2 * 60_000) // 71 minutes: past the TTL plus the stale window
    await failsClosed(await fresh())
    // Back up: the next request refetches and works again.
    stack.proxy.setFault(JWKS, undefined)
    expect((await get(await fresh())).status).toBe(200)
  })

  test('a key removed by a successful refetch is refused at once, cached tokens included', async () => {
    await setup()
    const signer = await createTestSigner(stack.proxy, 'jwk-test-leaving')
    const now = Math.floor(stack.clock.now() / 1000)
    const token = await signer.sign({
      ...claimsOf(ada.sessionJwt),
      iat: now,
      nbf: now,
      exp: now + 300,
    })
    expect((await get(token)).status).toBe(200)
    expect((await get(token)).status).toBe(200) // now served from the verified-token cache
    stack.proxy.extraKeys.length = 0
    stack.clock.advance(6_000) // past the refetch cooldown
    const other = await createTestSigner({ ...stack.proxy, extraKeys: [] }, 'jwk-test-unpublished')
    expect((await get(await other.sign({ ...claimsOf(token) }))).status).toBe(401) // unknown kid → refetch
    expect((await get(token)).status).toBe(401)
  })

  test('rotation one second after a cold start: the new kid is accepted at once, with one fetch', async () => {
    await setup()
    expect((await get(ada.sessionJwt)).status).toBe(200) // the cold start's JWKS fetch
    const fetches = stack.jwksFetches()
    stack.clock.advance(1_000) // well inside the 5 s cooldown
    await stack.local.rotateKeys()
    const rotated = (
      await callStytch(stack.local, 'POST', '/v1/b2b/sessions/authenticate', {
        session_token: ada.sessionToken,
      })
    ).body.session_jwt as string
    const responses = await Promise.all(Array.from({ length: 20 }, () => get(rotated)))
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200))
    expect(stack.handlerRuns()).toBe(21)
    expect(stack.jwksFetches()).toBe(fetches + 1)
  })

  test('rotation after the cooldown: accepted, one fetch for 20 concurrent requests', async () => {
    await setup()
    expect((await get(ada.sessionJwt)).status).toBe(200)
    const fetches = stack.jwksFetches()
    await stack.local.rotateKeys()
    const rotated = (
      await callStytch(stack.local, 'POST', '/v1/b2b/sessions/authenticate', {
        session_token: ada.sessionToken,
      })
    ).body.session_jwt as string
    stack.clock.advance(5_000)
    const responses = await Promise.all(Array.from({ length: 20 }, () => get(rotated)))
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200))
    expect(stack.jwksFetches()).toBe(fetches + 1)
  })

  test('unknown-kid flood: a burst of 2 refetches, then one per cooldown', async () => {
    await setup()
    expect((await get(ada.sessionJwt)).status).toBe(200)
    const fetches = stack.jwksFetches()
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const claims = claimsOf(ada.sessionJwt)
    const { SignJWT } = await import('jose')
    const tokens = await Promise.all(
      Array.from({ length: 250 }, (_, i) =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: `jwk-test-flood-${i}` })
          .sign(privateKey),
      ),
    )
    const extra = () => stack.jwksFetches() - fetches
    // 50 at once right after the warm-up fetch: they share the downloads, at most the burst of 2.
    const early = await Promise.all(tokens.slice(0, 50).map(get))
    expect(early.every((r) => r.status === 401)).toBe(true)
    expect(extra()).toBeGreaterThanOrEqual(1)
    expect(extra()).toBeLessThanOrEqual(2)
    // One at a time, same instant: whatever is left of the burst, then nothing.
    for (const token of tokens.slice(50, 60)) expect((await get(token)).status).toBe(401)
    expect(extra()).toBe(2)
    // Each further cooldown buys one download, however many unknown kids arrive.
    for (const [window, from] of [
      [1, 60],
      [2, 110],
      [3, 160],
    ] as const) {
      stack.clock.advance(5_000)
      const flood = await Promise.all(tokens.slice(from, from + 50).map(get))
      expect(flood.every((r) => r.status === 401)).toBe(true)
      expect(extra()).toBe(2 + window)
    }
    expect(stack.handlerRuns()).toBe(1)
  })

  test('a key published within a cooldown whose budget a flood spent is accepted after one cooldown', async () => {
    await setup()
    expect((await get(ada.sessionJwt)).status).toBe(200)
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const claims = claimsOf(ada.sessionJwt)
    const { SignJWT } = await import('jose')
    for (let i = 0; i < 3; i++) {
      const bogus = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: `jwk-test-spent-${i}` })
        .sign(privateKey)
      expect((await get(bogus)).status).toBe(401)
    }
    const fetches = stack.jwksFetches()
    const signer = await createTestSigner(stack.proxy, 'jwk-test-late')
    const token = await signer.sign(claims)
    expect((await get(token)).status).toBe(401) // budget spent: no download
    expect(stack.jwksFetches()).toBe(fetches)
    stack.clock.advance(5_000)
    expect((await get(token)).status).toBe(200)
    expect(stack.jwksFetches()).toBe(fetches + 1)
  })
})

test('a cold burst of 300 concurrent requests makes one JWKS fetch', async () => {
  await setup()
  const responses = await Promise.all(Array.from({ length: 300 }, () => get(ada.sessionJwt)))
  expect(responses.every((r) => r.status === 200)).toBe(true)
  expect(stack.jwksFetches()).toBe(1)
})
