// Each example (Express, Koa) in Debian's Chromium (JavaScript disabled): the whole flow, the cookies the browser stored, screenshots.
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

  const shot = (name: string, target?: Page) => chromium?.shot(name, target) ?? Promise.resolve()

  const codeFromMailbox = (email: string, screenshot?: string) =>
    mailboxCode(chromium as ExampleInChromium, email, screenshot)
  const signInByEmail = (email: string, screenshots = false) =>
    signInWithEmail(chromium as ExampleInChromium, email, screenshots)

  const row = (name: string) => page.locator('ul.orgs li', { hasText: name })

  async function stytchCookies() {
    const cookies = await context.cookies(base)
    return cookies.filter((c) => c.name.startsWith('stytch_'))
  }

  test('sign in, choose, dashboard, switch, create, log out', async () => {
    // Logged out, the dashboard sends the browser to sign in.
    await page.goto(`${base}/dashboard`)
    expect(page.url()).toBe(`${base}/login?return_to=%2Fdashboard`)
    await expect.poll(() => page.locator('main').innerText()).toContain('anything@example.com')
    await shot('1-sign-in')

    await signInByEmail(ADA, true)
    const istCookies = await stytchCookies()
    expect(istCookies.map((c) => c.name)).toEqual(['stytch_intermediate_session'])
    expect(istCookies[0]).toMatchObject({
      httpOnly: true,
      sameSite: 'Lax',
      path: '/',
      secure: false,
    })
    const nowSeconds = Date.now() / 1000
    expect(istCookies[0]?.expires).toBeGreaterThan(nowSeconds + 540)
    expect(istCookies[0]?.expires).toBeLessThan(nowSeconds + 660)

    expect(await row(DEMO.organizationName).innerText()).toContain(
      'You can join: this organization accepts your email domain',
    )
    expect(await row('Globex').innerText()).toContain('You are a member')
    await shot('4-choose-organization')

    // Join the demo organization: back to the page asked for at first.
    await row(DEMO.organizationName).getByRole('button', { name: 'Join' }).click()
    await page.getByRole('heading', { name: DEMO.organizationName }).waitFor()
    expect(page.url()).toBe(`${base}/dashboard`)
    const main = await page.locator('main').innerText()
    expect(main).toContain(ADA)
    expect(main).toContain('stytch_member')
    expect(main).toMatch(/Session ends\s+\w{3}, \d{2} \w{3} \d{4} [\d:]{8} GMT \(in 60 minutes\)/)
    await shot('5-dashboard')

    const sessionCookies = await stytchCookies()
    expect(sessionCookies.map((c) => c.name).sort()).toEqual([
      'stytch_session',
      'stytch_session_jwt',
    ])
    for (const cookie of sessionCookies) {
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', secure: false })
      expect(cookie.domain).toBe('127.0.0.1')
      // Max-Age=3600 from the server's clock, which is frozen at the start of the test.
      expect(cookie.expires).toBeGreaterThan(nowSeconds + 3300)
      expect(cookie.expires).toBeLessThan(nowSeconds + 3660)
    }

    // Switch to Globex.
    await row('Globex').getByRole('button', { name: 'Switch' }).click()
    await page.getByRole('heading', { name: 'Globex' }).waitFor()
    expect(await page.locator('main').innerText()).toContain('globex')

    // Create an organization (discovery again, then the create form).
    await page.goto(`${base}/login`)
    await signInByEmail(ADA)
    await page.getByLabel('Organization name').fill('Hopper Labs')
    await page.getByLabel(/^Slug/).fill('hopper-labs')
    await page.getByRole('button', { name: 'Create organization' }).click()
    await page.getByRole('heading', { name: 'Hopper Labs' }).waitFor()
    expect(await page.locator('main').innerText()).toContain('stytch_admin')

    // Log out: every cookie gone, and the dashboard asks to sign in again.
    await page.getByRole('button', { name: 'Log out' }).click()
    await page.getByText('You have been logged out.').waitFor()
    expect(page.url()).toBe(`${base}/login?logged_out=1`)
    expect(await stytchCookies()).toEqual([])
    await page.goto(`${base}/dashboard`)
    expect(page.url()).toBe(`${base}/login?return_to=%2Fdashboard`)
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
  }, 60_000)

  test('organization login page, and a wrong code in words', async () => {
    await page.goto(`${base}/org/globex/login`)
    await page.getByRole('heading', { name: 'Sign in to globex' }).waitFor()
    await shot('6-organization-login')
    await page.getByLabel('Work email').fill(ADA)
    await page.getByRole('button', { name: 'Email me a code' }).click()
    await page.getByRole('heading', { name: 'Check your email for globex' }).waitFor()
    const code = await codeFromMailbox(ADA)

    await page.getByLabel('Code').fill(code === '000000' ? '111111' : '000000')
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.getByRole('alert').waitFor()
    expect(await page.getByRole('alert').innerText()).toContain('That code is not right')
    await shot('7-wrong-code')

    await page.getByLabel('Code').fill(code)
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.getByRole('heading', { name: 'Globex' }).waitFor()
    expect(page.url()).toBe(`${base}/dashboard`)
    await page.getByRole('button', { name: 'Log out' }).click()
    await page.getByText('You have been logged out.').waitFor()
  }, 60_000)
})
