// Wire conformance of the admin endpoints: organization update/delete, member update, delete,
// reactivate and search. Bodies are checked against the Stytch JSON Schemas; each test gets a
// server of its own (see kit.ts).

import { describe, expect, it } from 'vitest'
import {
  ALICE,
  BAD_REQUEST,
  BOB,
  CAROL,
  conformanceSuite,
  coverageFloor,
  E,
  UNKNOWN_MEMBER,
  UNKNOWN_ORG,
} from './kit.js'

const c = conformanceSuite('admin')

describe('PUT /v1/b2b/organizations/{organization_id}', () => {
  it('updates the sent fields and leaves the rest', async () => {
    const { acme } = await c.world({ members: false })
    const body = await c.ok(E.orgUpdate.at(acme.organization_id), {
      organization_name: 'Acme Renamed',
      organization_slug: 'acme-renamed',
      email_allowed_domains: ['acme.test', 'acme-labs.test'],
      email_jit_provisioning: 'RESTRICTED',
      mfa_policy: 'REQUIRED_FOR_ALL',
      auth_methods: 'RESTRICTED',
      allowed_auth_methods: ['email_otp'],
      trusted_metadata: { tier: 'gold' },
    })
    const org = body.organization
    expect(org.organization_id).toBe(acme.organization_id)
    expect(org.organization_name).toBe('Acme Renamed')
    expect(org.organization_slug).toBe('acme-renamed')
    expect(org.email_allowed_domains).toEqual(['acme.test', 'acme-labs.test'])
    expect(org.mfa_policy).toBe('REQUIRED_FOR_ALL')
    expect(org.auth_methods).toBe('RESTRICTED')
    expect(org.allowed_auth_methods).toEqual(['email_otp'])
    expect(org.trusted_metadata).toEqual({ tier: 'gold' })
    expect(org.email_invites).toBe(acme.email_invites)
    const got = await c.ok(E.orgGet.at('acme-renamed'))
    expect(got.organization).toEqual(org)
    // The old slug names nothing any more.
    c.fails(await c.call(E.orgGet.at('acme')), 404, 'organization_not_found')
  })

  it('merges trusted_metadata at the top level; null deletes a key', async () => {
    const { acme } = await c.world({ members: false })
    const at = E.orgUpdate.at(acme.organization_id)
    await c.ok(at, { trusted_metadata: { a: 1, b: { deep: true } } })
    const body = await c.ok(at, { trusted_metadata: { a: null, c: [1] } })
    expect(body.organization.trusted_metadata).toEqual({ b: { deep: true }, c: [1] })
  })

  it('refuses a slug another organization uses, in any case', async () => {
    const { beta } = await c.world({ members: false })
    for (const slug of ['acme', 'ACME']) {
      const res = await c.call(E.orgUpdate.at(beta.organization_id), { organization_slug: slug })
      c.fails(res, 400, 'organization_slug_already_used')
    }
    // Its own slug (another case) is fine.
    await c.ok(E.orgUpdate.at(beta.organization_id), { organization_slug: beta.organization_slug })
  })

  it.each([
    [{ organization_name: '' }, 'organization_name_missing'],
    [{ organization_name: 'x'.repeat(129) }, 'invalid_organization_name'],
    [{ organization_slug: 'a' }, 'invalid_organization_slug'],
    [{ organization_slug: 'organization-test-x' }, 'invalid_organization_slug'],
    [{ email_allowed_domains: ['not a domain'] }, BAD_REQUEST],
    [{ email_allowed_domains: 'acme.test' }, BAD_REQUEST],
    [{ email_jit_provisioning: 'ALL_ALLOWED' }, BAD_REQUEST],
    [{ mfa_policy: 'ALWAYS' }, BAD_REQUEST],
    [{ allowed_auth_methods: ['carrier_pigeon'] }, BAD_REQUEST],
    [{ auth_methods: 'RESTRICTED' }, 'allowed_auth_methods_required_for_restricted'],
    [{ mfa_methods: 'RESTRICTED' }, 'allowed_mfa_methods_required_for_restricted'],
    [{ trusted_metadata: [1] }, BAD_REQUEST],
    [
      { trusted_metadata: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i])) },
      BAD_REQUEST,
    ],
    [{ sso_default_connection_id: 'saml-connection-test-x' }, BAD_REQUEST],
  ])('refuses %j with %s and changes nothing', async (input, errorType) => {
    const { acme } = await c.world({ members: false })
    c.fails(await c.call(E.orgUpdate.at(acme.organization_id), input), 400, errorType)
    expect((await c.ok(E.orgGet.at(acme.organization_id))).organization).toEqual(acme)
  })

  it('answers 404 organization_not_found for an unknown organization', async () => {
    const res = await c.call(E.orgUpdate.at(UNKNOWN_ORG), { organization_name: 'X' })
    c.fails(res, 404, 'organization_not_found')
  })
})

