// The verified-token cache: it trusts no token past the JWKS stale window, and it lets go of expired tokens.
import request from 'supertest'
import { afterEach, describe, expect, test } from 'vitest'
import { ADAPTERS, createStack, type Stack, seedOrganization, signIn } from '../helpers/stack.js'

describe.each(ADAPTERS)('$name', (adapter) => {
  let stack: Stack
  afterEach(async () => {
    await stack.close()
  })

  test('a cached token is refused once the key set is past its stale window (JWKS down)', async () => {
    stack = await createStack({ jwksCacheTtlSeconds: 30, jwksMaxStaleSeconds: 30 }, adapter)
    await seedOrganization(stack.local, 'acme', 'ada@acme.test')
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

  test('expired tokens are swept out of the cache: memory returns to baseline after a flood', async () => {
    // Thirteen sign-ins of one address: past the middleware's own send limit, which is not tested here.
    stack = await createStack({ sendLimit: false }, adapter)
    await seedOrganization(stack.local, 'acme', 'ada@acme.test')
    for (let i = 0; i < 12; i++) {
      const signedIn = await signIn(stack, 'ada@acme.test', 'acme')
      expect(
        (await request(stack.app).get('/protected').set('cookie', signedIn.cookie)).status,
      ).toBe(200)
    }
    expect(stack.auth.stats().cachedTokens).toBe(12)
    // Every one of them expires; the next verification (a new sign-in) sweeps them out.
    stack.clock.advance(6 * 60_000)
    const fresh = await signIn(stack, 'ada@acme.test', 'acme')
    expect((await request(stack.app).get('/protected').set('cookie', fresh.cookie)).status).toBe(
      200,
    )
    expect(stack.auth.stats().cachedTokens).toBe(1)
  })
})
