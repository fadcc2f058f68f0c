// Email OTP rules: expiry on the injected clock, single use, latest code only, binding, user locks.
import { describe, expect, it } from 'vitest'
import { LOCAL_STORES } from '../helpers/local-stores.js'
import {
  ALICE,
  createNamedOrganization,
  createOrganization,
  discoveryIst,
  login,
  P,
  sendDiscoveryOtp,
  sendOrgOtp,
  useAcme,
  wrongCode,
} from './fixtures.js'

describe.each(LOCAL_STORES)('$name store', (store) => {
  const h = useAcme(store)

  const authenticate = (code: string, email = ALICE, organization_id = h.orgId) =>
    h.post(P.otpAuthenticate, { organization_id, email_address: email, code })

  describe('code format and delivery', () => {
    it('sends a 6-digit code as a login email to an active member', async () => {
      const code = await sendOrgOtp(h, h.orgId, ALICE)
      expect(code).toMatch(/^\d{6}$/)
      const message = h.local.outbox.latest(ALICE)
      expect(message).toMatchObject({ to: ALICE, kind: 'login', organization_id: h.orgId })
      expect(message?.sent_at).toBe('2030-01-01T00:00:00Z')
    })

    it('codes are not predictable from one send to the next', async () => {
      const codes = new Set<string>()
      for (let i = 0; i < 8; i += 1) codes.add(await sendOrgOtp(h, h.orgId, ALICE))
      expect(codes.size).toBeGreaterThan(1)
    })
  })

  describe('expiry (default 10 minutes, 2..15 when requested)', () => {
    it('accepts a code just before 10 minutes and refuses it at 10 minutes', async () => {
      const code = await sendOrgOtp(h, h.orgId, ALICE)
      h.clock.advance(10 * 60_000 - 1000)
      expect((await authenticate(code)).status).toBe(200)

      const late = await sendOrgOtp(h, h.orgId, ALICE)
      h.clock.advance(10 * 60_000)
      const res = await authenticate(late)
      expect(res.status).toBe(401)
      expect(res.body.error_type).toBe('unable_to_auth_otp_code')
    })

    it('honours login_expiration_minutes and rejects values outside 2..15', async () => {
      await h.post(P.loginOrSignup, {
        organization_id: h.orgId,
        email_address: ALICE,
        login_expiration_minutes: 2,
      })
      const code = h.local.outbox.latest(ALICE)?.code ?? ''
      h.clock.advance(2 * 60_000)
      expect((await authenticate(code)).body.error_type).toBe('unable_to_auth_otp_code')
      for (const minutes of [1, 16, 2.5]) {
        const res = await h.post(P.loginOrSignup, {
          organization_id: h.orgId,
          email_address: ALICE,
          login_expiration_minutes: minutes,
        })
        expect(res.status).toBe(400)
        expect(res.body.error_type).toBe('invalid_expiration_otp')
      }
    })

    it('expires discovery codes too', async () => {
      const code = await sendDiscoveryOtp(h, ALICE)
      h.clock.advance(11 * 60_000)
      const res = await h.post(P.discoveryAuthenticate, { email_address: ALICE, code })
      expect(res.status).toBe(401)
      expect(res.body.error_type).toBe('unable_to_auth_otp_code')
    })
  })

  describe('single use and latest code only', () => {
    it('a used code answers 401 unable_to_auth_otp_code', async () => {
      const code = await sendOrgOtp(h, h.orgId, ALICE)
      expect((await authenticate(code)).status).toBe(200)
      const again = await authenticate(code)
      expect(again.status).toBe(401)
      expect(again.body.error_type).toBe('unable_to_auth_otp_code')
    })

    it('a new send supersedes the previous code (404 otp_code_not_found)', async () => {
      const first = await sendOrgOtp(h, h.orgId, ALICE)
      let second = await sendOrgOtp(h, h.orgId, ALICE)
      while (second === first) second = await sendOrgOtp(h, h.orgId, ALICE)
      const stale = await authenticate(first)
      expect(stale.status).toBe(404)
      expect(stale.body.error_type).toBe('otp_code_not_found')
      expect((await authenticate(second)).status).toBe(200)
    })

    it('a wrong code answers 404 otp_code_not_found and leaves the right one usable', async () => {
      const code = await sendOrgOtp(h, h.orgId, ALICE)
      const wrong = await authenticate(wrongCode(code))
      expect(wrong.status).toBe(404)
      expect(wrong.body.error_type).toBe('otp_code_not_found')
      expect((await authenticate(code)).status).toBe(200)
    })
  })

  describe('binding to email, flow and organization', () => {
    it('a code is only valid for its own email', async () => {
      h.local.seedMember({ organization_id: h.orgId, email_address: 'bob@acme.io' })
      const code = await sendOrgOtp(h, h.orgId, ALICE)
      const res = await authenticate(code, 'bob@acme.io')
      expect(res.body.error_type).toBe('otp_code_not_found')
    })

    it('a code is only valid for its own organization', async () => {
      const other = await createNamedOrganization(h, 'Other', 'other')
      h.local.seedMember({ organization_id: other.organization_id, email_address: ALICE })
      const code = await sendOrgOtp(h, h.orgId, ALICE)
      const res = await authenticate(code, ALICE, other.organization_id)
      expect(res.body.error_type).toBe('otp_code_not_found')
      expect((await authenticate(code)).status).toBe(200)
    })

    it('a discovery send supersedes the org code; neither code crosses flows', async () => {
      const orgCode = await sendOrgOtp(h, h.orgId, ALICE)
      const discoveryCode = await sendDiscoveryOtp(h, ALICE)
      // The later send invalidated the org code (one code per address, @see issue 14) ...
      expect((await authenticate(orgCode)).body.error_type).toBe('otp_code_not_found')
      // ... and the discovery code is bound to discovery.
      expect((await authenticate(discoveryCode)).body.error_type).toBe('otp_code_not_found')
      expect(
        (await h.post(P.discoveryAuthenticate, { email_address: ALICE, code: discoveryCode }))
          .status,
      ).toBe(200)
    })

    it('compares emails case-insensitively', async () => {
      const code = await sendOrgOtp(h, h.orgId, 'ALICE@Acme.IO')
      const res = await authenticate(code, 'Alice@ACME.io')
      expect(res.status).toBe(200)
      expect(res.body.member.email_address).toBe(ALICE)
    })
  })

  describe('failed-attempt lock (10 failures, 1 hour)', () => {
    it('locks after 10 failures with 429 user_lock_limit_reached, even for the right code', async () => {
      const code = await sendOrgOtp(h, h.orgId, ALICE)
      for (let i = 0; i < 10; i += 1) {
        expect((await authenticate(wrongCode(code))).body.error_type).toBe('otp_code_not_found')
      }
      const locked = await authenticate(code)
      expect(locked.status).toBe(429)
      expect(locked.body.error_type).toBe('user_lock_limit_reached')
      const member = await h.call(
        'GET',
        `/v1/b2b/organizations/${h.orgId}/member?email_address=${ALICE}`,
      )
      expect(member.body.member.is_locked).toBe(true)
      expect(member.body.member.lock_expires_at).toBe('2030-01-01T01:00:00Z')
    })

    it('stays locked for the hour and unlocks after it', async () => {
      const code = await sendOrgOtp(h, h.orgId, ALICE)
      for (let i = 0; i < 10; i += 1) await authenticate(wrongCode(code))
      h.clock.advance(60 * 60_000 - 1000)
      expect((await authenticate(code)).status).toBe(429)
      h.clock.advance(1000)
      const fresh = await sendOrgOtp(h, h.orgId, ALICE)
      expect((await authenticate(fresh)).status).toBe(200)
    })

    it('a success resets the counter', async () => {
      let code = await sendOrgOtp(h, h.orgId, ALICE)
      for (let i = 0; i < 9; i += 1) await authenticate(wrongCode(code))
      expect((await authenticate(code)).status).toBe(200)
      code = await sendOrgOtp(h, h.orgId, ALICE)
      for (let i = 0; i < 9; i += 1) await authenticate(wrongCode(code))
      expect((await authenticate(code)).status).toBe(200)
    })

    it('case variants of an email share one counter, across flows', async () => {
      const code = await sendOrgOtp(h, h.orgId, ALICE)
      for (let i = 0; i < 5; i += 1) await authenticate(wrongCode(code), 'ALICE@acme.io')
      for (let i = 0; i < 5; i += 1) {
        await h.post(P.discoveryAuthenticate, { email_address: 'Alice@Acme.io', code: '000000' })
      }
      expect((await authenticate(code)).body.error_type).toBe('user_lock_limit_reached')
      const discovery = await discoveryIst(h, ALICE)
      expect(discovery.status).toBe(429)
    })

    it('30 parallel wrong guesses never get more than 10 tries', async () => {
      const code = await sendOrgOtp(h, h.orgId, ALICE)
      const results = await Promise.all(
        Array.from({ length: 30 }, () => authenticate(wrongCode(code))),
      )
      const types = results.map((r) => r.body.error_type)
      expect(types.filter((t) => t === 'otp_code_not_found')).toHaveLength(10)
      expect(types.filter((t) => t === 'user_lock_limit_reached')).toHaveLength(20)
      expect((await authenticate(code)).status).toBe(429)
    })
  })

  describe('send endpoints do not reveal who exists', () => {
    it('discovery send answers unknown and known emails alike', async () => {
      const known = await h.post(P.discoverySend, { email_address: ALICE })
      const unknown = await h.post(P.discoverySend, { email_address: 'nobody@nowhere.example' })
      expect(known.status).toBe(200)
      expect(unknown.status).toBe(200)
      expect(Object.keys(known.body).sort()).toEqual(Object.keys(unknown.body).sort())
      expect(Object.keys(known.body).sort()).toEqual(['request_id', 'status_code'])
    })
  })

  describe('sign-up through login_or_signup', () => {
    it('creates a pending member when email JIT allows the domain, active after the code', async () => {
      const jit = await createOrganization(h, {
        organization_name: 'Jit',
        email_jit_provisioning: 'RESTRICTED',
        email_allowed_domains: ['jit.example'],
      })
      const sent = await h.post(P.loginOrSignup, {
        organization_id: jit.organization_id,
        email_address: 'new@jit.example',
      })
      expect(sent.body).toMatchObject({ member_created: true, member: { status: 'pending' } })
      expect(h.local.outbox.latest('new@jit.example')?.kind).toBe('signup')
      const res = await login(h, jit.organization_id, 'new@jit.example')
      expect(res.body.member).toMatchObject({ status: 'active', email_address_verified: true })
    })

    it('refuses unknown emails when the org does not allow sign-up', async () => {
      const res = await h.post(P.loginOrSignup, {
        organization_id: h.orgId,
        email_address: 'x@acme.io',
      })
      expect(res.status).toBe(403)
      expect(res.body.error_type).toBe('email_jit_provisioning_not_allowed')
      expect(h.local.outbox.list({ emailAddress: 'x@acme.io' })).toHaveLength(0)
    })
  })
})