describe('DELETE /v1/b2b/organizations/{organization_id}', () => {
  it('answers the id; the organization, its members and their sessions are gone', async () => {
    const w = await c.world()
    const alice = await c.aliceSession(w)
    const body = await c.ok(E.orgDelete.at(w.acme.organization_id), {})
    expect(body.organization_id).toBe(w.acme.organization_id)
    c.fails(await c.call(E.orgGet.at(w.acme.organization_id)), 404, 'organization_not_found')
    c.fails(await c.call(E.orgDelete.at(w.acme.organization_id), {}), 404, 'organization_not_found')
    await c.expectSessionGone({ session_token: alice.token, session_jwt: alice.jwt })
    const search = await c.ok(E.orgSearch, {})
    expect(
      search.organizations.map((o: { organization_id: string }) => o.organization_id),
    ).not.toContain(w.acme.organization_id)
    // The slug is free again; Beta's members are untouched.
    await c.ok(E.orgCreate, { organization_name: 'New Acme', organization_slug: 'acme' })
    await c.ok(E.memberGet.at(w.beta.organization_id), { email_address: CAROL })
  })
})

describe('PUT /v1/b2b/organizations/{organization_id}/members/{member_id}', () => {
  it('updates name, roles, metadata, mfa fields; by member id or external id', async () => {
    const { acme, aliceAcme } = await c.world()
    const at = E.memberUpdate.at(acme.organization_id, aliceAcme.member_id)
    const body = await c.ok(at, {
      name: 'Alice A.',
      roles: ['stytch_admin'],
      untrusted_metadata: { theme: 'dark' },
      trusted_metadata: { plan: 'pro' },
      mfa_enrolled: true,
      mfa_phone_number: '+14155550100',
      external_id: 'alice-ext',
    })
    expect(body.member_id).toBe(aliceAcme.member_id)
    const m = body.member
    expect(m.name).toBe('Alice A.')
    expect(m.roles.map((r: { role_id: string }) => r.role_id).sort()).toEqual([
      'stytch_admin',
      'stytch_member',
    ])
    expect(m.is_admin).toBe(true)
    expect(m.untrusted_metadata).toEqual({ theme: 'dark' })
    expect(m.trusted_metadata).toEqual({ plan: 'pro' })
    expect(m.mfa_enrolled).toBe(true)
    expect(m.mfa_phone_number).toBe('+14155550100')
    expect(m.external_id).toBe('alice-ext')
    // The external id names the member from now on; roles replace the explicit ones.
    const again = await c.ok(E.memberUpdate.at(acme.organization_id, 'alice-ext'), { roles: [] })
    expect(again.member.roles.map((r: { role_id: string }) => r.role_id)).toEqual(['stytch_member'])
    expect(again.member.name).toBe('Alice A.')
  })

  it.each([
    [{ roles: ['no-such-role'] }, 400, 'role_not_found'],
    [{ roles: 'stytch_admin' }, 400, BAD_REQUEST],
    [{ name: 5 }, 400, BAD_REQUEST],
    [{ mfa_enrolled: 'yes' }, 400, BAD_REQUEST],
    [{ mfa_phone_number: '4155550100' }, 400, 'invalid_phone_number'],
    [{ default_mfa_method: 'email' }, 400, BAD_REQUEST],
    [{ untrusted_metadata: 'x' }, 400, BAD_REQUEST],
    [{ external_id: 'member-test-x' }, 400, BAD_REQUEST],
    [{ external_id: 'has space' }, 400, BAD_REQUEST],
    [{ email_address: 'not-an-email' }, 400, ['invalid_email']],
    [{ email_address: BOB }, 400, 'duplicate_member_email'],
  ])('refuses %j', async (input, status, errorType) => {
    const { acme, aliceAcme } = await c.world()
    const res = await c.call(E.memberUpdate.at(acme.organization_id, aliceAcme.member_id), input)
    c.fails(res, status, errorType)
  })

  it('refuses a second phone number and a taken external id', async () => {
    const { acme, aliceAcme, bobAcme } = await c.world()
    await c.ok(E.memberUpdate.at(acme.organization_id, bobAcme.member_id), { external_id: 'bob' })
    const at = E.memberUpdate.at(acme.organization_id, aliceAcme.member_id)
    c.fails(await c.call(at, { external_id: 'bob' }), 400, 'duplicate_member_external_id')
    await c.ok(at, { mfa_phone_number: '+14155550100' })
    c.fails(await c.call(at, { mfa_phone_number: '+14155550101' }), 400, BAD_REQUEST)
  })

  it('a changed email retires the old one and is unverified', async () => {
    const { acme, aliceAcme } = await c.world()
    const body = await c.ok(E.memberUpdate.at(acme.organization_id, aliceAcme.member_id), {
      email_address: 'alice.new@acme.test',
    })
    expect(body.member.email_address).toBe('alice.new@acme.test')
    expect(body.member.email_address_verified).toBe(false)
    expect(
      body.member.retired_email_addresses.map((e: { email_address: string }) => e.email_address),
    ).toEqual([ALICE])
  })

  it('answers 404 member_not_found for an unknown member or one of another organization', async () => {
    const { acme, carolBeta } = await c.world()
    for (const memberId of [UNKNOWN_MEMBER, carolBeta.member_id, 'no-such-external-id']) {
      const res = await c.call(E.memberUpdate.at(acme.organization_id, memberId), { name: 'X' })
      c.fails(res, 404, 'member_not_found')
    }
  })
})

