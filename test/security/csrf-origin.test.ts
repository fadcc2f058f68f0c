// The cross-site check with appOrigin: Origin is compared with the app's own origins, never with the Host header an attacker controls.
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { ADAPTERS, createStack, type Stack, setCookiesOf } from '../helpers/stack.js'

const SEND = 'POST /v1/b2b/otps/email/discovery/send'

describe.each(ADAPTERS)('$name', (adapter) => {
  let stack: Stack
  beforeAll(async () => {
    stack = await createStack(
      { appOrigin: 'https://app.example.com', trustedOrigins: ['https://partner.example'] },
      adapter,
    )
  })
  afterAll(async () => {
    await stack.close()
  })

  const send = (headers: Record<string, string>) =>
    request(stack.app)
      .post('/auth/otps/email/discovery/send')
      .set(headers)
      .type('form')
      .send({ email_address: 'a@b.test' })

  test.each([
    ['DNS rebinding, no Fetch Metadata', { host: 'evil.example', origin: 'http://evil.example' }],
    [
      'DNS rebinding, "same-origin" to the browser',
      {
        host: 'evil.example:3000',
        origin: 'http://evil.example:3000',
        'sec-fetch-site': 'same-origin',
      },
    ],
    ['the app on another scheme', { host: 'app.example.com', origin: 'http://app.example.com' }],
    ['an opaque origin', { origin: 'null' }],
    ['cross-site without Origin', { 'sec-fetch-site': 'cross-site' }],
  ])('refused: %s', async (_label, headers) => {
    const before = stack.upstream(SEND)
    const response = await send(headers)
    expect(response.status).toBe(403)
    expect(response.body.error.code).toBe('ERR_CSRF_REJECTED')
    expect(setCookiesOf(response)).toEqual([])
    expect(stack.upstream(SEND)).toBe(before)
  })

  test.each([
    // Behind a proxy that forwards its own upstream address as Host.
    [
      'the app origin, whatever Host says',
      { host: '127.0.0.1:3000', origin: 'https://app.example.com' },
    ],
    ['a trusted origin', { origin: 'https://partner.example', 'sec-fetch-site': 'cross-site' }],
    ['same-origin Fetch Metadata without Origin', { 'sec-fetch-site': 'same-origin' }],
    ['a non-browser client (neither header)', {}],
  ])('allowed: %s', async (_label, headers) => {
    const before = stack.upstream(SEND)
    const response = await send(headers)
    expect(response.status).toBe(200)
    expect(stack.upstream(SEND)).toBe(before + 1)
  })
})

describe.each(ADAPTERS)('$name: the appOrigin option', (adapter) => {
  const credentials = { projectId: 'project-test-00000000-0000', secret: 'secret-x' }

  test.each([
    { value: 'https://app.example.com/' },
    { value: 'app.example.com' },
    { value: 'https://app.example.com/path' },
    { value: '' },
    { value: [] },
    { value: ['https://app.example.com', 'nope'] },
    { value: 42 },
  ])('refuses $value at start-up', ({ value }) => {
    expect(() =>
      adapter.stytchB2B({ ...credentials, appOrigin: value as unknown as string }),
    ).toThrow(/"appOrigin" must be an origin/)
  })

  test('accepts one origin or a list', () => {
    expect(
      adapter.stytchB2B({ ...credentials, appOrigin: 'http://localhost:3000' }).auth.config
        .appOrigins,
    ).toEqual(new Set(['http://localhost:3000']))
    expect(
      adapter.stytchB2B({
        ...credentials,
        appOrigin: ['https://app.example.com', 'https://www.example.com'],
      }).auth.config.appOrigins?.size,
    ).toBe(2)
  })

  test('production without appOrigin warns once at start-up; with it, no warning', () => {
    const warnings: string[] = []
    const logger = { info() {}, warn: (message: string) => void warnings.push(message) }
    vi.stubEnv('NODE_ENV', 'production')
    try {
      adapter.stytchB2B({ ...credentials, logger })
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toContain('"appOrigin" is not set')
      adapter.stytchB2B({ ...credentials, logger, appOrigin: 'https://app.example.com' })
      expect(warnings).toHaveLength(1)
    } finally {
      vi.unstubAllEnvs()
    }
  })
})
