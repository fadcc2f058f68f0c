// Wire conformance of the local server, organizations: create, get, search. Every endpoint is
// called over real HTTP and every body is checked against the Stytch JSON Schemas
// (test/fixtures/stytch-schemas); each test gets a server of its own (see kit.ts).

import { describe, expect, it } from 'vitest'
import {
  ACME_DOMAIN,
  BAD_REQUEST,
  CAROL,
  conformanceSuite,
  coverageFloor,
  E,
  ID_PATTERN,
  UNKNOWN_ORG,
  type Wire,
} from './kit.js'

const c = conformanceSuite('organizations')

describe('POST /v1/b2b/organizations', () => {
  it('creates an organization with the requested policy and Stytch defaults', async () => {
    const body = await c.ok(E.orgCreate, {
      organization_name: 'Acme Corp',
      organization_slug: 'acme',
      email_jit_provisioning: 'RESTRICTED',
      email_allowed_domains: [ACME_DOMAIN],
    })
    const acme = body.organization
    expect(acme.organization_id).toMatch(ID_PATTERN('organization'))
    expect(acme.organization_name).toBe('Acme Corp')
    expect(acme.organization_slug).toBe('acme')
    expect(acme.email_jit_provisioning).toBe('RESTRICTED')
    expect(acme.email_allowed_domains).toEqual([ACME_DOMAIN])
    expect(acme.mfa_policy).toBe('OPTIONAL')
    expect(acme.auth_methods).toBe('ALL_ALLOWED')
  })

  it('applies the documented defaults when no policy field is sent', async () => {
    const body = await c.ok(E.orgCreate, {
      organization_name: 'Beta Inc',
      organization_slug: 'beta',
    })
    const beta = body.organization
    expect(beta.organization_slug).toBe('beta')
    expect(beta.sso_jit_provisioning).toBe('ALL_ALLOWED')
    expect(beta.email_jit_provisioning).toBe('NOT_ALLOWED')
    expect(beta.email_invites).toBe('ALL_ALLOWED')
    expect(beta.auth_methods).toBe('ALL_ALLOWED')
    expect(beta.mfa_policy).toBe('OPTIONAL')
    expect(beta.mfa_methods).toBe('ALL_ALLOWED')
    expect(beta.oauth_tenant_jit_provisioning).toBe('NOT_ALLOWED')
    expect(beta.organization_id).toMatch(ID_PATTERN('organization'))
  })

  it('derives a valid slug when none is given', async () => {
    const body = await c.ok(E.orgCreate, { organization_name: 'Gamma Org' })
    expect(body.organization.organization_slug).toMatch(/^[A-Za-z0-9._~-]{2,128}$/)
  })

  it('rejects a missing or mistyped organization_name', async () => {
    c.fails(await c.call(E.orgCreate, {}), 400, [
      ...BAD_REQUEST,
      'organization_name_missing',
      'invalid_organization_name',
    ])
    c.fails(await c.call(E.orgCreate, { organization_name: 42 }), 400, [
      ...BAD_REQUEST,
      'invalid_organization_name',
    ])
  })

  it('rejects a taken slug', async () => {
    await c.world()
    c.fails(
      await c.call(E.orgCreate, { organization_name: 'Acme 2', organization_slug: 'acme' }),
      400,
      'organization_slug_already_used',
    )
  })

  it('rejects names and slugs outside their length limits', async () => {
    c.fails(await c.call(E.orgCreate, { organization_name: 'n'.repeat(129) }), 400, [
      'invalid_organization_name',
    ])
    c.fails(
      await c.call(E.orgCreate, { organization_name: 'Short', organization_slug: 'a' }),
      400,
      ['invalid_organization_slug'],
    )
    c.fails(
      await c.call(E.orgCreate, { organization_name: 'Long', organization_slug: 's'.repeat(129) }),
      400,
      ['invalid_organization_slug'],
    )
  })

  it('rejects an invalid slug and a common consumer domain', async () => {
    c.fails(
      await c.call(E.orgCreate, { organization_name: 'Bad', organization_slug: 'no spaces/here' }),
      400,
      'invalid_organization_slug',
    )
    c.fails(
      await c.call(E.orgCreate, {
        organization_name: 'Gmail fans',
        email_jit_provisioning: 'RESTRICTED',
        email_allowed_domains: ['gmail.com'],
      }),
      400,
      'organization_settings_domain_too_common',
    )
  })
})

