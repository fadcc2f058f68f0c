// The verified-token cache: it trusts no token past the JWKS stale window, and it lets go of expired tokens.
import request from 'supertest'
import { describe, expect, test } from 'vitest'
import { ADAPTERS, signIn, useStack } from '../../helpers/stack.js'

const ACME = { seed: { acme: 'ada@acme.test' } }

describe.each(ADAPTERS)('$name', (adapter) => {
  describe('with a 30 s TTL and 30 s stale window', () => {
    const stack = useStack(adapter, { jwksCacheTtlSeconds: 30, jwksMaxStaleSeconds: 30 }, ACME)

    test('a cached token is refused once the key set is past its stale window (JWKS down)', async () => {
      const ada = await signIn(stack, 'ada@acme.test', 'acme')
      const first = await request(stack.app).get('/protected').set('cookie', ada.cookie)
      expect(first.status).toBe(200)
      stack.proxy.setFault(`/v1/b2b/sessions/jwks/`, { kind: 'status', status: 500 })

      // Inside the stale window the cached token still passes.
      stack.clock.advance(45_000)
      const stale = await request(stack.app).get('/protected').set('cookie', ada.cookie)
      expect(stale.status).toBe(200)

      // Past it (60 s), the token (still within its 5 minutes) is refused like any other: 503.
      stack.clock.advance(30_000)
      const past = await request(stack.app).get('/protected').set('cookie', ada.cookie)
      expect(past.status).toBe(503)
      expect(past.body.error.code).toBe('ERR_STYTCH_UNAVAILABLE')
      expect(stack.handlerRuns()).toBe(2)
    })
  })

  describe('without a send limit', () => {
    // Thirteen sign-ins of one address: past the middleware's own send limit, which is not tested here.
    const stack = useStack(adapter, { rateLimits: false }, ACME)

    test('expired tokens are swept out of the cache: memory returns to baseline after a flood', async () => {
      const signInAndGet = async () => {
        const signedIn = await signIn(stack, 'ada@acme.test', 'acme')
        return (await request(stack.app).get('/protected').set('cookie', signedIn.cookie)).status
      }
      for (let i = 0; i < 12; i++) expect(await signInAndGet()).toBe(200)
      expect(stack.auth.stats().cachedTokens).toBe(12)
      // Every one of them expires; the next verification (a new sign-in) sweeps them out.
      stack.clock.advance(6 * 60_000)
      expect(await signInAndGet()).toBe(200)
      expect(stack.auth.stats().cachedTokens).toBe(1)
    })
  })
})
