// The cookie policy as a browser sees it: Secure and __Host- from the request and NODE_ENV, per-cookie names and
// attributes, a planted session never extended. Production behind a proxy that forwards a loopback Host.
import request from 'supertest'
import { describe, expect, test, vi } from 'vitest'
import type { StytchB2BOptions } from '../../../src/index.js'
import { cookieHeader, maskValues, sessionCookiePattern } from '../../helpers/cookies.js'
import { ADAPTERS, type Stack, signIn, useStackFactory } from '../../helpers/stack.js'

const ADA = 'ada@acme.test'
const ACME = { acme: ADA }
// nginx's default `proxy_set_header Host $proxy_host`: the upstream's own address.
const PROXIED_HOST = '127.0.0.1:3000'

describe.each(ADAPTERS)('$name', (adapter) => {
  const start = useStackFactory(adapter)

  describe('cookie policy', () => {
    /** Signs Ada in with `headers` on a stack that trusts the proxy headers; the masked Set-Cookie lines. */
    const login = async (options: StytchB2BOptions, headers: Record<string, string> = {}) => {
      const stack = await start(options, ACME)
      stack.trustProxy()
      return maskValues((await signIn(stack, ADA, 'acme', headers)).setCookies)
    }

    test('https requests get Secure and the __Host- prefix', async () => {
      expect(await login({}, { 'x-forwarded-proto': 'https' })).toEqual([
        '__Host-stytch_session=<v>; Max-Age=3600; Path=/; HttpOnly; Secure; SameSite=Lax',
        '__Host-stytch_session_jwt=<v>; Max-Age=3600; Path=/; HttpOnly; Secure; SameSite=Lax',
        '__Host-stytch_intermediate_session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax',
      ])
    })

    test('plain http to a non-loopback host still sets Secure (the browser keeps nothing in clear)', async () => {
      const cookies = await login({}, { host: 'app.example' })
      expect(cookies[0]).toBe(
        '__Host-stytch_session=<v>; Max-Age=3600; Path=/; HttpOnly; Secure; SameSite=Lax',
      )
    })

    test('names and attributes per cookie and for all', async () => {
      const cookies = await login(
        {
          cookies: {
            sameSite: 'strict',
            domain: 'app.example',
            secure: true,
            partitioned: true,
            sessionToken: { name: 'sid', path: '/app' },
            sessionJwt: { httpOnly: false, prefix: false },
          },
        },
        { 'x-forwarded-proto': 'https' },
      )
      expect(cookies).toEqual([
        '__Secure-sid=<v>; Max-Age=3600; Domain=app.example; Path=/app; HttpOnly; Secure; Partitioned; SameSite=Strict',
        'stytch_session_jwt=<v>; Max-Age=3600; Domain=app.example; Path=/; Secure; Partitioned; SameSite=Strict',
        '__Secure-stytch_intermediate_session=; Max-Age=0; Domain=app.example; Path=/; HttpOnly; Secure; Partitioned; SameSite=Strict',
      ])
    })

    test('a planted session cookie is not extended: login replaces it', async () => {
      const stack = await start({}, ACME)
      const victim = await signIn(stack, ADA, 'acme')
      const again = await signIn(stack, ADA, 'acme', { cookie: victim.cookie })
      const token = again.setCookies[0]?.split(';')[0]
      expect(token).toMatch(/^stytch_session=/)
      expect(token).not.toContain(encodeURIComponent(victim.sessionToken))
    })
  })

  describe('production behind a proxy that forwards a loopback Host', () => {
    /**
     * A stack with NODE_ENV set only while the factory reads it (`resolveConfig` reads the
     * environment once, at start-up), so nothing leaks into other tests.
     */
    async function startIn(nodeEnv: string, options: StytchB2BOptions = {}): Promise<Stack> {
      vi.stubEnv('NODE_ENV', nodeEnv)
      try {
        return await start({ logger: { info() {}, warn() {} }, ...options }, ACME)
      } finally {
        vi.unstubAllEnvs()
      }
    }

    /** Signs Ada in over plain http with the proxied loopback Host; returns the Set-Cookie lines. */
    const signInThroughProxy = async (stack: Stack) =>
      (await signIn(stack, ADA, 'acme', { host: PROXIED_HOST })).setCookies

    const value = (line: string | undefined) => line?.split(';')[0]?.split('=')[1] ?? ''

    test('production: Secure and __Host- on plain http with a loopback Host', async () => {
      const stack = await startIn('production')
      const cookies = await signInThroughProxy(stack)
      expect(cookies).toEqual([
        `__Host-stytch_session=${value(cookies[0])}; Max-Age=3600; Path=/; HttpOnly; Secure; SameSite=Lax`,
        `__Host-stytch_session_jwt=${value(cookies[1])}; Max-Age=3600; Path=/; HttpOnly; Secure; SameSite=Lax`,
        '__Host-stytch_intermediate_session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax',
      ])
      expect(value(cookies[0])).not.toBe('')
      // The prefixed cookies are the ones read back: the session works on the next request.
      const protectedPage = await request(stack.app)
        .get('/protected')
        .set('host', PROXIED_HOST)
        .set('cookie', cookieHeader(cookies))
      expect(protectedPage.status).toBe(200)
      expect(stack.handlerRuns()).toBe(1)
      // Unprefixed cookies (what a loopback request got before) are not ours in production.
      const unprefixed = cookieHeader(cookies).replaceAll('__Host-', '')
      const refused = await request(stack.app)
        .get('/protected')
        .set('host', PROXIED_HOST)
        .set('cookie', unprefixed)
      expect(refused.status).toBe(401)
      expect(stack.handlerRuns()).toBe(1)
    })

    test('production: an explicit secure: false still opts out', async () => {
      const cookies = await signInThroughProxy(
        await startIn('production', { cookies: { secure: false } }),
      )
      expect(cookies[0]).toMatch(sessionCookiePattern('stytch_session'))
    })

    test('development: loopback http keeps cookies without Secure or prefix', async () => {
      const cookies = await signInThroughProxy(await startIn('development'))
      expect(cookies).toEqual([
        `stytch_session=${value(cookies[0])}; Max-Age=3600; Path=/; HttpOnly; SameSite=Lax`,
        `stytch_session_jwt=${value(cookies[1])}; Max-Age=3600; Path=/; HttpOnly; SameSite=Lax`,
        'stytch_intermediate_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
      ])
    })
  })
})