describe('DELETE and reactivate a member', () => {
  it('deletes: sessions end, get and update answer 404; reactivate restores it', async () => {
    const w = await c.world()
    const alice = await c.aliceSession(w)
    const orgId = w.acme.organization_id
    const memberId = w.aliceAcme.member_id
    const deleted = await c.ok(E.memberDelete.at(orgId, memberId), {})
    expect(deleted.member_id).toBe(memberId)
    await c.expectSessionGone({ session_token: alice.token, session_jwt: alice.jwt })
    c.fails(await c.call(E.memberGet.at(orgId), { member_id: memberId }), 404, 'member_not_found')
    c.fails(
      await c.call(E.memberUpdate.at(orgId, memberId), { name: 'X' }),
      404,
      'member_not_found',
    )
    c.fails(await c.call(E.memberDelete.at(orgId, memberId), {}), 404, 'member_not_found')
    const sessions = await c.ok(E.sessionsGet, { organization_id: orgId, member_id: memberId })
    expect(sessions.member_sessions).toEqual([])

    const back = await c.ok(E.memberReactivate.at(orgId, memberId), {})
    expect(back.member.status).toBe('active')
    expect(back.member_id).toBe(memberId)
    await c.ok(E.memberGet.at(orgId), { member_id: memberId })
    // Reactivating an active member changes nothing.
    expect((await c.ok(E.memberReactivate.at(orgId, memberId), {})).member.status).toBe('active')
  })

  it('reactivate refuses an unverified member, an external id and an unknown member', async () => {
    const { acme, bobAcme } = await c.world()
    const orgId = acme.organization_id
    await c.ok(E.memberUpdate.at(orgId, bobAcme.member_id), { external_id: 'bob' })
    await c.ok(E.memberDelete.at(orgId, bobAcme.member_id), {})
    c.fails(await c.call(E.memberReactivate.at(orgId, bobAcme.member_id), {}), 400, BAD_REQUEST)
    c.fails(await c.call(E.memberReactivate.at(orgId, 'bob'), {}), 404, 'member_not_found')
    c.fails(await c.call(E.memberReactivate.at(orgId, UNKNOWN_MEMBER), {}), 404, 'member_not_found')
  })
})

