// Organizations and members: defaults, lookups by id/slug/external id, search, RBAC checks.
import { describe, expect, it } from 'vitest'
import { LOCAL_STORES } from '../helpers/local-stores.js'
import { createNamedOrganization, createOrganization, login, P, useHarness } from './fixtures.js'

describe.each(LOCAL_STORES)('$name store', (store) => {
  const h = useHarness(store)

  describe('organizations', () => {
    it('applies Stytch defaults and derives a free slug from the name', async () => {
      const a = await createOrganization(h, { organization_name: 'Acme Corp' })
      expect(a).toMatchObject({
        organization_slug: 'acme-corp',
        organization_logo_url: '',
        sso_jit_provisioning: 'ALL_ALLOWED',
        email_jit_provisioning: 'NOT_ALLOWED',
        email_invites: 'ALL_ALLOWED',
        auth_methods: 'ALL_ALLOWED',
        mfa_policy: 'OPTIONAL',
        created_at: '2030-01-01T00:00:00Z',
      })
      expect(a.organization_id).toMatch(/^organization-test-[0-9a-f-]{36}$/)
      const b = await createOrganization(h, { organization_name: 'Acme Corp' })
      expect(b.organization_slug).toBe('acme-corp-2')
      const c = await createOrganization(h, {
        organization_name: 'C',
        email_allowed_domains: ['c.io'],
      })
      expect(c.email_invites).toBe('NOT_ALLOWED')
    })

    it('is found by id, slug or external id', async () => {
      const org = await createNamedOrganization(h, 'Ext', 'ext', {
        organization_external_id: 'crm|42',
      })
      for (const ref of [org.organization_id, 'ext', 'crm|42']) {
        const res = await h.call('GET', `/v1/b2b/organizations/${encodeURIComponent(ref)}`)
        expect(res.body.organization.organization_id).toBe(org.organization_id)
      }
    })

    it('searches with filters, AND/OR and cursors', async () => {
      for (let i = 0; i < 5; i += 1) {
        await createNamedOrganization(h, `Team ${i}`, `team-${i}`, {
          email_jit_provisioning: 'RESTRICTED',
          email_allowed_domains: [i % 2 === 0 ? 'even.io' : 'odd.io'],
        })
      }
      const even = await h.post(P.orgSearch, {
        query: {
          operator: 'AND',
          operands: [{ filter_name: 'allowed_domains', filter_value: ['even.io'] }],
        },
      })
      expect(
        even.body.organizations.map((o: { organization_slug: string }) => o.organization_slug),
      ).toEqual(['team-0', 'team-2', 'team-4'])
      const both = await h.post(P.orgSearch, {
        query: {
          operator: 'AND',
          operands: [
            { filter_name: 'organization_name_fuzzy', filter_value: 'TEAM' },
            { filter_name: 'organization_slugs', filter_value: ['team-1', 'team-2'] },
          ],
        },
      })
      expect(both.body.results_metadata.total).toBe(2)
      const either = await h.post(P.orgSearch, {
        query: {
          operator: 'OR',
          operands: [
            { filter_name: 'organization_slugs', filter_value: ['team-1'] },
            { filter_name: 'organization_slugs', filter_value: ['team-3'] },
          ],
        },
      })
      expect(either.body.results_metadata.total).toBe(2)

      const pages: string[] = []
      let cursor: string | null | undefined
      for (let guard = 0; guard < 10; guard += 1) {
        const page = await h.post(P.orgSearch, { limit: 2, cursor: cursor ?? undefined })
        expect(page.body.results_metadata.total).toBe(5)
        pages.push(
          ...page.body.organizations.map((o: { organization_slug: string }) => o.organization_slug),
        )
        cursor = page.body.results_metadata.next_cursor
        if (cursor === null) break
      }
      expect(pages).toEqual(['team-0', 'team-1', 'team-2', 'team-3', 'team-4'])
    })

    it('finds organizations by member email', async () => {
      const org = await createNamedOrganization(h, 'M', 'mm')
      await h.post(`/v1/b2b/organizations/${org.organization_id}/members`, {
        email_address: 'z@m.io',
      })
      const res = await h.post(P.orgSearch, {
        query: {
          operator: 'AND',
          operands: [{ filter_name: 'member_emails', filter_value: ['Z@m.io'] }],
        },
      })
      expect(res.body.organizations).toHaveLength(1)
    })
  })

  describe('members', () => {
    it('creates active or pending members, gets them by id, external id or email', async () => {
      const org = await createNamedOrganization(h, 'Acme', 'acme')
      const created = await h.post('/v1/b2b/organizations/acme/members', {
        email_address: 'a@acme.io',
        name: 'A',
        external_id: 'emp-1',
        roles: ['stytch_admin'],
      })
      expect(created.body.member).toMatchObject({
        status: 'active',
        email_address_verified: false,
        is_admin: true,
        name: 'A',
        roles: [
          { role_id: 'stytch_member', sources: [{ type: 'direct_assignment' }] },
          { role_id: 'stytch_admin', sources: [{ type: 'direct_assignment' }] },
        ],
      })
      const pending = await h.post('/v1/b2b/organizations/acme/members', {
        email_address: 'p@acme.io',
        create_member_as_pending: true,
      })
      expect(pending.body.member.status).toBe('pending')
      const base = `/v1/b2b/organizations/${org.organization_id}/member`
      for (const query of [
        `member_id=${created.body.member_id}`,
        'member_id=emp-1',
        'email_address=A@ACME.IO',
      ]) {
        const res = await h.call('GET', `${base}?${query}`)
        expect(res.body.member_id).toBe(created.body.member_id)
      }
    })
  })

  describe('RBAC', () => {
    it('serves the default policy and checks authorization in sessions/authenticate', async () => {
      const policy = await h.call('GET', '/v1/b2b/rbac/policy')
      expect(policy.body.policy.roles.map((r: { role_id: string }) => r.role_id)).toEqual([
        'stytch_admin',
        'stytch_member',
      ])
      const org = await createNamedOrganization(h, 'Acme', 'acme')
      const other = await createNamedOrganization(h, 'Other', 'other')
      const orgPolicy = await h.call('GET', '/v1/b2b/rbac/organizations/acme')
      expect(orgPolicy.body.org_policy).toEqual({ roles: [] })
      h.local.seedMember({ organization_id: org.organization_id, email_address: 'm@acme.io' })
      const token = (await login(h, org.organization_id, 'm@acme.io')).body.session_token
      const check = (organization_id: string, resource_id: string, action: string) =>
        h.post(P.sessionsAuthenticate, {
          session_token: token,
          authorization_check: { organization_id, resource_id, action },
        })
      const allowed = await check(org.organization_id, 'stytch.self', 'update.info.name')
      expect(allowed.body.verdict).toEqual({ authorized: true, granting_roles: ['stytch_member'] })
      const denied = await check(org.organization_id, 'stytch.organization', 'delete')
      expect(denied.status).toBe(403)
      expect(denied.body.error_type).toBe('session_authorization_error')
      const tenancy = await check(other.organization_id, 'stytch.self', 'update.info.name')
      expect(tenancy.status).toBe(403)
      expect(tenancy.body.error_type).toBe('session_authorization_tenancy_error')
    })
  })
})
