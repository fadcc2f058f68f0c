// Wire conformance of the local server, discovery: OTP send/authenticate, organizations
// list/create, IST exchange. Every endpoint is called over real HTTP and every body is checked
// against the Stytch JSON Schemas (test/fixtures/stytch-schemas); each test gets a server of its
// own (see kit.ts).

import { describe, expect, it } from 'vitest'
import {
  ALICE,
  BAD_DURATION,
  BAD_EMAIL,
  BAD_ORG_ID,
  BAD_REQUEST,
  CAROL,
  conformanceSuite,
  coverageFloor,
  DANA,
  E,
  expectActiveMemberIn,
  expectEmailOtpFactor,
  expectMemberSession,
  FOUNDER,
  ID_PATTERN,
  JIT_REFUSED,
  JOINER,
  MINUTE,
  STRANGER,
  UNKNOWN_IST,
  UNKNOWN_ORG,
  UNKNOWN_SESSION_TOKEN,
  type Wire,
  wrongCode,
} from './kit.js'

const c = conformanceSuite('discovery')

describe('POST /v1/b2b/otps/email/discovery/send', () => {
  it('sends a discovery OTP to any address', async () => {
    const body = await c.ok(E.discoverySend, { email_address: STRANGER })
    expect(Object.keys(body).sort()).toEqual(['request_id', 'status_code'])
    expect(c.local.outbox.latest(STRANGER)?.kind).toBe('discovery')
  })

  it('validates its input', async () => {
    c.fails(await c.call(E.discoverySend, {}), 400, BAD_EMAIL)
    c.fails(await c.call(E.discoverySend, { email_address: 12 }), 400, BAD_EMAIL)
    c.fails(await c.call(E.discoverySend, { email_address: 'nope' }), 400, 'invalid_email')
    c.fails(
      await c.call(E.discoverySend, { email_address: ALICE, discovery_expiration_minutes: 1 }),
      400,
      [...BAD_REQUEST, 'invalid_expiration_otp'],
    )
  })
})

describe('POST /v1/b2b/otps/email/discovery/authenticate', () => {
  it('returns an IST and every organization the email can enter', async () => {
    const { acme, beta, aliceAcme } = await c.world()
    const body = await c.discoveryIst(ALICE)
    expect(body.email_address).toBe(ALICE)
    expect(body.intermediate_session_token).not.toBe('')
    if (body.intermediate_session_token_expires_at != null) {
      expect(Date.parse(body.intermediate_session_token_expires_at)).toBe(
        c.clock.now() + 10 * MINUTE,
      )
    }
    const byOrg = new Map<string, Wire>(
      body.discovered_organizations.map((d: Wire) => [d.organization.organization_id, d]),
    )
    expect([...byOrg.keys()].sort()).toEqual([acme.organization_id, beta.organization_id].sort())
    const inAcme = byOrg.get(acme.organization_id)
    expect(inAcme.membership.type).toBe('active_member')
    expect(inAcme.membership.member.member_id).toBe(aliceAcme.member_id)
    expect(inAcme.member_authenticated).toBe(true)
    const inBeta = byOrg.get(beta.organization_id)
    expect(inBeta.membership.type).toBe('invited_member')
    expect(inBeta.membership.member.status).toBe('invited')
    for (const d of body.discovered_organizations) {
      expect(d.mfa_required?.secondary_auth_initiated ?? null).toBeNull()
    }
    // Discovery never changes a member.
    const stillInvited = await c.ok(E.memberGet.at('beta'), { email_address: ALICE })
    expect(stillInvited.member.status).toBe('invited')
  })

  it('offers JIT by email domain only when a verified member shares the domain', async () => {
    const { acme } = await c.world()
    const body = await c.discoveryIst(JOINER)
    expect(body.discovered_organizations).toHaveLength(1)
    const [entry] = body.discovered_organizations
    expect(entry.organization.organization_id).toBe(acme.organization_id)
    expect(entry.membership.type).toBe('eligible_to_join_by_email_domain')
    expect(entry.membership.member ?? null).toBeNull()

    const nobody = await c.discoveryIst(STRANGER)
    expect(nobody.discovered_organizations).toEqual([])
  })

  it('rejects wrong, reused and missing codes', async () => {
    await c.ok(E.discoverySend, { email_address: CAROL })
    const code = c.latestCode(CAROL, 'discovery')
    c.fails(
      await c.call(E.discoveryAuthenticate, { email_address: CAROL, code: wrongCode(code) }),
      404,
      'otp_code_not_found',
    )
    await c.ok(E.discoveryAuthenticate, { email_address: CAROL, code })
    c.fails(
      await c.call(E.discoveryAuthenticate, { email_address: CAROL, code }),
      401,
      'unable_to_auth_otp_code',
    )
    c.fails(await c.call(E.discoveryAuthenticate, { email_address: CAROL }), 400, BAD_REQUEST)
    c.fails(await c.call(E.discoveryAuthenticate, { code }), 400, BAD_EMAIL)
    c.fails(
      await c.call(E.discoveryAuthenticate, { email_address: CAROL, code: 123456 }),
      400,
      BAD_REQUEST,
    )
  })
})