describe('POST /v1/b2b/organizations/members/search', () => {
  it('lists non-deleted members of the listed organizations, with the organizations map', async () => {
    const w = await c.world()
    await c.ok(E.memberDelete.at(w.acme.organization_id, w.bobAcme.member_id), {})
    const body = await c.ok(E.membersSearch, {
      organization_ids: [w.acme.organization_id, 'beta'],
    })
    const emails = body.members.map((m: { email_address: string }) => m.email_address)
    expect(emails).toContain(ALICE)
    expect(emails).toContain(CAROL)
    const ids = body.members.map((m: { member_id: string }) => m.member_id)
    expect(ids).not.toContain(w.bobAcme.member_id)
    expect(Object.keys(body.organizations).sort()).toEqual(
      [w.acme.organization_id, w.beta.organization_id].sort(),
    )
    expect(body.results_metadata.total).toBe(body.members.length)
  })

  it('filters by the documented operands and pages with the cursor', async () => {
    const w = await c.world()
    const orgs = [w.acme.organization_id]
    const only = async (operand: Record<string, unknown>) =>
      (
        await c.ok(E.membersSearch, {
          organization_ids: orgs,
          query: { operator: 'AND', operands: [operand] },
        })
      ).members.map((m: { member_id: string }) => m.member_id)
    expect(
      await only({ filter_name: 'member_ids', filter_value: [w.aliceAcme.member_id] }),
    ).toEqual([w.aliceAcme.member_id])
    expect(await only({ filter_name: 'member_emails', filter_value: [BOB.toUpperCase()] })).toEqual(
      [w.bobAcme.member_id],
    )
    expect(await only({ filter_name: 'member_email_fuzzy', filter_value: 'alic' })).toEqual([
      w.aliceAcme.member_id,
    ])
    expect(await only({ filter_name: 'statuses', filter_value: ['pending'] })).toEqual([
      w.bobAcme.member_id,
    ])
    const first = await c.ok(E.membersSearch, { organization_ids: orgs, limit: 1 })
    expect(first.members).toHaveLength(1)
    const second = await c.ok(E.membersSearch, {
      organization_ids: orgs,
      limit: 1,
      cursor: first.results_metadata.next_cursor,
    })
    expect(second.members[0].member_id).not.toBe(first.members[0].member_id)
  })

  it.each([
    [{}, 400, BAD_REQUEST],
    [{ organization_ids: [] }, 400, BAD_REQUEST],
    [{ organization_ids: [UNKNOWN_ORG] }, 404, 'organization_not_found'],
    [{ organization_ids: ['acme'], query: { operator: 'XOR', operands: [] } }, 400, BAD_REQUEST],
    [
      { organization_ids: ['acme'], query: { operands: [{ filter_name: 'nope' }] } },
      400,
      BAD_REQUEST,
    ],
    [
      {
        organization_ids: ['acme'],
        query: { operands: [{ filter_name: 'member_email_fuzzy', filter_value: 'al' }] },
      },
      400,
      BAD_REQUEST,
    ],
    [{ organization_ids: ['acme'], limit: 0 }, 400, BAD_REQUEST],
    [{ organization_ids: ['acme'], cursor: 'garbage' }, 400, BAD_REQUEST],
  ])('refuses %j', async (input, status, errorType) => {
    await c.world({ members: false })
    c.fails(await c.call(E.membersSearch, input), status, errorType)
  })
})

coverageFloor('admin')
