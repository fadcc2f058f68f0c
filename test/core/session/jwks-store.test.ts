// The JWKS store through the session check: outages cold and warm, slow and drip-fed answers, bad bodies and keys,
// removed and rotated keys, cold bursts, the refetch budget.
import { generateKeyPairSync } from 'node:crypto'
import { SignJWT } from 'jose'
import request from 'supertest'
import { describe, expect, test } from 'vitest'
import { callStytch } from '../../helpers/local-api.js'
import { ADAPTERS, type Stack, useSignedIn, useStack } from '../../helpers/stack.js'
import { claimsOf, createTestSigner, freshClaims } from '../../helpers/tokens.js'

const JWKS = '/v1/b2b/sessions/jwks/'

/** A new session JWT for `sessionToken`, signed by the local server's current key. */
async function freshJwt(on: Stack, sessionToken: string): Promise<string> {
  const answer = await callStytch(on.local, 'POST', '/v1/b2b/sessions/authenticate', {
    session_token: sessionToken,
  })
  return answer.body.session_jwt as string
}

/** `count` tokens with `jwt`'s claims signed by a key nobody published, each with its own kid. */
async function unknownKidTokens(jwt: string, count: number, prefix: string): Promise<string[]> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const claims = claimsOf(jwt)
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: `${prefix}-${i}` })
        .sign(privateKey),
    ),
  )
}

describe('on Express with a 400 ms deadline', () => {
  const stack = useStack(undefined, { requestTimeoutMs: 400 }, { seed: { acme: 'ada@acme.test' } })
  const ada = useSignedIn(stack, 'ada@acme.test', 'acme')

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
      stack.proxy.setFault(JWKS, fault)
      await failsClosed(ada.sessionJwt)
    })

    test('an RSA key under 2048 bits is never used', async () => {
      const small = await createTestSigner(stack.proxy, 'jwk-test-small', 1024)
      const token = await small.sign(freshClaims(ada.sessionJwt, stack.clock.now()))
      const response = await get(token)
      expect(response.status).toBe(401)
      expect(stack.handlerRuns()).toBe(0)
    })
  })

  describe('JWKS with a warm cache', () => {
    test('outage: valid tokens keep working for the stale window, then fail closed', async () => {
      await callStytch(stack.local, 'POST', '/v1/b2b/sessions/authenticate', {
        session_token: ada.sessionToken,
        session_duration_minutes: 600,
      })
      expect((await get(ada.sessionJwt)).status).toBe(200)
      stack.proxy.setFault(JWKS, { kind: 'status', status: 503 })
      const fresh = () => freshJwt(stack, ada.sessionToken)
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
      const signer = await createTestSigner(stack.proxy, 'jwk-test-leaving')
      const token = await signer.sign(freshClaims(ada.sessionJwt, stack.clock.now()))
      expect((await get(token)).status).toBe(200)
      expect((await get(token)).status).toBe(200) // now served from the verified-token cache
      stack.proxy.extraKeys.length = 0
      stack.clock.advance(6_000) // past the refetch cooldown
      const other = await createTestSigner(
        { ...stack.proxy, extraKeys: [] },
        'jwk-test-unpublished',
      )
      expect((await get(await other.sign({ ...claimsOf(token) }))).status).toBe(401) // unknown kid → refetch
      expect((await get(token)).status).toBe(401)
    })

    test('rotation one second after a cold start: the new kid is accepted at once, with one fetch', async () => {
      expect((await get(ada.sessionJwt)).status).toBe(200) // the cold start's JWKS fetch
      const fetches = stack.jwksFetches()
      stack.clock.advance(1_000) // well inside the 5 s cooldown
      await stack.local.rotateKeys()
      const rotated = await freshJwt(stack, ada.sessionToken)
      const responses = await Promise.all(Array.from({ length: 20 }, () => get(rotated)))
      expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200))
      expect(stack.handlerRuns()).toBe(21)
      expect(stack.jwksFetches()).toBe(fetches + 1)
    })

    test('rotation after the cooldown: accepted, one fetch for 20 concurrent requests', async () => {
      expect((await get(ada.sessionJwt)).status).toBe(200)
      const fetches = stack.jwksFetches()
      await stack.local.rotateKeys()
      const rotated = await freshJwt(stack, ada.sessionToken)
      stack.clock.advance(5_000)
      const responses = await Promise.all(Array.from({ length: 20 }, () => get(rotated)))
      expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200))
      expect(stack.jwksFetches()).toBe(fetches + 1)
    })

    test('unknown-kid flood: a burst of 2 refetches, then one per cooldown', async () => {
      expect((await get(ada.sessionJwt)).status).toBe(200)
      const fetches = stack.jwksFetches()
      const tokens = await unknownKidTokens(ada.sessionJwt, 250, 'jwk-test-flood')
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
      expect((await get(ada.sessionJwt)).status).toBe(200)
      for (const bogus of await unknownKidTokens(ada.sessionJwt, 3, 'jwk-test-spent')) {
        expect((await get(bogus)).status).toBe(401)
      }
      const fetches = stack.jwksFetches()
      const signer = await createTestSigner(stack.proxy, 'jwk-test-late')
      const token = await signer.sign(claimsOf(ada.sessionJwt))
      expect((await get(token)).status).toBe(401) // budget spent: no download
      expect(stack.jwksFetches()).toBe(fetches)
      stack.clock.advance(5_000)
      expect((await get(token)).status).toBe(200)
      expect(stack.jwksFetches()).toBe(fetches + 1)
    })
  })
})

