// Discovery over real HTTP: code → organizations → exchange or create, then the session it gives (switch, logout).
import request from 'supertest'
import { describe, expect, test } from 'vitest'
import {
  CLEARED_COOKIES,
  cookieHeader,
  sessionCookiePattern,
  setCookiesOf,
} from '../../../helpers/cookies.js'
import { ADAPTERS, discover, seedOrganization, useStack } from '../../../helpers/stack.js'

describe.each(ADAPTERS)('$name', (adapter) => {
  const stack = useStack(adapter)

  describe('discovery flow', () => {
    test('code → organizations → exchange → protected route → logout', async () => {
      const acme = await seedOrganization(stack.local, 'acme', 'ada@acme.test')
      const beta = await seedOrganization(stack.local, 'beta', 'ada@acme.test')

      const authenticated = await discover(stack, 'ada@acme.test')
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
      expect(sessionCookies[0]).toMatch(sessionCookiePattern('stytch_session'))
      expect(sessionCookies[1]).toMatch(sessionCookiePattern('stytch_session_jwt'))
      expect(sessionCookies[2]).toBe(CLEARED_COOKIES[2])

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
      expect(setCookiesOf(loggedOut)).toEqual(CLEARED_COOKIES)
      expect(stack.upstream('POST /v1/b2b/sessions/revoke')).toBe(2)
    })

    test('create an organization from the intermediate session', async () => {
      const authenticated = await discover(stack, 'grace@hopper.test')
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
      const code = stack.local.outbox.latest('x@y.test')?.code as string
      const wrong = code === '000000' ? '111111' : '000000'
      const response = await request(stack.app)
        .post('/auth/otps/email/discovery/authenticate')
        .send({ email_address: 'x@y.test', code: wrong })
      expect(response.status).toBe(404)
      expect(response.body.error.code).toBe('ERR_OTP_INVALID')
      expect(setCookiesOf(response)).toEqual([])
      expect(JSON.stringify(response.body)).not.toContain(code)
    })

    test('a hanging Stytch gives 503 within the request timeout and sets no cookie', async () => {
      stack.proxy.setFault('/v1/b2b/otps/email/discovery/send', { kind: 'hang' })
      const response = await request(stack.app)
        .post('/auth/otps/email/discovery/send')
        .send({ email_address: 'a@b.test' })
      expect(response.status).toBe(503)
      expect(response.body.error.code).toBe('ERR_STYTCH_UNAVAILABLE')
      expect(setCookiesOf(response)).toEqual([])
    })
  })
})
