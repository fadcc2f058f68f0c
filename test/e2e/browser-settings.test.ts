// Each example (Express, Koa) in Chromium, signed in through the package's pages: the organization settings area (axe-core on each page), read-only to a plain member (a forged POST answers 403 and changes nothing), and an admin changing a role, removing a member, renaming the organization.
import type { Page } from 'playwright-core'
import type { LocalServer } from 'stytch-b2b-middleware/local-server'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { DEMO } from '../../examples/shared/demo.js'
import { callStytch } from '../helpers/local-api.js'
import { type ExampleInChromium, openInChromium, RUN_BROWSER, signInWithEmail } from './chromium.js'
import { EXAMPLES } from './example-stack.js'

const PROMOTED = 'promoted@example.com'
const LEAVING = 'leaving@example.com'
const RENAMED = 'Acme Renamed (demo)'
/** The Stytch routes the settings forms write through. */
const WRITES: readonly [string, string, string] = [
  'PUT /v1/b2b/organizations/{organization_id}/members/{member_id}',
  'DELETE /v1/b2b/organizations/{organization_id}/members/{member_id}',
  'PUT /v1/b2b/organizations/{organization_id}',
]

/** The demo organization's id, through the local server's API. */
async function demoOrganizationId(local: LocalServer): Promise<string> {
  const found = await callStytch(local, 'POST', '/v1/b2b/organizations/search', {
    query: {
      operator: 'AND',
      operands: [{ filter_name: 'organization_slugs', filter_value: [DEMO.organizationSlug] }],
    },
  })
  return found.body.organizations[0].organization_id as string
}