describe('POST /v1/b2b/discovery/organizations', () => {
  it('lists by IST without consuming it, and by session token or JWT', async () => {
    const w = await c.world()
    const { acme, beta } = w
    const aliceSession = await c.aliceSession(w)
    const discovered = await c.discoveryIst(ALICE)
    const ist = discovered.intermediate_session_token
    for (let i = 0; i < 2; i += 1) {
      const body = await c.ok(E.discoveryList, { intermediate_session_token: ist })
      expect(body.email_address).toBe(ALICE)
      expect(body.organization_id_hint ?? null).toBeNull()
      expect(body.discovered_organizations).toEqual(discovered.discovered_organizations)
    }
    for (const selector of [
      { session_token: aliceSession.token },
      { session_jwt: aliceSession.jwt },
    ]) {
      const body = await c.ok(E.discoveryList, selector)
      expect(body.email_address).toBe(ALICE)
      expect(body.organization_id_hint ?? null).toBeNull()
      const types = body.discovered_organizations.map((d: Wire) => [
        d.organization.organization_id,
        d.membership.type,
      ])
      expect(types).toEqual(
        expect.arrayContaining([
          [acme.organization_id, 'active_member'],
          [beta.organization_id, 'invited_member'],
        ]),
      )
      expect(types).toHaveLength(2)
    }
  })

  it('hides eligible_to_join organizations from a member session', async () => {
    const { acme, beta } = await c.world()
    await c.ok(E.membersCreate.at(beta.organization_id), { email_address: DANA })
    const login = await c.orgLogin(beta.organization_id, DANA)
    const byIst = await c.discoveryIst(DANA)
    const istTypes = byIst.discovered_organizations.map((d: Wire) => [
      d.organization.organization_id,
      d.membership.type,
    ])
    expect(istTypes).toHaveLength(2)
    expect(istTypes).toEqual(
      expect.arrayContaining([
        [beta.organization_id, 'active_member'],
        [acme.organization_id, 'eligible_to_join_by_email_domain'],
      ]),
    )
    const bySession = await c.ok(E.discoveryList, { session_token: login.session_token })
    expect(
      bySession.discovered_organizations.map((d: Wire) => [
        d.organization.organization_id,
        d.membership.type,
      ]),
    ).toEqual([[beta.organization_id, 'active_member']])
  })

  it('needs exactly one selector', async () => {
    const w = await c.world()
    const aliceSession = await c.aliceSession(w)
    c.fails(await c.call(E.discoveryList, {}), 400, [...BAD_REQUEST, 'no_session_arguments'])
    c.fails(
      await c.call(E.discoveryList, {
        session_token: aliceSession.token,
        session_jwt: aliceSession.jwt,
      }),
      400,
      [...BAD_REQUEST, 'too_many_session_arguments'],
    )
    const { intermediate_session_token: ist } = await c.discoveryIst(ALICE)
    c.fails(
      await c.call(E.discoveryList, {
        intermediate_session_token: ist,
        session_token: aliceSession.token,
      }),
      400,
      [...BAD_REQUEST, 'too_many_session_arguments'],
    )
    c.fails(await c.call(E.discoveryList, { intermediate_session_token: 17 }), 400, BAD_REQUEST)
  })

  it('answers 404 for an unknown IST or session', async () => {
    c.fails(
      await c.call(E.discoveryList, {
        intermediate_session_token: UNKNOWN_IST,
      }),
      404,
      'intermediate_session_not_found',
    )
    c.fails(
      await c.call(E.discoveryList, {
        session_token: UNKNOWN_SESSION_TOKEN,
      }),
      404,
      'session_not_found',
    )
  })
})

