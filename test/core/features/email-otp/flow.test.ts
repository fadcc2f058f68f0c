// Organization login by email code over real HTTP: the code, the session cookies, the same answer for strangers.
import request from 'supertest'
import { describe, expect, test } from 'vitest'
import { cookieHeader, setCookiesOf } from '../../../helpers/cookies.js'
import { ADAPTERS, latestCode, seedOrganization, useStack } from '../../../helpers/stack.js'

describe.each(ADAPTERS)('$name', (adapter) => {
  const stack = useStack(adapter)

  /** Asks acme for a login code for `email`; the answer must be the uniform "sent". */
  async function expectSentAnswer(email: string): Promise<void> {
    const sent = await request(stack.app)
      .post('/auth/otps/email/login_or_signup')
      .send({ organization_id: 'acme', email_address: email })
    expect(sent.status).toBe(200)
    expect(sent.body).toEqual({ sent: true, emailAddress: email, organizationId: 'acme' })
  }

  test('login_or_signup then authenticate sets the session cookies', async () => {
    const acme = await seedOrganization(stack.local, 'acme', 'ada@acme.test')
    await expectSentAnswer('ada@acme.test')
    const code = latestCode(stack.local, 'ada@acme.test')
    const response = await request(stack.app).post('/auth/otps/email/authenticate').send({
      organization_id: 'acme',
      email_address: 'ada@acme.test',
      code,
      session_duration_minutes: 120,
    })
    expect(response.status).toBe(200)
    expect(response.body.memberAuthenticated).toBe(true)
    expect(response.body.member.organizationId).toBe(acme.organizationId)
    const cookies = setCookiesOf(response)
    expect(cookies[0]).toMatch(/Max-Age=7200;/)
    const page = await request(stack.app).get('/protected').set('cookie', cookieHeader(cookies))
    expect(page.status).toBe(200)
  })

  test('an address that may not join gets the same answer as a member', async () => {
    await seedOrganization(stack.local, 'acme', 'ada@acme.test')
    await expectSentAnswer('eve@evil.test')
    expect(stack.local.outbox.latest('eve@evil.test')).toBeUndefined()
  })
})
