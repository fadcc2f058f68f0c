// Each example (Express, Koa) in Chromium, through the package's pages: a member of an organization that requires MFA enrols a phone, then an authenticator app, then signs in with a recovery code.
import * as OTPAuth from 'otpauth'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { DEMO_MFA } from '../../examples/shared/demo.js'
import {
  type ExampleInChromium,
  mailboxCode,
  openInChromium,
  RUN_BROWSER,
  signInWithEmail,
} from './chromium.js'
import { EXAMPLES, smsCodeFromOutbox } from './example-stack.js'

const PHONE = '+15555550123'
const MASKED_PHONE = '+*******0123'

describe.runIf(RUN_BROWSER).each(EXAMPLES)('the $name example in Chromium: MFA', (example) => {
  let chromium: ExampleInChromium
  let page: Page
  let base: string

  beforeAll(async () => {
    chromium = await openInChromium(example)
    ;({ page, base } = chromium)
  }, 60_000)

  afterAll(async () => {
    await chromium?.close()
  })

  /** Email code, then the MFA organization: the pages' second step (`heading` shows first). */
  async function toSecondStep(heading: string): Promise<void> {
    await page.goto(`${base}/auth/sign-in`)
    await signInWithEmail(chromium, DEMO_MFA.memberEmail)
    await page.getByRole('button', { name: `Continue: ${DEMO_MFA.organizationName}` }).click()
    await page.getByRole('heading', { name: heading }).waitFor()
  }

  async function expectDashboardThenSignOut(): Promise<void> {
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor()
    expect(page.url()).toBe(`${base}/dashboard`)
    expect(await page.locator('main').innerText()).toContain(DEMO_MFA.memberEmail)
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByText('You have been signed out.').waitFor()
  }

  test('SMS enrolment, authenticator app enrolment, recovery code', async () => {
    // 1. Not enrolled: a phone number, then the texted code.
    await toSecondStep('One more step')
    expect(await page.locator('main').innerText()).not.toContain('Use a recovery code')
    await page.getByLabel('Mobile phone number').fill(PHONE)
    await page.getByRole('button', { name: 'Text me a code' }).click()
    await page.getByRole('heading', { name: 'Check your phone' }).waitFor()
    expect(await page.locator('main').innerText()).toContain(MASKED_PHONE)
    // The development mailbox lists the SMS too; the code is checked against the local server's API.
    const texted = await smsCodeFromOutbox(chromium.stack.local, PHONE)
    expect(await mailboxCode(chromium, PHONE)).toBe(texted)
    await page
      .getByLabel('Code from the text message')
      .fill(texted === '000000' ? '111111' : '000000')
    await page.getByRole('button', { name: 'Verify' }).click()
    await page.getByRole('alert').waitFor()
    expect(await page.getByRole('alert').innerText()).toContain('That code is not right')
    await page.getByLabel('Code from the text message').fill(texted)
    await page.getByRole('button', { name: 'Verify' }).click()
    await expectDashboardThenSignOut()

    // 2. Enrolled by SMS (Stytch texted a code already); enrol an authenticator app instead.
    await toSecondStep('Check your phone')
    expect(await page.locator('main').innerText()).toContain(MASKED_PHONE)
    await page.getByRole('link', { name: 'Use another method' }).click()
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click()
    await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor()
    // The QR code is a data: image the pages' CSP allows, decoded by the browser.
    const qr = page.getByRole('img', { name: 'QR code for your authenticator app' })
    expect(await qr.getAttribute('src')).toMatch(/^data:image\//)
    expect(
      await qr.evaluate((img) => (img as { naturalWidth: number }).naturalWidth),
    ).toBeGreaterThan(0)
    const secret = (await page.locator('main p > code').textContent()) ?? ''
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/)
    // 3. The recovery codes, shown once, on the same page.
    const codes = await page.locator('main ul li code').allInnerTexts()
    expect(codes.length).toBeGreaterThan(0)
    for (const code of codes) expect(code).toMatch(/^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/)
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) })
    // The local server's clock is the stack's test clock, not the wall clock.
    await page
      .getByLabel('Authenticator code')
      .fill(totp.generate({ timestamp: chromium.stack.clock.now() }))
    await page.getByRole('button', { name: 'Verify' }).click()
    await expectDashboardThenSignOut()

    // 4. Both enrolled: a choice of methods; sign in with a recovery code.
    await toSecondStep('One more step')
    expect(await page.locator('main').innerText()).toContain(
      'Enter a code from your authenticator app',
    )
    await page.getByRole('link', { name: 'Use a recovery code' }).click()
    await page.getByLabel('Recovery code').fill(codes[0] ?? '')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expectDashboardThenSignOut()
  }, 60_000)
})