describe.runIf(RUN_BROWSER).each(EXAMPLES)('the $name example in Chromium: settings', (example) => {
  let chromium: ExampleInChromium
  let page: Page
  let base: string
  let organizationId: string

  beforeAll(async () => {
    chromium = await openInChromium(example, async ({ local }) => {
      organizationId = await demoOrganizationId(local)
      for (const email_address of [PROMOTED, LEAVING]) {
        local.seedMember({
          organization_id: organizationId,
          email_address,
          email_address_verified: true,
        })
      }
    })
    ;({ page, base } = chromium)
  }, 60_000)

  afterAll(async () => {
    await chromium?.close()
  })

  /** A member of the demo organization as the local server's API answers it (404: none). */
  const memberByEmail = (email: string) =>
    callStytch(
      chromium.stack.local,
      'GET',
      `/v1/b2b/organizations/${organizationId}/member?email_address=${encodeURIComponent(email)}`,
    )
  const organization = async () =>
    (await callStytch(chromium.stack.local, 'GET', `/v1/b2b/organizations/${organizationId}`)).body
      .organization
  const roleIds = async (email: string): Promise<string[]> =>
    (await memberByEmail(email)).body.member.roles.map((r: { role_id: string }) => r.role_id)

  async function signInTo(email: string): Promise<void> {
    await page.goto(`${base}/auth/sign-in`)
    await signInWithEmail(chromium, email)
    await page.getByRole('button', { name: `Continue: ${DEMO.organizationName}` }).click()
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor()
  }

  async function signOut(): Promise<void> {
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByText('You have been signed out.').waitFor()
  }

  test('a plain member sees read-only pages; a forged POST answers 403 and changes nothing', async () => {
    await signInTo(DEMO.plainMemberEmail)
    await page.getByRole('link', { name: 'Members', exact: true }).click()
    await page.getByRole('heading', { name: `Members of ${DEMO.organizationName}` }).waitFor()
    const members = await page.locator('main').innerText()
    expect(members).toContain('Your role does not allow listing the members')
    expect(members).toContain('Read only')
    expect(await page.getByRole('button', { name: 'Change role' }).count()).toBe(0)
    expect(await page.getByRole('button', { name: 'Remove' }).count()).toBe(0)

    await page.getByRole('link', { name: 'Organization', exact: true }).click()
    await page.getByRole('heading', { name: DEMO.organizationName, exact: true }).waitFor()
    expect(await page.getByLabel('Organization name').isDisabled()).toBe(true)
    expect(await page.getByLabel('MFA policy').isDisabled()).toBe(true)
    expect(await page.getByRole('button', { name: /^Save/ }).count()).toBe(0)
    expect(await chromium.accessibility()).toEqual([])
    await chromium.shot('example-settings-read-only')

    // Forged with the member's own cookies: the guard refuses before Stytch is asked.
    const admin = (await memberByEmail(DEMO.memberEmail)).body.member
    chromium.stack.local.resetRequestCounts()
    const forge = (path: string, form: Record<string, string>) =>
      chromium.context.request.post(`${base}${path}`, { form, maxRedirects: 0 })
    for (const [path, form] of [
      ['/settings/members/remove', { member_id: admin.member_id }],
      ['/settings/members/role', { member_id: admin.member_id, role: 'stytch_member' }],
      ['/settings/organization/name', { organization_name: 'Taken over' }],
      ['/settings/organization/mfa', { mfa: 'REQUIRED_FOR_ALL' }],
    ] as const) {
      const answer = await forge(path, form)
      expect(answer.status(), path).toBe(403)
      expect(answer.headers()['content-type']).toMatch(/^text\/html/)
      expect(await answer.text()).toContain('Your role in this organization does not allow this.')
    }
    // The guard refused: none reached Stytch (which would have refused them too).
    for (const route of WRITES) expect(chromium.stack.local.requestCount(route), route).toBe(0)
    expect(await roleIds(DEMO.memberEmail)).toContain('stytch_admin')
    expect((await memberByEmail(DEMO.memberEmail)).body.member.status).toBe('active')
    expect(await organization()).toMatchObject({
      organization_name: DEMO.organizationName,
      mfa_policy: 'OPTIONAL',
    })
    await signOut()
  }, 60_000)

  test('an admin changes a role, removes a member, renames the organization', async () => {
    await signInTo(DEMO.memberEmail)
    await page.getByRole('link', { name: 'Members', exact: true }).click()
    await page.getByRole('heading', { name: `Members of ${DEMO.organizationName}` }).waitFor()
    const row = (email: string) => page.locator('tbody tr', { hasText: email })
    expect(await row(DEMO.memberEmail).innerText()).toContain('You')
    expect(await row(DEMO.plainMemberEmail).innerText()).toContain('stytch_member')
    expect(await chromium.accessibility()).toEqual([])
    await chromium.shot('example-members')

    chromium.stack.local.resetRequestCounts()
    await row(PROMOTED).getByLabel(`Role of ${PROMOTED}`).selectOption('stytch_admin')
    await row(PROMOTED).getByRole('button', { name: 'Change role' }).click()
    await page.getByText('The role was changed.').waitFor()
    expect(await row(PROMOTED).innerText()).toContain('stytch_admin')
    expect(await roleIds(PROMOTED)).toContain('stytch_admin')

    await row(LEAVING).getByRole('button', { name: 'Remove' }).click()
    await page.getByText('The member was removed.').waitFor()
    expect(await row(LEAVING).count()).toBe(0)
    expect((await memberByEmail(LEAVING)).status).toBe(404)

    await page.getByRole('link', { name: 'Organization', exact: true }).click()
    await page.getByRole('heading', { name: DEMO.organizationName, exact: true }).waitFor()
    await page.getByLabel('Organization name').fill(RENAMED)
    await page.getByRole('button', { name: 'Save name' }).click()
    await page.getByText('The organization was renamed.').waitFor()
    await page.getByRole('heading', { name: RENAMED, exact: true }).waitFor()
    await page.getByLabel('Allowed email domains').fill('example.com, Example.org')
    await page.getByRole('button', { name: 'Save domains' }).click()
    await page.getByText('The allowed email domains were saved.').waitFor()
    expect(await chromium.accessibility()).toEqual([])
    await chromium.shot('example-organization-settings')
    // Each change was one call to Stytch (which checked the admin's session too): a role, a
    // removal, a name and the domains.
    const [memberUpdate, memberDelete, organizationUpdate] = WRITES
    const calls = (route: string) => chromium.stack.local.requestCount(route)
    expect([calls(memberUpdate), calls(memberDelete), calls(organizationUpdate)]).toEqual([1, 1, 2])
    expect(await organization()).toMatchObject({
      organization_name: RENAMED,
      email_allowed_domains: ['example.com', 'example.org'],
    })

    // A bad domain is refused in words, and nothing changes.
    await page.getByLabel('Allowed email domains').fill('not a domain!')
    await page.getByRole('button', { name: 'Save domains' }).click()
    await page.getByRole('alert').waitFor()
    expect(await page.getByRole('alert').innerText()).toContain('Please check what you entered')
    expect((await organization()).email_allowed_domains).toEqual(['example.com', 'example.org'])
    expect(calls(organizationUpdate)).toBe(2)

    await page.goto(`${base}/settings/organization`)
    await page.getByLabel('Email JIT provisioning').selectOption('NOT_ALLOWED')
    await page.getByRole('button', { name: 'Save JIT provisioning' }).click()
    await page.getByText('Email JIT provisioning was saved.').waitFor()
    expect((await organization()).email_jit_provisioning).toBe('NOT_ALLOWED')

    // The admin's cookies on a POST from another site: refused before the guard and Stytch.
    const crossSite = await chromium.context.request.post(`${base}/settings/organization/name`, {
      form: { organization_name: 'Cross-site' },
      headers: { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
      maxRedirects: 0,
    })
    expect(crossSite.status()).toBe(403)
    expect(await crossSite.text()).toContain('This form came from another site')
    expect(calls(organizationUpdate)).toBe(3)
    expect((await organization()).organization_name).toBe(RENAMED)
    await page.goto(`${base}/dashboard`)
    await signOut()
  }, 60_000)
})
