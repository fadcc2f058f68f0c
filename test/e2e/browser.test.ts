// Each example (Express, Koa) in Debian's Chromium (JavaScript disabled), signing in through the package's pages: the whole flow, the cookies the browser stored, axe-core on the example's pages, screenshots.
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { DEMO } from '../../examples/shared/demo.js'
import { seedOrganization } from '../helpers/stack.js'
import {
  type ExampleInChromium,
  mailboxCode,
  openInChromium,
  RUN_BROWSER,
  signInWithEmail,
} from './chromium.js'
import { EXAMPLES } from './example-stack.js'

const ADA = 'ada@example.com'

describe.runIf(RUN_BROWSER).each(EXAMPLES)('the $name example in Chromium', (example) => {
  let chromium: ExampleInChromium | undefined
  let context: BrowserContext
  let page: Page
  let base: string

  beforeAll(async () => {
    chromium = await openInChromium(example, (stack) =>
      seedOrganization(stack.local, 'globex', ADA, { organization_name: 'Globex' }),
    )
    ;({ context, page, base } = chromium)
  }, 60_000)

  afterAll(async () => {
    await chromium?.close()
  })

  const shot = (name: string) => chromium?.shot(name) ?? Promise.resolve()
  const signInByEmail = (email: string) => signInWithEmail(chromium as ExampleInChromium, email)

  async function stytchCookies() {
    const cookies = await context.cookies()
    return cookies
      .filter((c) => c.name.startsWith('stytch_'))
      .sort((a, b) => (a.name < b.name ? -1 : 1))
  }

  async function signOut(): Promise<void> {
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByText('You have been signed out.').waitFor()
    expect(page.url()).toBe(`${base}/auth/sign-in`)
  }

  test('sign in, choose, dashboard, switch, create, sign out', async () => {
    // Signed out, the dashboard sends the browser to the pages' sign-in, in the demo's theme.
    await page.goto(`${base}/dashboard`)
    expect(page.url()).toBe(`${base}/auth/sign-in?return_to=%2Fdashboard`)
    expect(await page.title()).toBe('Sign in · Acme demo')
    await expect.poll(() => page.locator('main').innerText()).toContain('anything@example.com')
    const primary = await page.evaluate(
      "getComputedStyle(document.querySelector('main button')).backgroundColor",
    )
    expect(primary).toBe('rgb(15, 107, 99)')
    await shot('example-sign-in')

    await signInByEmail(ADA)
    const flow = await stytchCookies()
    expect(flow.map((c) => c.name)).toEqual(['stytch_intermediate_session', 'stytch_pages_flow'])
    expect(flow[0]).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', secure: false })
    expect(flow[1]).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/auth', secure: false })

    const row = (name: string) => page.locator('main li', { hasText: name })
    expect(await row(DEMO.organizationName).innerText()).toContain(
      'You can join with your email domain',
    )
    expect(await row('Globex').innerText()).toContain('You are a member')

    // Join the demo organization: back to the page asked for at first.
    await page.getByRole('button', { name: `Join: ${DEMO.organizationName}` }).click()
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor()
    expect(page.url()).toBe(`${base}/dashboard`)
    const main = await page.locator('main').innerText()
    expect(main).toContain(ADA)
    expect(main).toContain(DEMO.organizationSlug)
    expect(main).toContain('stytch_member')
    expect(main).toMatch(/Session ends\s+\w{3}, \d{2} \w{3} \d{4} [\d:]{8} GMT \(in 60 minutes\)/)
    expect(await chromium?.accessibility()).toEqual([])
    await shot('example-dashboard')

    const nowSeconds = Date.now() / 1000
    const sessionCookies = (await stytchCookies()).filter((c) =>
      c.name.startsWith('stytch_session'),
    )
    expect(sessionCookies.map((c) => c.name)).toEqual(['stytch_session', 'stytch_session_jwt'])
    for (const cookie of sessionCookies) {
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', secure: false })
      expect(cookie.domain).toBe('127.0.0.1')
      // Max-Age=3600 from the server's clock, which is frozen at the start of the test.
      expect(cookie.expires).toBeGreaterThan(nowSeconds + 3300)
      expect(cookie.expires).toBeLessThan(nowSeconds + 3660)
    }

    // Switch to Globex from the header's link.
    await page.getByRole('link', { name: 'Switch organization' }).click()
    await page.getByRole('heading', { name: 'Switch organization' }).waitFor()
    await page.getByRole('button', { name: 'Switch: Globex' }).click()
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor()
    expect(await page.locator('main').innerText()).toContain('globex')

    // Create an organization (discovery again, then the create form).
    await page.goto(`${base}/auth/sign-in`)
    await signInByEmail(ADA)
    await page.getByLabel('Organization name').fill('Hopper Labs')
    await page.getByLabel('Short name (optional)').fill('hopper-labs')
    await page.getByRole('button', { name: 'Create organization' }).click()
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor()
    expect(await page.locator('main').innerText()).toContain('stytch_admin')

    // Sign out from the header: the session cookies gone, the dashboard asks to sign in again.
    await signOut()
    expect((await stytchCookies()).map((c) => c.name)).not.toContain('stytch_session')
    await page.goto(`${base}/dashboard`)
    expect(page.url()).toBe(`${base}/auth/sign-in?return_to=%2Fdashboard`)
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
  }, 60_000)

  test('a wrong code in words, then the right one', async () => {
    await page.goto(`${base}/auth/sign-in`)
    await page.getByLabel('Work email').fill(ADA)
    await page.getByRole('button', { name: 'Email me a code' }).click()
    await page.getByRole('heading', { name: 'Check your email' }).waitFor()
    const code = await mailboxCode(chromium as ExampleInChromium, ADA)

    await page.getByLabel('Code').fill(code === '000000' ? '111111' : '000000')
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.getByRole('alert').waitFor()
    expect(await page.getByRole('alert').innerText()).toContain('That code is not right')

    await page.getByLabel('Code').fill(code)
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.getByRole('button', { name: 'Continue: Globex' }).click()
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor()
    expect(page.url()).toBe(`${base}/dashboard`)
    await signOut()
  }, 60_000)
})
