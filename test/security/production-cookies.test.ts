// Production cookies behind a proxy that forwards a loopback Host: Secure and __Host- always; the loopback exception is for development only.
import request from 'supertest'
import { afterEach, describe, expect, test, vi } from 'vitest'
import type { StytchB2BOptions } from '../../src/index.js'
import {
  ADAPTERS,
  cookieHeader,
  createStack,
  type Stack,
  seedOrganization,
  setCookiesOf,
} from '../helpers/stack.js'

const ADA = 'ada@acme.test'
// nginx's default `proxy_set_header Host $proxy_host`: the upstream's own address.
const PROXIED_HOST = '127.0.0.1:3000'

describe.each(ADAPTERS)('$name', (adapter) => {
  let stack: Stack
  afterEach(async () => {
    await stack.close()
  })

  /**
   * The stack with NODE_ENV set only while the factory reads it (`resolveConfig` reads the
   * environment once, at start-up), so nothing leaks into other tests.
   */
  async function start(nodeEnv: string, options: StytchB2BOptions = {}): Promise<void> {
    vi.stubEnv('NODE_ENV', nodeEnv)
    try {
      stack = await createStack({ logger: { info() {}, warn() {} }, ...options }, adapter)
    } finally {
      vi.unstubAllEnvs()
    }
    await seedOrganization(stack.local, 'acme', ADA)
  }

  /** Signs Ada in over plain http with the proxied loopback Host; returns the Set-Cookie lines. */
  async function signInThroughProxy(): Promise<string[]> {
    const sent = await request(stack.app)
      .post('/auth/otps/email/login_or_signup')
      .set('host', PROXIED_HOST)
      .send({ organization_id: 'acme', email_address: ADA })
    expect(sent.status).toBe(200)
    const response = await request(stack.app)
      .post('/auth/otps/email/authenticate')
      .set('host', PROXIED_HOST)
      .send({
        organization_id: 'acme',
        email_address: ADA,
        code: stack.local.outbox.latest(ADA)?.code,
      })
    expect(response.status).toBe(200)
    return setCookiesOf(response)
  }

  const value = (line: string | undefined) => line?.split(';')[0]?.split('=')[1] ?? ''

  test('production: Secure and __Host- on plain http with a loopback Host', async () => {
    await start('production')
    const cookies = await signInThroughProxy()
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
    await start('production', { cookies: { secure: false } })
    const cookies = await signInThroughProxy()
    expect(cookies[0]).toMatch(
      /^stytch_session=[^;]+; Max-Age=3600; Path=\/; HttpOnly; SameSite=Lax$/,
    )
  })

  test('development: loopback http keeps cookies without Secure or prefix', async () => {
    await start('development')
    const cookies = await signInThroughProxy()
    expect(cookies).toEqual([
      `stytch_session=${value(cookies[0])}; Max-Age=3600; Path=/; HttpOnly; SameSite=Lax`,
      `stytch_session_jwt=${value(cookies[1])}; Max-Age=3600; Path=/; HttpOnly; SameSite=Lax`,
      'stytch_intermediate_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
    ])
  })
})
