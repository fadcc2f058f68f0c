// Discovery: which organizations an email sees (spec 5-7), their order, and joining them.
import { describe, expect, it } from 'vitest'
import { LOCAL_STORES } from '../helpers/local-stores.js'
import {
  ALICE,
  createNamedOrganization,
  discoveryIst,
  invite,
  login,
  P,
  useHarness,
} from './fixtures.js'

describe.each(LOCAL_STORES)('$name store', (store) => {
  const h = useHarness(store)

  interface Discovered {
    organization: { organization_slug: string }
    membership: { type: string }
  }

  /** JIT org for acme.io; `verifiedPeer` seeds another acme.io member with a verified email. */
  async function jitOrg(slug: string, verifiedPeer: boolean, extra: Record<string, unknown> = {}) {
    const org = await createNamedOrganization(h, slug, slug, {
      email_jit_provisioning: 'RESTRICTED',
      email_allowed_domains: ['acme.io'],
      ...extra,
    })
    h.local.seedMember({
      organization_id: org.organization_id,
      email_address: `peer-${slug}@acme.io`,
      email_address_verified: verifiedPeer,
    })
    return org
  }

  describe('discovered organizations', () => {
    it('lists memberships (active, pending, invited) then JIT-eligible orgs, each by creation', async () => {
      const eligibleFirst = await jitOrg('eligible-first', true)
      const active = await createNamedOrganization(h, 'A', 'aa')
      const pending = await createNamedOrganization(h, 'P', 'pp')
      const invited = await createNamedOrganization(h, 'I', 'ii')
      const eligibleLast = await jitOrg('eligible-last', true)
      invite(h, invited.organization_id, ALICE)
      h.local.seedMember({ organization_id: active.organization_id, email_address: ALICE })
      h.local.seedMember({
        organization_id: pending.organization_id,
        email_address: ALICE,
        status: 'pending',
      })

      const res = await discoveryIst(h, 'Alice@Acme.io')
      expect(res.status).toBe(200)
      expect(res.body.email_address).toBe('Alice@Acme.io')
      const found = res.body.discovered_organizations.map((d: Discovered) => [
        d.organization.organization_slug,
        d.membership.type,
      ])
      expect(found).toEqual([
        ['aa', 'active_member'],
        ['pp', 'pending_member'],
        ['ii', 'invited_member'],
        ['eligible-first', 'eligible_to_join_by_email_domain'],
        ['eligible-last', 'eligible_to_join_by_email_domain'],
      ])
      const eligible = res.body.discovered_organizations[3]
      expect(eligible).toMatchObject({
        member_authenticated: true,
        membership: { details: { domain: 'acme.io' }, member: null },
        primary_required: null,
        mfa_required: null,
        organization: { organization_id: eligibleFirst.organization_id },
      })
      expect(res.body.discovered_organizations[0].membership.member.email_address).toBe(ALICE)
      expect(eligibleLast.organization_id).toBeDefined()
    })

    it('needs RESTRICTED email JIT, an allowed domain and a verified peer for eligibility', async () => {
      await jitOrg('unverified-peer', false)
      await jitOrg('not-restricted', true, { email_jit_provisioning: 'NOT_ALLOWED' })
      await jitOrg('other-domain', true, { email_allowed_domains: ['other.io'] })
      await jitOrg('ok', true)
      const res = await discoveryIst(h, ALICE)
      expect(
        res.body.discovered_organizations.map((d: Discovered) => d.organization.organization_slug),
      ).toEqual(['ok'])
    })

    it('reports mfa_required and primary_required per organization', async () => {
      const mfa = await createNamedOrganization(h, 'Mfa', 'mfa', { mfa_policy: 'REQUIRED_FOR_ALL' })
      const sso = await createNamedOrganization(h, 'Sso', 'sso', {
        auth_methods: 'RESTRICTED',
        allowed_auth_methods: ['sso'],
      })
      h.local.seedMember({ organization_id: mfa.organization_id, email_address: ALICE })
      h.local.seedMember({ organization_id: sso.organization_id, email_address: ALICE })
      const res = await discoveryIst(h, ALICE)
      const [m, s] = res.body.discovered_organizations
      expect(m).toMatchObject({
        member_authenticated: false,
        primary_required: null,
        mfa_required: { member_options: null, secondary_auth_initiated: null },
      })
      expect(s).toMatchObject({
        member_authenticated: false,
        primary_required: { allowed_auth_methods: ['sso'] },
      })
    })

    it('with a member session lists memberships only, with no hint', async () => {
      await jitOrg('eligible', true)
      const home = await createNamedOrganization(h, 'Home', 'home')
      h.local.seedMember({ organization_id: home.organization_id, email_address: ALICE })
      const session = (await login(h, home.organization_id, ALICE)).body
      const res = await h.post(P.discoveryList, { session_jwt: session.session_jwt })
      expect(res.status).toBe(200)
      expect(res.body.organization_id_hint).toBeNull()
      expect(res.body.discovered_organizations.map((d: Discovered) => d.membership.type)).toEqual([
        'active_member',
      ])
      const none = await h.post(P.discoveryList, {})
      expect(none.body.error_type).toBe('no_session_arguments')
      const many = await h.post(P.discoveryList, {
        session_token: session.session_token,
        session_jwt: session.session_jwt,
      })
      expect(many.body.error_type).toBe('too_many_session_arguments')
    })

    it('never creates or changes members', async () => {
      const org = await jitOrg('jit', true)
      await discoveryIst(h, ALICE)
      const member = await h.call(
        'GET',
        `/v1/b2b/organizations/${org.organization_id}/member?email_address=${ALICE}`,
      )
      expect(member.status).toBe(404)
      expect(member.body.error_type).toBe('member_not_found')
    })
  })

  describe('entering an organization with an IST', () => {
    it('JIT-joins an eligible org as an active, verified member', async () => {
      const org = await jitOrg('jit', true)
      const ist = (await discoveryIst(h, ALICE)).body.intermediate_session_token
      const res = await h.post(P.istExchange, {
        intermediate_session_token: ist,
        organization_id: 'jit',
      })
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({
        member_authenticated: true,
        intermediate_session_token: '',
        member: { email_address: ALICE, status: 'active', email_address_verified: true },
        organization: { organization_id: org.organization_id },
      })
      expect(res.body.member_session.authentication_factors[0]).toMatchObject({
        type: 'email_otp',
        delivery_method: 'email',
        email_factor: { email_address: ALICE, email_id: expect.stringMatching(/^email-test-/) },
      })
    })

    it('refuses orgs the email cannot enter', async () => {
      await jitOrg('unverified', false)
      const closed = await createNamedOrganization(h, 'Closed', 'closed')
      const ist = (await discoveryIst(h, ALICE)).body.intermediate_session_token
      const a = await h.post(P.istExchange, {
        intermediate_session_token: ist,
        organization_id: 'unverified',
      })
      expect(a.status).toBe(403)
      expect(a.body.error_type).toBe('invalid_email_for_jit_provisioning')
      const b = await h.post(P.istExchange, {
        intermediate_session_token: ist,
        organization_id: closed.organization_id,
      })
      expect(b.body.error_type).toBe('email_jit_provisioning_not_allowed')
      const c = await h.post(P.istExchange, {
        intermediate_session_token: ist,
        organization_id: 'missing',
      })
      expect(c.status).toBe(404)
      expect(c.body.error_type).toBe('organization_not_found')
    })

    it('accepts an invite: invited → active', async () => {
      const org = await createNamedOrganization(h, 'Inv', 'inv')
      invite(h, org.organization_id, ALICE)
      const ist = (await discoveryIst(h, ALICE)).body.intermediate_session_token
      const res = await h.post(P.istExchange, {
        intermediate_session_token: ist,
        organization_id: 'inv',
      })
      expect(res.body.member.status).toBe('active')
    })
  })

  describe('creating an organization from an IST', () => {
    it('creates the org, an admin member and a session; the IST is consumed', async () => {
      const ist = (await discoveryIst(h, ALICE)).body.intermediate_session_token
      const res = await h.post(P.discoveryCreate, {
        intermediate_session_token: ist,
        session_duration_minutes: 30,
      })
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({
        member_authenticated: true,
        organization: {
          organization_name: 'acme',
          organization_slug: 'acme',
          email_invites: 'ALL_ALLOWED',
        },
        member: { is_admin: true, status: 'active', email_address_verified: true },
        member_session: {
          expires_at: '2030-01-01T00:30:00Z',
          roles: ['stytch_member', 'stytch_admin'],
        },
      })
      const again = await h.post(P.discoveryCreate, { intermediate_session_token: ist })
      expect(again.body.error_type).toBe('intermediate_session_not_found')
    })

    it('derives names from the local part for consumer domains and de-duplicates slugs', async () => {
      const first = (await discoveryIst(h, 'jo.smith@gmail.com')).body.intermediate_session_token
      const a = await h.post(P.discoveryCreate, { intermediate_session_token: first })
      expect(a.body.organization.organization_slug).toBe('jo.smith')
      const second = (await discoveryIst(h, 'Jo.Smith@gmail.com')).body.intermediate_session_token
      const b = await h.post(P.discoveryCreate, { intermediate_session_token: second })
      expect(b.body.organization.organization_slug).toBe('jo.smith-2')
    })

    it('refuses a taken slug, and parallel creates of one slug make exactly one org', async () => {
      const ists = await Promise.all(
        [0, 1, 2].map(
          async (i) =>
            (await discoveryIst(h, `user${i}@corp.example`)).body.intermediate_session_token,
        ),
      )
      const results = await Promise.all(
        ists.map((ist) =>
          h.post(P.discoveryCreate, { intermediate_session_token: ist, organization_slug: 'same' }),
        ),
      )
      expect(results.filter((r) => r.status === 200)).toHaveLength(1)
      for (const r of results.filter((x) => x.status !== 200)) {
        expect(r.status).toBe(400)
        expect(r.body.error_type).toBe('organization_slug_already_used')
      }
    })

    it('leaves the creator at an MFA step when the new org requires MFA', async () => {
      const ist = (await discoveryIst(h, ALICE)).body.intermediate_session_token
      const res = await h.post(P.discoveryCreate, {
        intermediate_session_token: ist,
        mfa_policy: 'REQUIRED_FOR_ALL',
      })
      expect(res.body).toMatchObject({
        member_authenticated: false,
        intermediate_session_token: ist,
        session_token: '',
        mfa_required: { secondary_auth_initiated: null },
      })
    })
  })
})