describe('GET /v1/b2b/organizations/{organization_id}', () => {
  it('finds an organization by id and by slug', async () => {
    const { acme } = await c.world()
    const byId = await c.ok(E.orgGet.at(acme.organization_id))
    expect(byId.organization).toEqual(acme)
    const bySlug = await c.ok(E.orgGet.at('acme'))
    expect(bySlug.organization.organization_id).toBe(acme.organization_id)
  })

  it('answers 404 organization_not_found for an unknown id', async () => {
    c.fails(await c.call(E.orgGet.at(UNKNOWN_ORG)), 404, 'organization_not_found')
  })
})

describe('POST /v1/b2b/organizations/search', () => {
  it('filters by organization_ids, slugs and fuzzy name', async () => {
    const { acme, beta } = await c.world()
    const byIds = await c.ok(E.orgSearch, {
      query: {
        operator: 'AND',
        operands: [{ filter_name: 'organization_ids', filter_value: [beta.organization_id] }],
      },
    })
    expect(byIds.organizations.map((o: Wire) => o.organization_id)).toEqual([beta.organization_id])
    expect(byIds.results_metadata.total).toBe(1)

    const bySlug = await c.ok(E.orgSearch, {
      query: {
        operator: 'AND',
        operands: [{ filter_name: 'organization_slugs', filter_value: ['acme'] }],
      },
    })
    expect(bySlug.organizations.map((o: Wire) => o.organization_id)).toEqual([acme.organization_id])

    const fuzzy = await c.ok(E.orgSearch, {
      query: {
        operator: 'AND',
        operands: [{ filter_name: 'organization_name_fuzzy', filter_value: 'acm' }],
      },
    })
    expect(fuzzy.organizations.map((o: Wire) => o.organization_id)).toContain(acme.organization_id)
    expect(fuzzy.organizations.map((o: Wire) => o.organization_id)).not.toContain(
      beta.organization_id,
    )
  })

  it('lists every organization without a query and pages with limit/cursor', async () => {
    await c.world({ members: false })
    const all = await c.ok(E.orgSearch, {})
    expect(all.organizations.length).toBe(3)
    expect(all.results_metadata.total).toBe(3)

    const first = await c.ok(E.orgSearch, { limit: 2 })
    expect(first.organizations).toHaveLength(2)
    expect(typeof first.results_metadata.next_cursor).toBe('string')
    const second = await c.ok(E.orgSearch, { limit: 2, cursor: first.results_metadata.next_cursor })
    expect(second.organizations).toHaveLength(1)
    expect(second.results_metadata.next_cursor ?? null).toBeNull()
  })

  it('rejects a mistyped limit', async () => {
    c.fails(await c.call(E.orgSearch, { limit: 'many' }), 400, BAD_REQUEST)
  })
})

describe('null is the same as absent when creating organizations and members', () => {
  it('accepts null optional fields when creating organizations and members', async () => {
    const org = (
      await c.ok(E.orgCreate, {
        organization_name: 'Nullable',
        organization_slug: 'nullable',
        organization_logo_url: null,
        trusted_metadata: null,
        organization_external_id: null,
        email_allowed_domains: null,
        email_jit_provisioning: null,
        mfa_policy: null,
      })
    ).organization
    expect(org.email_jit_provisioning).toBe('NOT_ALLOWED')
    expect(org.mfa_policy).toBe('OPTIONAL')
    expect(org.email_allowed_domains).toEqual([])
    const member = (
      await c.ok(E.membersCreate.at(org.organization_id), {
        email_address: CAROL,
        name: null,
        external_id: null,
        create_member_as_pending: null,
        roles: null,
        trusted_metadata: null,
      })
    ).member
    expect(member.status).toBe('active')
    expect(member.name).toBe('')
    await c.ok(E.orgSearch, { query: null, limit: null, cursor: null })
  })
})

coverageFloor('organizations')
