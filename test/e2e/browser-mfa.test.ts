// Each example (Express, Koa) in Chromium: a member of an organization that requires MFA enrols a phone, then an authenticator app, then signs in with a recovery code.
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

  /** Email code, then "Log in" to the MFA organization: the second-step page. */
  async function toSecondStep(): Promise<void> {
    await page.goto(`${base}/login`)
    await signInWithEmail(chromium, DEMO_MFA.memberEmail)
    await page
      .locator('ul.orgs li', { hasText: DEMO_MFA.organizationName })
      .getByRole('button', { name: 'Log in' })
      .click()
    await page.getByRole('heading', { name: 'One more step' }).waitFor()
  }

  async function expectDashboardThenLogOut(): Promise<void> {
    await page.getByRole('heading', { name: DEMO_MFA.organizationName }).waitFor()
    expect(page.url()).toBe(`${base}/dashboard`)
    expect(await page.locator('main').innerText()).toContain(DEMO_MFA.memberEmail)
    await page.getByRole('button', { name: 'Log out' }).click()
    await page.getByText('You have been logged out.').waitFor()
  }

  test('SMS enrolment, authenticator app enrolment, recovery code', async () => {
    // 1. Not enrolled: a phone number, then the texted code.
    await toSecondStep()
    expect(await page.locator('main').innerText()).not.toContain('Recovery code')
    await chromium.shot('8-second-step')
    await page.getByLabel('Mobile phone number').fill(PHONE)
    await page.getByRole('button', { name: 'Text me a code' }).click()
    await page.getByRole('heading', { name: 'Check your phone' }).waitFor()
    expect(await page.locator('main').innerText()).toContain(MASKED_PHONE)
    await chromium.shot('9-sms-code')
    // The development mailbox lists the SMS too; the code is read from the local server's API.
    const texted = await smsCodeFromOutbox(chromium.stack.local, PHONE)
    expect(await mailboxCode(chromium, PHONE)).toBe(texted)
    await page.getByLabel('SMS code').fill(texted === '000000' ? '111111' : '000000')
    await page.getByRole('button', { name: 'Verify' }).click()
    await page.getByRole('alert').waitFor()
    expect(await page.getByRole('alert').innerText()).toContain('That code is not right')
    await page.getByLabel('SMS code').fill(texted)
    await page.getByRole('button', { name: 'Verify' }).click()
    await expectDashboardThenLogOut()

    // 2. Enrolled by SMS (Stytch texted a code already); enrol an authenticator app instead.
    await toSecondStep()
    expect(await page.locator('main').innerText()).toContain(
      `We sent a 6-digit code to ${MASKED_PHONE}.`,
    )
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click()
    await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor()
    // The QR code is a data: image the page's CSP allows, decoded by the browser.
    const qr = page.locator('img.qr')
    expect(await qr.getAttribute('src')).toMatch(/^data:image\//)
    expect(
      await qr.evaluate((img) => (img as { naturalWidth: number }).naturalWidth),
    ).toBeGreaterThan(0)
    await chromium.shot('10-authenticator-app')
    const secret = (await page.locator('#totp_secret').textContent()) ?? ''
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/)
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) })
    // The local server's clock is the stack's test clock, not the wall clock.
    await page
      .getByLabel('Authenticator code')
      .fill(totp.generate({ timestamp: chromium.stack.clock.now() }))
    await page.getByRole('button', { name: 'Verify' }).click()

    // 3. Recovery codes, once, right after enrolment.
    await page.getByRole('heading', { name: 'Save your recovery codes' }).waitFor()
    const codes = await page.locator('ul.recovery-codes li').allInnerTexts()
    expect(codes.length).toBeGreaterThan(0)
    for (const code of codes) expect(code).toMatch(/^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/)
    await chromium.shot('11-recovery-codes')
    await page.getByRole('link', { name: 'I have stored them: continue' }).click()
    await expectDashboardThenLogOut()

    // 4. Sign in with a recovery code.
    await toSecondStep()
    await page.getByLabel('Recovery code').fill(codes[0] ?? '')
    await page.getByRole('button', { name: 'Use recovery code' }).click()
    await expectDashboardThenLogOut()
  }, 60_000)
})
