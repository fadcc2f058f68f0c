// The cross-site check on every mounted POST: Fetch Metadata and Origin refused before any upstream call; trusted ones pass.
import request from 'supertest'
import { describe, expect, test } from 'vitest'
import { setCookiesOf } from '../../helpers/cookies.js'
import { ADAPTERS, useStack } from '../../helpers/stack.js'

const SEND = 'POST /v1/b2b/otps/email/discovery/send'

describe.each(ADAPTERS)('$name', (adapter) => {
  const stack = useStack(adapter, { trustedOrigins: ['https://partner.example'] }, { scope: 'all' })
  const post = (path: string) => request(stack.app).post(`/auth${path}`)
  const POSTS = [
    '/otps/email/discovery/send',
    '/otps/email/discovery/authenticate',
    '/discovery/intermediate_sessions/exchange',
    '/discovery/organizations/create',
    '/otps/email/login_or_signup',
    '/otps/email/authenticate',
    '/sessions/exchange',
    '/sessions/revoke',
  ]

  describe('cross-site requests are refused on every mounted POST', () => {
    test.each(POSTS)('%s', async (path) => {
      const before = stack.local.requestCount(SEND)
      const attempts = [
        { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
        { 'sec-fetch-site': 'same-site', origin: 'https://sub.localhost.example' },
        { origin: 'https://evil.example' },
        { origin: 'null' },
        { 'sec-fetch-site': 'cross-site' },
      ]
      for (const headers of attempts) {
        const response = await post(path)
          .set(headers)
          .type('form')
          .send({ email_address: 'a@b.test' })
        expect(response.status).toBe(403)
        expect(response.body.error.code).toBe('ERR_CSRF_REJECTED')
        expect(setCookiesOf(response)).toEqual([])
      }
      expect(stack.local.requestCount(SEND)).toBe(before)
    })

    test('same-origin browsers, trusted origins and non-browser clients pass', async () => {
      const ok = async (headers: Record<string, string>) => {
        const response = await post('/otps/email/discovery/send')
          .set(headers)
          .send({ email_address: 'a@b.test' })
        expect(response.status).toBe(200)
      }
      await ok({ 'sec-fetch-site': 'same-origin', origin: 'http://whatever' })
      await ok({ 'sec-fetch-site': 'cross-site', origin: 'https://partner.example' })
      await ok({ host: 'app.example', origin: 'http://app.example' })
      await ok({})
    })
  })
})
