// The cross-site check with appOrigin: Origin is compared with the app's own origins, never with the Host header an attacker controls.
import request from 'supertest'
import { describe, expect, test } from 'vitest'
import { setCookiesOf } from '../helpers/cookies.js'
import { ADAPTERS, useStack } from '../helpers/stack.js'

const SEND = 'POST /v1/b2b/otps/email/discovery/send'

describe.each(ADAPTERS)('$name', (adapter) => {
  const stack = useStack(
    adapter,
    { appOrigin: 'https://app.example.com', trustedOrigins: ['https://partner.example'] },
    { scope: 'all' },
  )

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