describe('POST /v1/b2b/discovery/intermediate_sessions/exchange', () => {
  it('accepts an invite: invited -> active, session in the target org, IST consumed', async () => {
    const { beta } = await c.world()
    const { intermediate_session_token: ist } = await c.discoveryIst(ALICE)
    const body = await c.ok(E.istExchange, {
      intermediate_session_token: ist,
      organization_id: beta.organization_id,
    })
    expectActiveMemberIn(body, beta.organization_id, ALICE)
    expect(body.member_id).toBe(body.member.member_id)
    expectMemberSession(body.member_session, {
      memberId: body.member_id,
      organizationId: beta.organization_id,
      slug: 'beta',
      durationMinutes: 60,
    })
    expectEmailOtpFactor(body.member_session, ALICE)
    await c.expectSessionJwt(body.session_jwt, body.member_session)

    c.fails(
      await c.call(E.istExchange, {
        intermediate_session_token: ist,
        organization_id: beta.organization_id,
      }),
      404,
      'intermediate_session_not_found',
    )
  })

  it('JIT-provisions a member by email domain', async () => {
    const { acme } = await c.world()
    const { intermediate_session_token: ist } = await c.discoveryIst(JOINER)
    const body = await c.ok(E.istExchange, {
      intermediate_session_token: ist,
      organization_id: 'acme',
      session_duration_minutes: 30,
      session_custom_claims: { joined: true },
    })
    expect(body.member_authenticated).toBe(true)
    expect(body.member.email_address).toBe(JOINER)
    expect(body.member.status).toBe('active')
    expect(body.member.email_address_verified).toBe(true)
    expect(body.member.organization_id).toBe(acme.organization_id)
    expectMemberSession(body.member_session, {
      memberId: body.member_id,
      organizationId: acme.organization_id,
      slug: 'acme',
      durationMinutes: 30,
    })
    expect(body.member_session.custom_claims).toEqual({ joined: true })
    await c.expectSessionJwt(body.session_jwt, body.member_session)
  })

  it('refuses an organization the email cannot enter', async () => {
    const { acme } = await c.world()
    const { intermediate_session_token: ist } = await c.discoveryIst(STRANGER)
    c.fails(
      await c.call(E.istExchange, {
        intermediate_session_token: ist,
        organization_id: acme.organization_id,
      }),
      [400, 403],
      JIT_REFUSED,
    )
    c.fails(
      await c.call(E.istExchange, {
        intermediate_session_token: ist,
        organization_id: UNKNOWN_ORG,
      }),
      404,
      'organization_not_found',
    )
    c.fails(await c.call(E.istExchange, { intermediate_session_token: ist }), 400, BAD_ORG_ID)
    c.fails(
      await c.call(E.istExchange, { organization_id: acme.organization_id }),
      400,
      BAD_REQUEST,
    )
    c.fails(
      await c.call(E.istExchange, {
        intermediate_session_token: UNKNOWN_IST,
        organization_id: acme.organization_id,
      }),
      404,
      'intermediate_session_not_found',
    )
    c.fails(
      await c.call(E.istExchange, {
        intermediate_session_token: ist,
        organization_id: acme.organization_id,
        session_duration_minutes: 600_000,
      }),
      400,
      BAD_DURATION,
    )
  })
})

