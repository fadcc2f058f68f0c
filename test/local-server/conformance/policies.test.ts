// Wire conformance of the local server, MFA and auth-method policies of organizations. Every
// endpoint is called over real HTTP and every body is checked against the Stytch JSON Schemas
// (test/fixtures/stytch-schemas); each test gets a server of its own (see kit.ts).

import { describe, expect, it } from 'vitest'
import {
  ACME_DOMAIN,
  ALICE,
  CAROL,
  conformanceSuite,
  coverageFloor,
  E,
  expectEmailOtpFactor,
  MINUTE,
  show,
  type Wire,
} from './kit.js'

const c = conformanceSuite('policies')

describe('MFA and auth-method policies', () => {
  /** Vault (MFA required for all) and SSO Only (auth methods restricted to SSO), Alice in both. */
  async function policyOrgs(): Promise<{ vault: Wire; ssoOnly: Wire }> {
    const vault = await c.createOrg({
      organization_name: 'Vault',
      organization_slug: 'vault',
      mfa_policy: 'REQUIRED_FOR_ALL',
    })
    const ssoOnly = await c.createOrg({
      organization_name: 'SSO Only',
      organization_slug: 'sso-only',
      auth_methods: 'RESTRICTED',
      allowed_auth_methods: ['sso'],
    })
    for (const org of [vault, ssoOnly]) {
      await c.ok(E.membersCreate.at(org.organization_id), { email_address: ALICE })
    }
    return { vault, ssoOnly }
  }

  it('creates an MFA-required and an SSO-only organization', async () => {
    const { vault, ssoOnly } = await policyOrgs()
    expect(vault.mfa_policy).toBe('REQUIRED_FOR_ALL')
    expect(ssoOnly.auth_methods).toBe('RESTRICTED')
    expect(ssoOnly.allowed_auth_methods).toEqual(['sso'])
  })

  it('org-scoped OTP ends in an IST and mfa_required when MFA is required', async () => {
    const { vault } = await policyOrgs()
    const body = await c.orgLogin(vault.organization_id, ALICE, {
      session_duration_minutes: 90,
      session_custom_claims: { ignored: true },
    })
    expect(body.member_authenticated).toBe(false)
    expect(body.session_token).toBe('')
    expect(body.session_jwt).toBe('')
    expect(body.intermediate_session_token).not.toBe('')
    expect(body.member_session ?? null).toBeNull()
    expect(body.mfa_required).toBeTruthy()
    // Alice has neither a phone nor TOTP.
    expect(body.mfa_required.member_options ?? null).toBeNull()
    expect(body.mfa_required.secondary_auth_initiated ?? null).toBeNull()
    if (body.intermediate_session_token_expires_at != null) {
      expect(Date.parse(body.intermediate_session_token_expires_at)).toBe(
        c.clock.now() + 10 * MINUTE,
      )
    }
    const ist = body.intermediate_session_token

    // An IST from an org-scoped login carries that org as the hint.
    const listed = await c.ok(E.discoveryList, { intermediate_session_token: ist })
    expect(listed.organization_id_hint).toBe(vault.organization_id)

    // Exchanging it still needs MFA: same IST back, not consumed.
    for (let i = 0; i < 2; i += 1) {
      const exchanged = await c.ok(E.istExchange, {
        intermediate_session_token: ist,
        organization_id: vault.organization_id,
      })
      expect(exchanged.member_authenticated).toBe(false)
      expect(exchanged.intermediate_session_token).toBe(ist)
      expect(exchanged.session_token).toBe('')
      expect(exchanged.session_jwt).toBe('')
      expect(exchanged.mfa_required).toBeTruthy()
    }
  })

  it('an MFA-enrolled member also gets mfa_required', async () => {
    const { acme } = await c.world()
    const email = `mfa-user@${ACME_DOMAIN}`
    c.local.seedMember({
      organization_id: acme.organization_id,
      email_address: email,
      mfa_enrolled: true,
    })
    const body = await c.orgLogin(acme.organization_id, email)
    expect(body.member.mfa_enrolled).toBe(true)
    expect(body.member_authenticated).toBe(false)
    expect(body.session_jwt).toBe('')
    expect(body.intermediate_session_token).not.toBe('')
    expect(body.mfa_required).toBeTruthy()
  })

  it('discovery marks what each organization still requires', async () => {
    const { vault, ssoOnly } = await policyOrgs()
    const body = await c.discoveryIst(ALICE)
    const byOrg = new Map<string, Wire>(
      body.discovered_organizations.map((d: Wire) => [d.organization.organization_id, d]),
    )
    const inVault = byOrg.get(vault.organization_id)
    expect(inVault.member_authenticated).toBe(false)
    expect(inVault.mfa_required).toBeTruthy()
    expect(inVault.mfa_required.secondary_auth_initiated ?? null).toBeNull()
    const inSso = byOrg.get(ssoOnly.organization_id)
    expect(inSso.member_authenticated).toBe(false)
    expect(inSso.primary_required).toEqual({ allowed_auth_methods: ['sso'] })

    const exchanged = await c.ok(E.istExchange, {
      intermediate_session_token: body.intermediate_session_token,
      organization_id: ssoOnly.organization_id,
    })
    expect(exchanged.member_authenticated).toBe(false)
    expect(exchanged.intermediate_session_token).toBe(body.intermediate_session_token)
    expect(exchanged.primary_required).toEqual({ allowed_auth_methods: ['sso'] })
    expect(exchanged.session_jwt).toBe('')
  })

  it('refuses email OTP where the organization does not allow it', async () => {
    const { ssoOnly } = await policyOrgs()
    const send = await c.call(E.loginOrSignup, {
      organization_id: ssoOnly.organization_id,
      email_address: ALICE,
    })
    const RESTRICTED = ['operation_restricted_by_organization_auth_methods']
    if (send.status !== 200) {
      c.fails(send, [400, 403], RESTRICTED)
      return
    }
    c.expectOk(send)
    c.fails(
      await c.call(E.otpAuthenticate, {
        organization_id: ssoOnly.organization_id,
        email_address: ALICE,
        code: c.latestCode(ALICE, 'login'),
      }),
      [400, 403],
      RESTRICTED,
    )
  })

  it('session exchange into an MFA organization ends in an IST', async () => {
    const w = await c.world()
    const aliceSession = await c.aliceSession(w)
    const { vault } = await policyOrgs()
    const body = await c.ok(E.sessionsExchange, {
      session_token: aliceSession.token,
      organization_id: 'vault',
    })
    expect(body.member_authenticated).toBe(false)
    expect(body.session_token).toBe('')
    expect(body.session_jwt).toBe('')
    expect(body.intermediate_session_token).not.toBe('')
    expect(body.mfa_required).toBeTruthy()
    expect(body.organization.organization_id).toBe(vault.organization_id)
  })

  it('refuses an org-scoped IST for another organization', async () => {
    const { acme } = await c.world()
    const { vault } = await policyOrgs()
    const vaultLogin = await c.orgLogin(vault.organization_id, ALICE)
    const vaultIst = vaultLogin.intermediate_session_token
    await c.ok(E.loginOrSignup, { organization_id: acme.organization_id, email_address: ALICE })
    c.fails(
      await c.call(E.otpAuthenticate, {
        organization_id: acme.organization_id,
        email_address: ALICE,
        code: c.latestCode(ALICE, 'login'),
        intermediate_session_token: vaultIst,
      }),
      400,
      'invalid_intermediate_session_token_for_organization',
    )
  })

  it('turns a discovery IST passed to org-scoped authenticate into a session, consuming it', async () => {
    const { acme } = await c.world()
    const { intermediate_session_token: ist } = await c.discoveryIst(ALICE)
    const body = await c.orgLogin(acme.organization_id, ALICE, { intermediate_session_token: ist })
    expect(body.member_authenticated).toBe(true)
    expect(body.intermediate_session_token).toBe('')
    expectEmailOtpFactor(body.member_session, ALICE)
    await c.expectSessionJwt(body.session_jwt, body.member_session)
    c.fails(
      await c.call(E.discoveryList, { intermediate_session_token: ist }),
      404,
      'intermediate_session_not_found',
    )
  })

  it("refuses to add a factor to another organization's session", async () => {
    const { acme, beta } = await c.world()
    const betaLogin = await c.orgLogin(beta.organization_id, CAROL)
    await c.ok(E.loginOrSignup, { organization_id: acme.organization_id, email_address: ALICE })
    const res = await c.call(E.otpAuthenticate, {
      organization_id: acme.organization_id,
      email_address: ALICE,
      code: c.latestCode(ALICE, 'login'),
      session_token: betaLogin.session_token,
    })
    // Stytch documents no error type for this case; any 4xx Stytch envelope will do.
    expect([400, 401, 403, 404], show(res)).toContain(res.status)
    c.fails(
      res,
      res.status,
      String(res.body.error_type).match(/^[a-z_]+$/) ? res.body.error_type : [],
    )
  })

  it('adds the OTP factor to a session passed in and extends it', async () => {
    const w = await c.world()
    const { acme } = w
    let aliceSession = await c.aliceSession(w)
    const body = await c.orgLogin(acme.organization_id, ALICE, {
      session_token: aliceSession.token,
      session_duration_minutes: 45,
    })
    expect(body.member_authenticated).toBe(true)
    expect(body.member_session.member_session_id).toBe(aliceSession.session.member_session_id)
    expect(Date.parse(body.member_session.expires_at)).toBe(c.clock.now() + 45 * MINUTE)
    expectEmailOtpFactor(body.member_session, ALICE)
    await c.expectSessionJwt(body.session_jwt, body.member_session)
    aliceSession = { ...aliceSession, jwt: body.session_jwt, session: body.member_session }
  })
})

coverageFloor('policies')