// The default deadline: 300 requests at once keep a loaded machine busy for longer than 400 ms.
describe('on Express with the default deadline', () => {
  const stack = useStack(undefined, {}, { seed: { acme: 'ada@acme.test' } })
  const ada = useSignedIn(stack, 'ada@acme.test', 'acme')

  test('a cold burst of 300 concurrent requests makes one JWKS fetch', async () => {
    const get = (jwt: string) =>
      request(stack.app).get('/protected').set('cookie', `stytch_session_jwt=${jwt}`)
    const responses = await Promise.all(Array.from({ length: 300 }, () => get(ada.sessionJwt)))
    expect(responses.every((r) => r.status === 200)).toBe(true)
    expect(stack.jwksFetches()).toBe(1)
  })
})

describe.each(ADAPTERS)('$name', (adapter) => {
  const stack = useStack(adapter, {}, { seed: { acme: 'ada@acme.test' } })
  const ada = useSignedIn(stack, 'ada@acme.test', 'acme')
  const get = (cookie: string) => request(stack.app).get('/protected').set('cookie', cookie)
  const withJwt = async () => `stytch_session_jwt=${await freshJwt(stack, ada.sessionToken)}`

  test('a token signed by a rotated-in key passes once the cooldown has passed', async () => {
    expect((await get(ada.cookie)).status).toBe(200)
    await stack.local.rotateKeys()
    stack.clock.advance(6_000)
    const response = await get(await withJwt())
    expect(response.status).toBe(200)
    expect(stack.jwksFetches()).toBe(2)
  })

  test('an outage after a warm cache keeps valid tokens working for the stale window, then fails closed', async () => {
    expect((await get(ada.cookie)).status).toBe(200)
    stack.proxy.setFault('/v1/b2b/sessions/jwks/', { kind: 'status', status: 500 })
    // Keep the session alive past the hour so only the keys can fail.
    await callStytch(stack.local, 'POST', '/v1/b2b/sessions/authenticate', {
      session_token: ada.sessionToken,
      session_duration_minutes: 240,
    })
    stack.clock.advance(11 * 60_000) // past the 10-minute TTL
    expect((await get(await withJwt())).status).toBe(200)
    stack.clock.advance(60 * 60_000) // 71 minutes: past the TTL plus the 1-hour stale window
    const closed = await get(await withJwt())
    expect(closed.status).toBe(503)
    expect(closed.body.error.code).toBe('ERR_STYTCH_UNAVAILABLE')
  })
})
