// Wire conformance of the local server, members: create, get, and external ids. Every endpoint is
// called over real HTTP and every body is checked against the Stytch JSON Schemas
// (test/fixtures/stytch-schemas); each test gets a server of its own (see kit.ts).

import { describe, expect, it } from 'vitest'
import {
  ALICE,
  BAD_EMAIL,
  BAD_REQUEST,
  BOB,
  CAROL,
  conformanceSuite,
  coverageFloor,
  E,
  ID_PATTERN,
  UNKNOWN_MEMBER,
  UNKNOWN_ORG,
  type Wire,
} from './kit.js'

const c = conformanceSuite('members')

/** An organization and a member (Carol) both known by an external id. */
async function externallyKnown(): Promise<{ org: Wire; created: Wire }> {
  const org = await c.createOrg({
    organization_name: 'Externally Known',
    organization_slug: 'externally-known',
    organization_external_id: 'ext-org-1',
  })
  const created = await c.ok(E.membersCreate.at('ext-org-1'), {
    email_address: CAROL,
    external_id: 'ext-carol',
  })
  return { org, created }
}

describe('POST /v1/b2b/organizations/{organization_id}/members', () => {
  it('creates an active member by default and a pending one on request', async () => {
    const { acme, beta } = await c.world({ members: false })
    const alice = await c.ok(E.membersCreate.at(acme.organization_id), {
      email_address: ALICE,
      name: 'Alice',
    })
    const aliceAcme = alice.member
    expect(alice.member_id).toMatch(ID_PATTERN('member'))
    expect(alice.member_id).toBe(aliceAcme.member_id)
    expect(aliceAcme.organization_id).toBe(acme.organization_id)
    expect(aliceAcme.email_address).toBe(ALICE)
    expect(aliceAcme.name).toBe('Alice')
    expect(aliceAcme.status).toBe('active')
    expect(aliceAcme.is_admin).toBe(false)
    expect(aliceAcme.roles.map((r: Wire) => r.role_id)).toContain('stytch_member')
    expect(alice.organization.organization_id).toBe(acme.organization_id)

    const bob = await c.ok(E.membersCreate.at(acme.organization_id), {
      email_address: BOB,
      create_member_as_pending: true,
    })
    expect(bob.member.status).toBe('pending')

    const carol = await c.ok(E.membersCreate.at('beta'), { email_address: CAROL })
    expect(carol.member.organization_id).toBe(beta.organization_id)
  })

  it('rejects a missing, mistyped or malformed email', async () => {
    const { acme } = await c.world()
    c.fails(await c.call(E.membersCreate.at(acme.organization_id), {}), 400, BAD_EMAIL)
    c.fails(
      await c.call(E.membersCreate.at(acme.organization_id), { email_address: 7 }),
      400,
      BAD_EMAIL,
    )
    c.fails(
      await c.call(E.membersCreate.at(acme.organization_id), { email_address: 'not-an-email' }),
      400,
      'invalid_email',
    )
  })

  it('rejects a duplicate email and an unknown organization', async () => {
    const { acme } = await c.world()
    await c.failsEach(E.membersCreate.at(acme.organization_id), [
      [{ email_address: ALICE }, 400, 'duplicate_member_email'],
      [{ email_address: ALICE }, 404, 'organization_not_found', E.membersCreate.at(UNKNOWN_ORG)],
    ])
  })
})

describe('GET /v1/b2b/organizations/{organization_id}/member', () => {
  it('finds a member by member_id and by email_address', async () => {
    const { acme, aliceAcme } = await c.world()
    const byId = await c.ok(E.memberGet.at(acme.organization_id), {
      member_id: aliceAcme.member_id,
    })
    expect(byId.member_id).toBe(aliceAcme.member_id)
    expect(byId.member).toEqual(aliceAcme)
    expect(byId.organization.organization_id).toBe(acme.organization_id)
    const byEmail = await c.ok(E.memberGet.at('beta'), { email_address: ALICE })
    expect(byEmail.member.status).toBe('invited')
    expect(byEmail.member.member_id).not.toBe(aliceAcme.member_id)
  })

  it('answers member_not_found, organization_not_found, and 400 without a selector', async () => {
    const { acme, aliceAcme } = await c.world()
    const inAcme = E.memberGet.at(acme.organization_id)
    await c.failsEach(inAcme, [
      [{ member_id: UNKNOWN_MEMBER }, 404, 'member_not_found'],
      [{ email_address: CAROL }, 404, 'member_not_found'],
      [
        { member_id: aliceAcme.member_id },
        404,
        'organization_not_found',
        E.memberGet.at(UNKNOWN_ORG),
      ],
      [undefined, 400, [...BAD_REQUEST, 'member_not_found']],
    ])
  })
})

describe('external ids and slugs stand in for ids', () => {
  it('finds organizations and members by external id', async () => {
    const { org, created } = await externallyKnown()
    expect(org.organization_external_id).toBe('ext-org-1')
    expect((await c.ok(E.orgGet.at('ext-org-1'))).organization.organization_id).toBe(
      org.organization_id,
    )
    expect(created.member.external_id).toBe('ext-carol')
    const found = await c.ok(E.memberGet.at(org.organization_id), { member_id: 'ext-carol' })
    expect(found.member_id).toBe(created.member_id)
  })

  it('searches organizations by member email', async () => {
    await c.world()
    await externallyKnown()
    const body = await c.ok(E.orgSearch, {
      query: {
        operator: 'AND',
        operands: [{ filter_name: 'member_emails', filter_value: [CAROL] }],
      },
    })
    const slugs = body.organizations.map((o: Wire) => o.organization_slug).sort()
    expect(slugs).toEqual(['beta', 'externally-known'])
  })

  it('lists sessions by member external id', async () => {
    await externallyKnown()
    const body = await c.ok(E.sessionsGet, { organization_id: 'ext-org-1', member_id: 'ext-carol' })
    expect(body.member_sessions).toEqual([])
  })
})

coverageFloor('members')
