// Each example (Express, Koa) in Debian's Chromium (JavaScript disabled): the whole flow, the cookies the browser stored, screenshots.
import { existsSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { DEMO } from '../../examples/shared/demo.js'
import { seedOrganization } from '../helpers/stack.js'
import { EXAMPLES, type ExampleStack, startExample } from './example-stack.js'

const CHROMIUM = '/usr/bin/chromium'
const HAS_CHROMIUM = existsSync(CHROMIUM)
// Locally a missing Chromium skips; in CI (.ci/run installs it) it must fail.
const RUN = HAS_CHROMIUM || Boolean(process.env.CI)
// docs/screenshots come from the Express run only: the Koa pages are the same HTML.
const UPDATE_SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1'
const SCREENSHOT_DIR = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
const ADA = 'ada@example.com'
const WAIT_MS = 10_000

describe.runIf(RUN).each(EXAMPLES)('the $name example in Chromium', (example) => {
  const SCREENSHOTS = UPDATE_SCREENSHOTS && example.name === 'Express'
  let stack: ExampleStack | undefined
  let server: Server | undefined
  let browser: Browser | undefined
  let context: BrowserContext
  let page: Page
  let base: string

  beforeAll(async () => {
    if (!HAS_CHROMIUM) throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium`)
    stack = await startExample(example)
    await seedOrganization(stack.local, 'globex', ADA, { organization_name: 'Globex' })
    const listening = createServer(stack.app).listen(0, '127.0.0.1')
    server = listening
    await new Promise<void>((resolve, reject) => {
      listening.once('listening', resolve)
      listening.once('error', reject)
    })
    base = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 30_000,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    })
    // No JavaScript: the example is forms and links only.
    context = await browser.newContext({
      viewport: { width: 900, height: 650 },
      javaScriptEnabled: false,
    })
    context.setDefaultTimeout(WAIT_MS)
    context.setDefaultNavigationTimeout(WAIT_MS)
    page = await context.newPage()
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    if (server) {
      const closing = server
      await new Promise<void>((resolve) => {
        closing.close(() => resolve())
        closing.closeAllConnections()
      })
    }
    await stack?.close()
  })

  async function shot(name: string): Promise<void> {
    if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png` })
  }

  /** Opens the development mailbox in a second tab and reads the newest code for `email`. */
  async function codeFromMailbox(email: string, screenshot?: string): Promise<string> {
    const mailbox = await context.newPage()
    try {
      await mailbox.goto(`${base}/dev/mailbox`)
      await expect.poll(() => mailbox.title()).toContain('Development mailbox')
      const code = await mailbox
        .locator('tbody tr', { hasText: email })
        .first()
        .locator('.code-value')
        .textContent()
      if (screenshot && SCREENSHOTS) {
        await mailbox.screenshot({ path: `${SCREENSHOT_DIR}${screenshot}.png` })
      }
      expect(code).toMatch(/^\d{6}$/)
      return code as string
    } finally {
      await mailbox.close()
    }
  }

  async function signInByEmail(email: string, screenshots = false): Promise<void> {
    await page.getByLabel('Work email').fill(email)
    await page.getByRole('button', { name: 'Email me a code' }).click()
    await page.getByRole('heading', { name: 'Check your email' }).waitFor()
    if (screenshots) await shot('2-enter-code')
    const code = await codeFromMailbox(email, screenshots ? '3-dev-mailbox' : undefined)
    await page.getByLabel('Code').fill(code)
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.getByRole('heading', { name: 'Choose an organization' }).waitFor()
  }

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
