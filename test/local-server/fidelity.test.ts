// Behaviour the local server shares with Stytch where it used to differ (@see issue 14): which OTP
// stays valid, common email domains, error_details of JIT refusals, the documented error_url.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  createOrganization,
  discoveryIst,
  type Harness,
  P,
  sendDiscoveryOtp,
  sendOrgOtp,
  startHarness,
} from './fixtures.js'

let h: Harness
let orgA: string
let orgB: string
const ALICE = 'alice@acme.io'

beforeEach(async () => {
  h = await startHarness()
  orgA = (await createOrganization(h, { organization_name: 'A', organization_slug: 'org-a' }))
    .organization_id
  orgB = (await createOrganization(h, { organization_name: 'B', organization_slug: 'org-b' }))
    .organization_id
  h.local.seedMember({ organization_id: orgA, email_address: ALICE })
  h.local.seedMember({ organization_id: orgB, email_address: ALICE })
})
afterEach(async () => {
  await h.local.close()
})

const authenticate = (organizationId: string, code: string, email = ALICE) =>
  h.post(P.otpAuthenticate, { organization_id: organizationId, email_address: email, code })

// https://stytch.com/docs/b2b/api/send-login-signup-email-otp: "when an OTP is sent, all OTPs
// previously sent to the same email address are invalidated, even if unused or unexpired".
describe('a send invalidates every earlier code to the address', () => {
  it('an org-A code is refused after a later org-B send', async () => {
    const codeA = await sendOrgOtp(h, orgA, ALICE)
    const codeB = await sendOrgOtp(h, orgB, ALICE)
    const refused = await authenticate(orgA, codeA)
    expect(refused.status).toBe(404)
    expect(refused.body.error_type).toBe('otp_code_not_found')
    expect((await authenticate(orgB, codeB)).status).toBe(200)
  })

  it('an org-A code is refused after a later discovery send', async () => {
    const codeA = await sendOrgOtp(h, orgA, ALICE)
    await sendDiscoveryOtp(h, ALICE)
    const refused = await authenticate(orgA, codeA)
    expect(refused.status).toBe(404)
    expect(refused.body.error_type).toBe('otp_code_not_found')
  })

  it('a discovery code is refused after a later org send', async () => {
    const discoveryCode = await sendDiscoveryOtp(h, ALICE)
    await sendOrgOtp(h, orgB, ALICE)
    const refused = await h.post(P.discoveryAuthenticate, {
      email_address: ALICE,
      code: discoveryCode,
    })
    expect(refused.status).toBe(404)
    expect(refused.body.error_type).toBe('otp_code_not_found')
  })

  it('the address is compared case-insensitively', async () => {
    const codeA = await sendOrgOtp(h, orgA, ALICE)
    await sendOrgOtp(h, orgB, 'ALICE@Acme.IO')
    expect((await authenticate(orgA, codeA)).body.error_type).toBe('otp_code_not_found')
    const codeA2 = await sendOrgOtp(h, orgA, 'Alice@ACME.io')
    await h.post(P.discoverySend, { email_address: 'alice@ACME.IO' })
    expect((await authenticate(orgA, codeA2, 'alice@acme.io')).body.error_type).toBe(
      'otp_code_not_found',
    )
  })

  it('a send to another address leaves the code valid', async () => {
    h.local.seedMember({ organization_id: orgB, email_address: 'bob@acme.io' })
    const codeA = await sendOrgOtp(h, orgA, ALICE)
    await sendOrgOtp(h, orgB, 'bob@acme.io')
    await sendDiscoveryOtp(h, 'alice@other.io')
    expect((await authenticate(orgA, codeA)).status).toBe(200)
  })
})

// https://stytch.com/docs/multi-tenant-auth/enterprise-ready/org-management/jit-provision-members
describe('email_allowed_domains refuses common providers under any TLD', () => {
  it.each([
    'gmail.com',
    'comcast.net',
    'yahoo.co.uk',
    'hotmail.fr',
    'verizon.net',
    'uol.com.br',
    'GMX.DE',
    'libero.it',
  ])('refuses %s with 400 organization_settings_domain_too_common', async (domain) => {
    const res = await h.post(P.orgCreate, {
      organization_name: 'Consumer',
      email_allowed_domains: [domain],
    })
    expect(res.status).toBe(400)
    expect(res.body.error_type).toBe('organization_settings_domain_too_common')
  })

  it.each(['proton.me', 'zoho.com', 'mail.corp.com', 'gmailer.com', 'acme.me'])(
    'accepts %s',
    async (domain) => {
      const res = await h.post(P.orgCreate, {
        organization_name: 'Business',
        email_allowed_domains: [domain],
      })
      expect(res.status).toBe(200)
      expect(res.body.organization.email_allowed_domains).toEqual([domain])
    },
  )

  it('discovery organization create applies the same rule', async () => {
    const ist = (await discoveryIst(h, 'founder@newco.io')).body.intermediate_session_token
    const res = await h.post(P.discoveryCreate, {
      intermediate_session_token: ist,
      organization_name: 'NewCo',
      email_allowed_domains: ['outlook.de'],
    })
    expect(res.status).toBe(400)
    expect(res.body.error_type).toBe('organization_settings_domain_too_common')
  })
})

describe('invalid_email_for_jit_provisioning carries error_details', () => {
  it('login_or_signup outside the allowed domains names the organization and domain', async () => {
    const jit = await createOrganization(h, {
      organization_name: 'JIT',
      email_jit_provisioning: 'RESTRICTED',
      email_allowed_domains: ['acme.io'],
    })
    const res = await h.post(P.loginOrSignup, {
      organization_id: jit.organization_id,
      email_address: 'eve@Evil.Test',
    })
    expect(res.status).toBe(403)
    expect(res.body).toMatchObject({
      error_type: 'invalid_email_for_jit_provisioning',
      error_details: { organization_id: jit.organization_id, email_domain: 'evil.test' },
    })
    expect(JSON.stringify(res.body.error_details)).not.toContain('acme.io')
    expect(h.local.outbox.latest('eve@Evil.Test')).toBeUndefined()
  })

  it('other errors carry no error_details', async () => {
    const res = await h.call('GET', P.org('no-such-org'))
    expect(res.status).toBe(404)
    expect(res.body).not.toHaveProperty('error_details')
  })
})

// https://stytch.com/docs/api-reference/b2b/api/errors/400: every example's error_url.
it('error_url points to the B2B error page of the status, anchored at the type', async () => {
  const res = await h.call('GET', P.org('no-such-org'))
  expect(res.body.error_url).toBe(
    'https://stytch.com/docs/api-reference/b2b/api/errors/404#organization_not_found',
  )
})