describe('POST /v1/b2b/discovery/organizations/create', () => {
  it('creates an organization whose creator is an admin with a session', async () => {
    const { ist, body } = await c.createFounderOrg()
    expect(body.member_authenticated).toBe(true)
    expect(body.intermediate_session_token).toBe('')
    expect(body.organization.organization_id).toMatch(ID_PATTERN('organization'))
    expect(body.organization.organization_name).toBe('Founder Co')
    expect(body.organization.organization_slug).toBe('founder-co')
    // No auth-setting field sent: email_invites defaults to ALL_ALLOWED.
    expect(body.organization.email_invites).toBe('ALL_ALLOWED')
    expect(body.organization.email_jit_provisioning).toBe('NOT_ALLOWED')
    expect(body.member.email_address).toBe(FOUNDER)
    expect(body.member.status).toBe('active')
    expect(body.member.email_address_verified).toBe(true)
    expect(body.member.is_admin).toBe(true)
    const roleIds = body.member.roles.map((r: Wire) => r.role_id)
    expect(roleIds).toEqual(expect.arrayContaining(['stytch_member', 'stytch_admin']))
    expectMemberSession(body.member_session, {
      memberId: body.member_id,
      organizationId: body.organization.organization_id,
      slug: 'founder-co',
      durationMinutes: 60,
    })
    expect(body.member_session.roles).toEqual(
      expect.arrayContaining(['stytch_member', 'stytch_admin']),
    )
    expect(body.member_session.custom_claims).toEqual({ team: 'core' })
    await c.expectSessionJwt(body.session_jwt, body.member_session)
    // The IST is consumed on success: the local server's choice; Stytch does not document it.
    c.fails(
      await c.call(E.discoveryCreate, {
        intermediate_session_token: ist,
        organization_name: 'Again',
      }),
      404,
      'intermediate_session_not_found',
    )
  })

  it('requires MFA when the new organization demands it', async () => {
    const { intermediate_session_token: ist } = await c.discoveryIst('mfa@secure.test')
    const body = await c.ok(E.discoveryCreate, {
      intermediate_session_token: ist,
      organization_name: 'Secure Co',
      organization_slug: 'secure-co',
      mfa_policy: 'REQUIRED_FOR_ALL',
    })
    expect(body.member_authenticated).toBe(false)
    expect(body.session_token).toBe('')
    expect(body.session_jwt).toBe('')
    expect(body.intermediate_session_token).toBe(ist)
    expect(body.member_session ?? null).toBeNull()
    expect(body.mfa_required).not.toBeNull()
    expect(body.mfa_required).toBeDefined()
  })

  it('rejects a taken slug, a consumer domain and bad input', async () => {
    await c.world()
    const { intermediate_session_token: ist } = await c.discoveryIst(STRANGER)
    c.fails(
      await c.call(E.discoveryCreate, {
        intermediate_session_token: ist,
        organization_name: 'Copycat',
        organization_slug: 'acme',
      }),
      400,
      'organization_slug_already_used',
    )
    c.fails(
      await c.call(E.discoveryCreate, {
        intermediate_session_token: ist,
        organization_name: 'Gmail fans',
        email_jit_provisioning: 'RESTRICTED',
        email_allowed_domains: ['gmail.com'],
      }),
      400,
      'organization_settings_domain_too_common',
    )
    c.fails(await c.call(E.discoveryCreate, { organization_name: 'No IST' }), 400, BAD_REQUEST)
    c.fails(
      await c.call(E.discoveryCreate, { intermediate_session_token: ist, organization_name: 5 }),
      400,
      [...BAD_REQUEST, 'invalid_organization_name'],
    )
    c.fails(
      await c.call(E.discoveryCreate, {
        intermediate_session_token: UNKNOWN_IST,
      }),
      404,
      'intermediate_session_not_found',
    )
  })

  it('derives a name and slug from the email when none is given', async () => {
    const { intermediate_session_token: ist } = await c.discoveryIst('owner@derived.test')
    const body = await c.ok(E.discoveryCreate, { intermediate_session_token: ist })
    expect(body.member_authenticated).toBe(true)
    expect(body.organization.organization_name).not.toBe('')
    expect(body.organization.organization_slug).toMatch(/^[A-Za-z0-9._~-]{2,128}$/)
  })
})

describe('JIT by email domain needs a verified member in discovery only', () => {
  it('hides the org from discovery until a member of the domain is verified', async () => {
    const omega = await c.createOrg({
      organization_name: 'Omega',
      organization_slug: 'omega',
      email_jit_provisioning: 'RESTRICTED',
      email_allowed_domains: ['omega.test'],
    })
    // An unverified member of the same domain does not vouch for it.
    await c.ok(E.membersCreate.at('omega'), { email_address: 'first@omega.test' })
    const before = await c.discoveryIst('second@omega.test')
    expect(before.discovered_organizations).toEqual([])
    c.fails(
      await c.call(E.istExchange, {
        intermediate_session_token: before.intermediate_session_token,
        organization_id: omega.organization_id,
      }),
      [400, 403],
      JIT_REFUSED,
    )

    // Org-scoped login_or_signup only needs RESTRICTED + an allowed domain.
    const signup = await c.ok(E.loginOrSignup, {
      organization_id: omega.organization_id,
      email_address: 'second@omega.test',
    })
    expect(signup.member_created).toBe(true)
    await c.ok(E.otpAuthenticate, {
      organization_id: omega.organization_id,
      email_address: 'second@omega.test',
      code: c.latestCode('second@omega.test', 'signup'),
    })

    // Now a verified member shares the domain: a third address may join by discovery.
    const after = await c.discoveryIst('third@omega.test')
    expect(
      after.discovered_organizations.map((d: Wire) => [
        d.organization.organization_id,
        d.membership.type,
        d.membership.member ?? null,
      ]),
    ).toEqual([[omega.organization_id, 'eligible_to_join_by_email_domain', null]])
  })
})

describe('IST lifetime', () => {
  it('expires an IST after 10 minutes', async () => {
    await c.world()
    const { intermediate_session_token: ist } = await c.discoveryIst(ALICE)
    c.clock.advance(10 * MINUTE + 1000)
    c.fails(
      await c.call(E.discoveryList, { intermediate_session_token: ist }),
      404,
      'intermediate_session_not_found',
    )
    c.fails(
      await c.call(E.istExchange, { intermediate_session_token: ist, organization_id: 'acme' }),
      404,
      'intermediate_session_not_found',
    )
  })
})

coverageFloor('discovery')
