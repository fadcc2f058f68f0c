// Sessions and ISTs: durations, expiry on the injected clock, revoke, exchange, list, IST rules.
import { describe, expect, it } from 'vitest'
import { LOCAL_STORES } from '../helpers/local-stores.js'
import {
  ALICE,
  createNamedOrganization,
  discoveryIst,
  invite,
  login,
  P,
  useAcme,
} from './fixtures.js'

describe.each(LOCAL_STORES)('$name store', (store) => {
  const h = useAcme(store)

  describe('session_duration_minutes', () => {
    it('defaults to 60 minutes and expires with the clock', async () => {
      const res = await login(h, h.orgId, ALICE)
      expect(res.body.member_session.expires_at).toBe('2030-01-01T01:00:00Z')
      const token = res.body.session_token
      h.clock.advance(59 * 60_000)
      expect((await h.post(P.sessionsAuthenticate, { session_token: token })).status).toBe(200)
      h.clock.advance(60_000)
      const expired = await h.post(P.sessionsAuthenticate, { session_token: token })
      expect(expired.status).toBe(404)
      expect(expired.body.error_type).toBe('session_not_found')
    })

    it('accepts 5 and 527040, refuses 4, 527041, fractions and strings', async () => {
      for (const minutes of [5, 527040]) {
        const res = await login(h, h.orgId, ALICE, { session_duration_minutes: minutes })
        expect(res.status).toBe(200)
      }
      for (const minutes of [4, 527041, 10.5]) {
        const res = await login(h, h.orgId, ALICE, { session_duration_minutes: minutes })
        expect(res.status).toBe(400)
        expect(res.body.error_type).toBe('invalid_session_duration_minutes')
      }
      const typed = await login(h, h.orgId, ALICE, { session_duration_minutes: '60' })
      expect(typed.status).toBe(400)
      expect(typed.body.error_type).toBe('bad_request')
    })

    it('an invalid duration does not burn the code', async () => {
      await h.post(P.loginOrSignup, { organization_id: h.orgId, email_address: ALICE })
      const code = h.local.outbox.latest(ALICE)?.code
      const base = { organization_id: h.orgId, email_address: ALICE, code }
      expect(
        (await h.post(P.otpAuthenticate, { ...base, session_duration_minutes: 1 })).status,
      ).toBe(400)
      expect((await h.post(P.otpAuthenticate, base)).status).toBe(200)
    })

    it('sessions/authenticate extends only when a duration is given', async () => {
      const { session_token } = (await login(h, h.orgId, ALICE)).body
      h.clock.advance(30 * 60_000)
      const plain = await h.post(P.sessionsAuthenticate, { session_token })
      expect(plain.body.member_session.expires_at).toBe('2030-01-01T01:00:00Z')
      expect(plain.body.member_session.last_accessed_at).toBe('2030-01-01T00:30:00Z')
      const extended = await h.post(P.sessionsAuthenticate, {
        session_token,
        session_duration_minutes: 120,
      })
      expect(extended.body.member_session.expires_at).toBe('2030-01-01T02:30:00Z')
    })
  })

  describe('sessions/authenticate and revoke', () => {
    it('returns the same token and a fresh JWT, by token or by JWT', async () => {
      const first = (await login(h, h.orgId, ALICE)).body
      h.clock.advance(1000)
      const byToken = await h.post(P.sessionsAuthenticate, { session_token: first.session_token })
      expect(byToken.body.session_token).toBe(first.session_token)
      expect(byToken.body.session_jwt).not.toBe(first.session_jwt)
      const byJwt = await h.post(P.sessionsAuthenticate, { session_jwt: first.session_jwt })
      expect(byJwt.body.session_token).toBe(first.session_token)
    })

    it('accepts a JWT past its exp while the session lives, and returns a new one', async () => {
      const first = (await login(h, h.orgId, ALICE)).body
      h.clock.advance(10 * 60_000)
      const res = await h.post(P.sessionsAuthenticate, { session_jwt: first.session_jwt })
      expect(res.status).toBe(200)
      expect(res.body.session_jwt).not.toBe(first.session_jwt)
    })

    it('both or neither of token and JWT are 400s; garbage JWTs are unparsable', async () => {
      const first = (await login(h, h.orgId, ALICE)).body
      const both = await h.post(P.sessionsAuthenticate, {
        session_token: first.session_token,
        session_jwt: first.session_jwt,
      })
      expect(both.body.error_type).toBe('too_many_session_arguments')
      expect((await h.post(P.sessionsAuthenticate, {})).body.error_type).toBe(
        'no_session_arguments',
      )
      const garbage = await h.post(P.sessionsAuthenticate, { session_jwt: 'not.a.jwt' })
      expect(garbage.status).toBe(400)
      expect(garbage.body.error_type).toBe('unable_to_parse_session_jwt')
    })

    it('revoking kills the token and the JWT for sessions/authenticate', async () => {
      const first = (await login(h, h.orgId, ALICE)).body
      const revoked = await h.post(P.sessionsRevoke, { session_token: first.session_token })
      expect(revoked.status).toBe(200)
      expect(revoked.body).toEqual({ request_id: expect.any(String), status_code: 200 })
      for (const body of [
        { session_token: first.session_token },
        { session_jwt: first.session_jwt },
      ]) {
        const res = await h.post(P.sessionsAuthenticate, body)
        expect(res.status).toBe(404)
        expect(res.body.error_type).toBe('session_not_found')
      }
    })

    it('revokes every session of a member by member_id; argument rules', async () => {
      const a = (await login(h, h.orgId, ALICE)).body
      const b = (await login(h, h.orgId, ALICE)).body
      expect((await h.post(P.sessionsRevoke, { member_id: a.member_id })).status).toBe(200)
      for (const token of [a.session_token, b.session_token]) {
        expect((await h.post(P.sessionsAuthenticate, { session_token: token })).status).toBe(404)
      }
      expect((await h.post(P.sessionsRevoke, {})).body.error_type).toBe(
        'no_session_revoke_arguments',
      )
      const many = await h.post(P.sessionsRevoke, { member_id: a.member_id, session_token: 'x' })
      expect(many.body.error_type).toBe('too_many_session_revoke_arguments')
    })

    it('lists live sessions of a member', async () => {
      const a = (await login(h, h.orgId, ALICE)).body
      await login(h, h.orgId, ALICE, { session_duration_minutes: 5 })
      let list = await h.call(
        'GET',
        `${P.sessionsGet}?organization_id=${h.orgId}&member_id=${a.member_id}`,
      )
      expect(list.body.member_sessions).toHaveLength(2)
      h.clock.advance(6 * 60_000)
      list = await h.call('GET', `${P.sessionsGet}?organization_id=acme&member_id=${a.member_id}`)
      expect(list.body.member_sessions).toHaveLength(1)
      const missing = await h.call('GET', `${P.sessionsGet}?organization_id=${h.orgId}`)
      expect(missing.status).toBe(400)
    })
  })

  describe('sessions/exchange', () => {
    it('switches to an org where the email is a member and keeps the original session', async () => {
      const beta = await createNamedOrganization(h, 'Beta', 'beta')
      invite(h, beta.organization_id, ALICE)
      const first = (await login(h, h.orgId, ALICE)).body
      const res = await h.post(P.sessionsExchange, {
        session_token: first.session_token,
        organization_id: 'beta',
      })
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({
        member_authenticated: true,
        intermediate_session_token: '',
        organization: { organization_id: beta.organization_id },
        member: { status: 'active' },
      })
      expect(res.body.session_token).not.toBe(first.session_token)
      expect(
        (await h.post(P.sessionsAuthenticate, { session_token: first.session_token })).status,
      ).toBe(200)
    })

    it('refuses an org without membership and answers an IST when the target demands MFA', async () => {
      const other = await createNamedOrganization(h, 'Other', 'other')
      const mfa = await createNamedOrganization(h, 'Mfa', 'mfa', { mfa_policy: 'REQUIRED_FOR_ALL' })
      h.local.seedMember({ organization_id: mfa.organization_id, email_address: ALICE })
      const first = (await login(h, h.orgId, ALICE)).body
      const refused = await h.post(P.sessionsExchange, {
        session_token: first.session_token,
        organization_id: other.organization_id,
      })
      expect(refused.status).toBe(403)
      expect(refused.body.error_type).toBe('invalid_email_for_jit_provisioning')
      const res = await h.post(P.sessionsExchange, {
        session_jwt: first.session_jwt,
        organization_id: 'mfa',
      })
      expect(res.body).toMatchObject({
        member_authenticated: false,
        session_token: '',
        session_jwt: '',
        member_session: null,
        mfa_required: { secondary_auth_initiated: null },
      })
      expect(res.body.intermediate_session_token).toMatch(/^[A-Za-z0-9+/]{43}=$/)
    })
  })

  describe('intermediate session tokens', () => {
    it('live 10 minutes', async () => {
      const ist = (await discoveryIst(h, ALICE)).body.intermediate_session_token
      expect((await discoveryIst(h, ALICE)).body.intermediate_session_token_expires_at).toBe(
        '2030-01-01T00:10:00Z',
      )
      h.clock.advance(10 * 60_000)
      const res = await h.post(P.discoveryList, { intermediate_session_token: ist })
      expect(res.status).toBe(404)
      expect(res.body.error_type).toBe('intermediate_session_not_found')
    })

    it('are not consumed by listing, and single use on a full login', async () => {
      const ist = (await discoveryIst(h, ALICE)).body.intermediate_session_token
      expect((await h.post(P.discoveryList, { intermediate_session_token: ist })).status).toBe(200)
      expect((await h.post(P.discoveryList, { intermediate_session_token: ist })).status).toBe(200)
      const exchange = () =>
        h.post(P.istExchange, { intermediate_session_token: ist, organization_id: h.orgId })
      const [one, two] = await Promise.all([exchange(), exchange()])
      const statuses = [one?.status, two?.status].sort()
      expect(statuses).toEqual([200, 404])
      expect((await exchange()).body.error_type).toBe('intermediate_session_not_found')
    })

    it('stay valid (same string) while MFA is still needed', async () => {
      const mfa = await createNamedOrganization(h, 'Mfa', 'mfa', { mfa_policy: 'REQUIRED_FOR_ALL' })
      h.local.seedMember({ organization_id: mfa.organization_id, email_address: ALICE })
      const ist = (await discoveryIst(h, ALICE)).body.intermediate_session_token
      const res = await h.post(P.istExchange, {
        intermediate_session_token: ist,
        organization_id: 'mfa',
      })
      expect(res.body.member_authenticated).toBe(false)
      expect(res.body.intermediate_session_token).toBe(ist)
      const list = await h.post(P.discoveryList, { intermediate_session_token: ist })
      expect(list.body.organization_id_hint).toBe(mfa.organization_id)
      const elsewhere = await h.post(P.istExchange, {
        intermediate_session_token: ist,
        organization_id: h.orgId,
      })
      expect(elsewhere.body.error_type).toBe('invalid_intermediate_session_token_for_organization')
    })

    it('a token of one kind is never accepted as the other', async () => {
      const ist = (await discoveryIst(h, ALICE)).body.intermediate_session_token
      const session = (await login(h, h.orgId, ALICE)).body.session_token
      expect(session).toMatch(/^[A-Za-z0-9_-]{44}$/)
      expect(ist).toMatch(/^[A-Za-z0-9+/]{43}=$/)
      const asSession = await h.post(P.sessionsAuthenticate, { session_token: ist })
      expect(asSession.body.error_type).toBe('session_not_found')
      const asIst = await h.post(P.discoveryList, { intermediate_session_token: session })
      expect(asIst.body.error_type).toBe('intermediate_session_not_found')
    })
  })
})
