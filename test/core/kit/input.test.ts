// Input validation on the mounted endpoints: bad emails, codes, ids, keys, bodies and content types, refused before any upstream call.
import request from 'supertest'
import { describe, expect, test } from 'vitest'
import { setCookiesOf } from '../../helpers/cookies.js'
import { ADAPTERS, useStack } from '../../helpers/stack.js'

const SEND = 'POST /v1/b2b/otps/email/discovery/send'

describe.each(ADAPTERS)('$name', (adapter) => {
  const stack = useStack(adapter, {}, { scope: 'all' })
  const post = (path: string) => request(stack.app).post(`/auth${path}`)

  describe('input is validated before any upstream call', () => {
    const invalid = async (
      path: string,
      body: unknown,
      status = 400,
      contentType = 'application/json',
    ) => {
      const before = stack.local.requestCount(SEND)
      const response = await post(path)
        .set('content-type', contentType)
        .send(typeof body === 'string' ? body : JSON.stringify(body))
      expect(response.status).toBe(status)
      expect(['ERR_INVALID_INPUT', 'ERR_BODY_TOO_LARGE']).toContain(response.body.error.code)
      expect(setCookiesOf(response)).toEqual([])
      expect(stack.local.requestCount(SEND)).toBe(before)
      return response
    }

    test('emails', async () => {
      for (const email of [
        'no-at-sign',
        'a@b',
        'a\r\nbcc: x@y.test@b.test',
        'a@b.test\n',
        'ümlaut@b.test',
        'a@bücher.test',
        `${'a'.repeat(65)}@b.test`,
        `a@${'b'.repeat(250)}.test`,
        42,
        ['a@b.test'],
        null,
      ]) {
        await invalid('/otps/email/discovery/send', { email_address: email })
      }
    })

    test('codes and organization ids', async () => {
      for (const code of ['12345', '1234567', 'abcdef', ' 123456', 123456]) {
        await invalid('/otps/email/discovery/authenticate', { email_address: 'a@b.test', code })
      }
      for (const id of ['', 'a', 'has space', '../etc', 'x'.repeat(129), { $ne: 1 }]) {
        await invalid('/otps/email/login_or_signup', {
          organization_id: id,
          email_address: 'a@b.test',
        })
      }
    })

    test('unknown, duplicated and prototype keys; bad JSON; wrong content types; oversized bodies', async () => {
      await invalid('/otps/email/discovery/send', {
        email_address: 'a@b.test',
        session_custom_claims: { admin: true },
      })
      await invalid(
        '/otps/email/discovery/send',
        '{"email_address":"a@b.test","__proto__":{"polluted":true}}',
      )
      await invalid(
        '/otps/email/discovery/send',
        '{"email_address":"a@b.test","constructor":{"prototype":{"polluted":true}}}',
      )
      await invalid(
        '/otps/email/discovery/send',
        'email_address=a%40b.test&__proto__[polluted]=1',
        400,
        'application/x-www-form-urlencoded',
      )
      await invalid(
        '/otps/email/discovery/send',
        'email_address=a%40b.test&email_address=c%40d.test',
        400,
        'application/x-www-form-urlencoded',
      )
      await invalid('/otps/email/discovery/send', '{"email_address":', 400)
      await invalid('/otps/email/discovery/send', '["a@b.test"]', 400)
      await invalid('/otps/email/discovery/send', 'email_address=a@b.test', 415, 'text/plain')
      await invalid(
        '/otps/email/discovery/send',
        JSON.stringify({ email_address: 'a'.repeat(20_000) }),
        413,
      )
      await invalid('/otps/email/authenticate', {
        organization_id: 'acme',
        email_address: 'a@b.test',
        code: '123456',
        session_duration_minutes: 4,
      })
      await invalid('/otps/email/authenticate', {
        organization_id: 'acme',
        email_address: 'a@b.test',
        code: '123456',
        session_duration_minutes: 600_000,
      })
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
      expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined()
    })
  })
})
