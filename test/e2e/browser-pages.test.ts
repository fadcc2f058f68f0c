// The drop-in pages in Chromium at a phone's width: a minimal Express app with `pages: true`, every page checked by axe-core and for horizontal scroll.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import express from 'express'
import * as OTPAuth from 'otpauth'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterEach, describe, expect, test } from 'vitest'
import { requireSession, stytchB2B } from '../../src/express/index.js'
import type { StytchB2BOptions } from '../../src/index.js'
import { type LocalServer, startLocalServer } from '../../src/local-server/index.js'
import { seedOrganization } from '../helpers/stack.js'
import { axeViolations, HAS_CHROMIUM, RUN_BROWSER } from './chromium.js'

const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1'
const SCREENSHOT_DIR = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))

interface Running {
  base: string
  page: Page
  local?: LocalServer
}

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** The three-line app of the README, served on 127.0.0.1:0 and opened in Chromium at 390 px. */
async function openApp(options: StytchB2BOptions): Promise<Running> {
  if (!HAS_CHROMIUM)
    throw new Error("/usr/bin/chromium is missing: CI must install Debian's chromium")
  const app = express()
  const auth = stytchB2B({ pages: true, logger: { info() {}, warn() {} }, ...options })
  app.use(auth)
  app.get('/dashboard', requireSession(), (req, res) => {
    res.send(`Hello ${req.member?.emailAddress}`)
  })
  const server: Server = createServer(app)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
    await auth.auth.close()
  })
  const browser: Browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  })
  cleanups.push(() => browser.close())
  // The pages carry no script (and their CSP forbids one): bypassCSP only lets axe-core in.
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    bypassCSP: true,
  })
  context.setDefaultTimeout(10_000)
  const page = await context.newPage()
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, page }
}

/** axe-core finds nothing, the page has no script of its own, and nothing scrolls sideways. */
async function check(page: Page, name: string): Promise<void> {
  expect(await page.locator('script').count(), name).toBe(0)
  expect(await axeViolations(page), name).toEqual([])
  const overflow = (await page.evaluate(
    'document.documentElement.scrollWidth - document.documentElement.clientWidth',
  )) as number
  expect(overflow, `${name} scrolls sideways`).toBeLessThanOrEqual(0)
  if (SCREENSHOTS)
    await page.screenshot({ path: `${SCREENSHOT_DIR}pages-${name}.png`, fullPage: true })
}

describe.runIf(RUN_BROWSER)('the drop-in pages in Chromium', () => {
  test('sign-in on the embedded server: email, mailbox, code (wrong, then right), create an organization, switch, sign out', async () => {
    const { base, page } = await openApp({ localDataDir: false })
    const response = await page.goto(`${base}/dashboard`)
    expect(page.url()).toBe(`${base}/auth/sign-in?return_to=%2Fdashboard`)
    expect(response?.headers()['content-security-policy']).toContain("default-src 'none'")
    await check(page, 'sign-in')
    await page.getByLabel('Work email').fill('grace@example.com')
    await page.getByRole('button', { name: 'Email me a code' }).click()
    await page.getByRole('heading', { name: 'Check your email' }).waitFor()
    await check(page, 'code')

    const mailbox = await page.context().newPage()
    await mailbox.goto(`${base}/auth/mailbox`)
    await check(mailbox, 'mailbox')
    const code = (await mailbox.locator('tbody tr td code').first().textContent()) ?? ''
    expect(code).toMatch(/^\d{6}$/)
    await mailbox.close()

    await page.getByLabel('Code').fill(code === '000000' ? '111111' : '000000')
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.getByRole('alert').waitFor()
    await expect.poll(() => page.evaluate('document.activeElement.id')).toBe('code')
    await check(page, 'wrong-code')
    await page.getByLabel('Code').fill(code)
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.getByRole('heading', { name: 'Choose an organization' }).waitFor()
    await check(page, 'organizations')
    await page.getByLabel('Organization name').fill('Hopper Labs')
    await page.getByRole('button', { name: 'Create organization' }).click()
    await page.getByText('Hello grace@example.com').waitFor()
    expect(page.url()).toBe(`${base}/dashboard`)

    await page.goto(`${base}/auth/switch-organization`)
    await check(page, 'switch-organization')
    await page.goto(`${base}/auth/sign-out`)
    await check(page, 'sign-out')
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByText('You have been signed out.').waitFor()
    await check(page, 'signed-out')
  })

  test('second step: phone, SMS code, then an authenticator app on the next sign-in', async () => {
    const local = await startLocalServer()
    cleanups.push(() => local.close())
    await seedOrganization(local, 'acme', 'ada@acme.test', { mfa_policy: 'REQUIRED_FOR_ALL' })
    const { base, page } = await openApp({
      projectId: local.projectId,
      secret: local.secret,
      baseUrl: local.url,
    })
    const toSecondStep = async (heading: string) => {
      await page.goto(`${base}/dashboard`)
      await page.getByLabel('Work email').fill('ada@acme.test')
      await page.getByRole('button', { name: 'Email me a code' }).click()
      await page.getByLabel('Code').fill(local.outbox.latest('ada@acme.test')?.code ?? '')
      await page.getByRole('button', { name: 'Continue' }).click()
      await page.getByRole('button', { name: 'Continue: acme Inc' }).click()
      await page.getByRole('heading', { name: heading }).waitFor()
    }
    await toSecondStep('One more step')
    await check(page, 'mfa')
    await page.getByLabel('Mobile phone number').fill('555')
    await page.getByRole('button', { name: 'Text me a code' }).click()
    await page.getByRole('alert').waitFor()
    await check(page, 'mfa-phone-error')
    await page.getByLabel('Mobile phone number').fill('+15555550123')
    await page.getByRole('button', { name: 'Text me a code' }).click()
    await page.getByRole('heading', { name: 'Check your phone' }).waitFor()
    await check(page, 'sms-code')
    await page
      .getByLabel('Code from the text message')
      .fill(local.outbox.latest('+15555550123')?.code ?? '')
    await page.getByRole('button', { name: 'Verify' }).click()
    await page.getByText('Hello ada@acme.test').waitFor()

    await page.goto(`${base}/auth/sign-out`)
    await page.getByRole('button', { name: 'Sign out' }).click()
    // The phone is enrolled now: Stytch texts a code at once, and the other methods are a link away.
    await toSecondStep('Check your phone')
    await page.getByRole('link', { name: 'Use another method' }).click()
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click()
    await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor()
    await check(page, 'authenticator-setup')
    const secret = (await page.locator('p > code').textContent()) ?? ''
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) })
    await page.getByLabel('Authenticator code').fill(totp.generate())
    await page.getByRole('button', { name: 'Verify' }).click()
    await page.getByText('Hello ada@acme.test').waitFor()
  })
})
