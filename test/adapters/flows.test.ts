// The mounted endpoints end to end over real HTTP: discovery, organization login, switch, logout.
import request from 'supertest'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import {
  ADAPTERS,
  cookieHeader,
  createStack,
  latestCode,
  type Stack,
  seedOrganization,
  setCookiesOf,
} from '../helpers/stack.js'

describe.each(ADAPTERS)('$name', (adapter) => {
  let stack: Stack
  beforeEach(async () => {
    stack = await createStack({}, adapter)
  })
  afterEach(async () => {
    await stack.close()
  })

  const JSON_HEADERS = { 'content-type': 'application/json' }

  async function discover(email: string) {
    const sent = await request(stack.app)
      .post('/auth/otps/email/discovery/send')
      .send({ email_address: email })
    expect(sent.status).toBe(200)
    const code = latestCode(stack.local, email)
    return request(stack.app)
      .post('/auth/otps/email/discovery/authenticate')
      .set(JSON_HEADERS)
      .send({ email_address: email, code })
  }

  describe('discovery flow', () => {
    test('code → organizations → exchange → protected route → logout', async () => {
      const acme = await seedOrganization(stack.local, 'acme', 'ada@acme.test')
      const beta = await seedOrganization(stack.local, 'beta', 'ada@acme.test')

      const authenticated = await discover('ada@acme.test')
      expect(authenticated.status).toBe(200)
      expect(authenticated.body.emailAddress).toBe('ada@acme.test')
      expect(
        authenticated.body.discoveredOrganizations.map(
          (o: { organizationSlug: string }) => o.organizationSlug,
        ),
      ).toEqual(['acme', 'beta'])
      expect(authenticated.body.discoveredOrganizations[0].membershipType).toBe('active_member')
      const istCookies = setCookiesOf(authenticated)
      expect(istCookies).toHaveLength(1)
      expect(istCookies[0]).toMatch(
        /^stytch_intermediate_session=[A-Za-z0-9_%-]+; Max-Age=600; Path=\/; HttpOnly; SameSite=Lax$/,
      )
      // No token or code in the body.
      expect(JSON.stringify(authenticated.body)).not.toContain(
        istCookies[0]?.split(';')[0]?.split('=')[1],
      )

      const listed = await request(stack.app)
        .get('/auth/discovery/organizations')
        .set('cookie', cookieHeader(istCookies))
      expect(listed.status).toBe(200)
      expect(listed.body.discoveredOrganizations).toHaveLength(2)

      const exchanged = await request(stack.app)
        .post('/auth/discovery/intermediate_sessions/exchange')
        .set('cookie', cookieHeader(istCookies))
        .send({ organization_id: acme.organizationId })
      expect(exchanged.status).toBe(200)
      expect(exchanged.body.memberAuthenticated).toBe(true)
      expect(exchanged.body.organization.organizationId).toBe(acme.organizationId)
      expect(exchanged.body).not.toHaveProperty('sessionToken')
      expect(exchanged.body).not.toHaveProperty('sessionJwt')
      const sessionCookies = setCookiesOf(exchanged)
      expect(sessionCookies).toHaveLength(3)
      expect(sessionCookies[0]).toMatch(
        /^stytch_session=[^;]+; Max-Age=3600; Path=\/; HttpOnly; SameSite=Lax$/,
      )
      expect(sessionCookies[1]).toMatch(
        /^stytch_session_jwt=[^;]+; Max-Age=3600; Path=\/; HttpOnly; SameSite=Lax$/,
      )
      expect(sessionCookies[2]).toBe(
        'stytch_intermediate_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
      )

      const cookies = cookieHeader(sessionCookies)
      const protectedPage = await request(stack.app).get('/protected').set('cookie', cookies)
      expect(protectedPage.status).toBe(200)
      expect(protectedPage.body.organizationId).toBe(acme.organizationId)
      expect(stack.handlerRuns()).toBe(1)

      const current = await request(stack.app).get('/auth/session').set('cookie', cookies)
      expect(current.status).toBe(200)
      expect(current.body.member.emailAddress).toBe('ada@acme.test')
      expect(current.body.organization.organizationSlug).toBe('acme')

      const switched = await request(stack.app)
        .post('/auth/sessions/exchange')
        .set('cookie', cookies)
        .send({ organization_id: beta.organizationId })
      expect(switched.status).toBe(200)
      expect(switched.body.organization.organizationId).toBe(beta.organizationId)
      // The switch revokes the session it left.
      expect(stack.upstream('POST /v1/b2b/sessions/revoke')).toBe(1)
      const betaCookies = cookieHeader(setCookiesOf(switched))
      const onBeta = await request(stack.app).get('/protected').set('cookie', betaCookies)
      expect(onBeta.body.organizationId).toBe(beta.organizationId)

      const loggedOut = await request(stack.app)
        .post('/auth/sessions/revoke')
        .set('cookie', betaCookies)
      expect(loggedOut.status).toBe(200)
      expect(loggedOut.body).toEqual({ loggedOut: true, revoked: true })
      expect(setCookiesOf(loggedOut)).toEqual([
        'stytch_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
        'stytch_session_jwt=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
        'stytch_intermediate_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
      ])
      expect(stack.upstream('POST /v1/b2b/sessions/revoke')).toBe(2)
    })

    test('create an organization from the intermediate session', async () => {
      const authenticated = await discover('grace@hopper.test')
      expect(authenticated.body.discoveredOrganizations).toEqual([])
      const created = await request(stack.app)
        .post('/auth/discovery/organizations/create')
        .set('cookie', cookieHeader(setCookiesOf(authenticated)))
        .type('form')
        .send({ organization_name: 'Hopper Labs', organization_slug: 'hopper-labs' })
      expect(created.status).toBe(200)
      expect(created.body.memberAuthenticated).toBe(true)
      expect(created.body.organization.organizationSlug).toBe('hopper-labs')
      expect(created.body.member.roles).toContain('stytch_admin')
    })

    test('a wrong code answers ERR_OTP_INVALID and sets no cookie', async () => {
      await request(stack.app)
        .post('/auth/otps/email/discovery/send')
        .send({ email_address: 'x@y.test' })
      const code = latestCode(stack.local, 'x@y.test')
      const wrong = code === '000000' ? '111111' : '000000'
      const response = await request(stack.app)
        .post('/auth/otps/email/discovery/authenticate')
        .send({ email_address: 'x@y.test', code: wrong })
      expect(response.status).toBe(404)
      expect(response.body.error.code).toBe('ERR_OTP_INVALID')
      expect(setCookiesOf(response)).toEqual([])
      expect(JSON.stringify(response.body)).not.toContain(code)
    })
  })

  describe('organization login', () => {
    test('login_or_signup then authenticate sets the session cookies', async () => {
      const acme = await seedOrganization(stack.local, 'acme', 'ada@acme.test')
      const sent = await request(stack.app)
        .post('/auth/otps/email/login_or_signup')
        .send({ organization_id: 'acme', email_address: 'ada@acme.test' })
      expect(sent.status).toBe(200)
      expect(sent.body).toEqual({
        sent: true,
        emailAddress: 'ada@acme.test',
        organizationId: 'acme',
      })
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
      const stranger = await request(stack.app)
        .post('/auth/otps/email/login_or_signup')
        .send({ organization_id: 'acme', email_address: 'eve@evil.test' })
      expect(stranger.status).toBe(200)
      expect(stranger.body).toEqual({
        sent: true,
        emailAddress: 'eve@evil.test',
        organizationId: 'acme',
      })
      expect(stack.local.outbox.latest('eve@evil.test')).toBeUndefined()
    })
  })
})
