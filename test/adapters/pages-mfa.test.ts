// The drop-in pages' second step on both frameworks: SMS (enrolling a phone), authenticator app (enrolment with QR code and recovery codes shown once), recovery code.
import * as OTPAuth from 'otpauth'
import { describe, expect, test } from 'vitest'
import { seedMfaOrganization } from '../core/features/mfa/kit.js'
import { setCookiesOf } from '../helpers/cookies.js'
import {
  organizationIdOf,
  PAGE_HEADERS,
  type PageClient,
  pageClient,
  throughCode,
} from '../helpers/pages.js'
import { ADAPTERS, latestCode, type Stack, useStack } from '../helpers/stack.js'

const PHONE = '+15555554567'

/** Email, code, then the MFA organization: the client lands on `expected`. */
async function toSecondStep(stack: Stack, client: PageClient, expected: string) {
  const organizations = await throughCode(stack, client, 'ada@acme.test', '/protected')
  const entered = await client.post('/auth/sign-in/organizations', {
    organization_id: organizationIdOf(organizations.text, 'acme Inc'),
  })
  expect(entered.headers.location).toBe(expected)
  expect(setCookiesOf(entered).map((line) => line.split('=')[0])).toEqual([
    'stytch_intermediate_session',
    'stytch_pages_flow',
  ])
}

function totpNow(stack: Stack, secret: string): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({
    timestamp: stack.clock.now(),
  })
}

describe.each(ADAPTERS)('$name', (adapter) => {
  const stack = useStack(adapter, { pages: true })

  test('SMS: a member without a phone enters one (a bad number comes back marked), gets a code and lands on return_to', async () => {
    await seedMfaOrganization(stack)
    const client = pageClient(stack.app)
    await toSecondStep(stack, client, '/auth/sign-in/mfa')
    const choose = await client.get('/auth/sign-in/mfa')
    expect(choose.headers).toMatchObject(PAGE_HEADERS)
    expect(choose.text).toContain('<h1>One more step</h1>')
    expect(choose.text).toContain('type="tel" value="" required autocomplete="tel"')

    const bad = await client.post('/auth/sign-in/mfa/sms/send', { mfa_phone_number: '555-1234' })
    expect(bad.headers.location).toBe('/auth/sign-in/mfa')
    const again = await client.get('/auth/sign-in/mfa')
    expect(again.text).toContain('Enter the number in international format')
    expect(again.text).toContain('type="tel" value="555-1234" required autocomplete="tel"')
    expect(again.text).toContain('aria-invalid="true"')

    const sent = await client.post('/auth/sign-in/mfa/sms/send', { mfa_phone_number: PHONE })
    expect(sent.headers.location).toBe('/auth/sign-in/mfa/sms')
    const smsPage = await client.get('/auth/sign-in/mfa/sms')
    expect(smsPage.text).toContain('We sent a 6-digit code to +*******4567.')
    expect(smsPage.text).not.toContain(PHONE)
    const code = latestCode(stack.local, PHONE)
    await client.post('/auth/sign-in/mfa/sms', { code: code === '000000' ? '111111' : '000000' })
    expect((await client.get('/auth/sign-in/mfa/sms')).text).toContain('That code is not right.')
    const done = await client.post('/auth/sign-in/mfa/sms', { code })
    expect(done.headers.location).toBe('/protected')
    expect((await client.get('/protected')).status).toBe(200)
  })

  test('authenticator app: enrolment shows the QR code, key and recovery codes once; later a recovery code signs in', async () => {
    await seedMfaOrganization(stack)
    const client = pageClient(stack.app)
    await toSecondStep(stack, client, '/auth/sign-in/mfa')
    expect((await client.get('/auth/sign-in/mfa')).text).toContain(
      '<form method="post" action="/auth/sign-in/mfa/totp/new">',
    )
    // The one POST answered with a page: its secret is never stored to show it after a redirect.
    const enrol = await client.post('/auth/sign-in/mfa/totp/new', {}, { status: 200 })
    expect(enrol.headers).toMatchObject(PAGE_HEADERS)
    expect(enrol.text).toMatch(
      /<img class="sb-qr" src="data:image\/png;base64,[A-Za-z0-9+/=]+" alt="QR code for your authenticator app"/,
    )
    const secret = enrol.text.match(/<p><code>([A-Z2-7]+)<\/code><\/p>/)?.[1] ?? ''
    const recoveryCodes = [...enrol.text.matchAll(/<li><code>([a-z0-9-]{14})<\/code><\/li>/g)].map(
      (match) => match[1] as string,
    )
    expect(secret).not.toBe('')
    expect(recoveryCodes.length).toBeGreaterThan(0)
    expect(setCookiesOf(enrol)).toEqual([])

    const done = await client.post('/auth/sign-in/mfa/totp', { code: totpNow(stack, secret) })
    expect(done.headers.location).toBe('/protected')
    await client.post('/auth/sign-out', {})

    // Signing in again: the app is registered, so its code or a recovery code.
    await toSecondStep(stack, client, '/auth/sign-in/mfa')
    const choose = await client.get('/auth/sign-in/mfa')
    expect(choose.text).toContain('<a href="/auth/sign-in/mfa/totp">')
    expect(choose.text).toContain('<a href="/auth/sign-in/mfa/recovery">')
    expect(choose.text).not.toContain(secret)
    await client.post('/auth/sign-in/mfa/recovery', { recovery_code: 'aaaa-bbbb-cccc' })
    const wrong = await client.get('/auth/sign-in/mfa/recovery')
    expect(wrong.text).toContain('role="alert"')
    expect(wrong.text).toContain('name="recovery_code" type="text" value=""')
    const recovered = await client.post('/auth/sign-in/mfa/recovery', {
      recovery_code: ` ${(recoveryCodes[0] as string).toUpperCase()} `,
    })
    expect(recovered.headers.location).toBe('/protected')
    expect((await client.get('/protected')).status).toBe(200)
  })

  test('a second-step page without a flow starts over, saying why', async () => {
    const client = pageClient(stack.app)
    const lost = await client.get('/auth/sign-in/mfa/totp')
    expect(lost.headers.location).toBe('/auth/sign-in')
    expect((await client.get('/auth/sign-in')).text).toContain(
      'Your sign-in was interrupted or took too long. Please start again.',
    )
  })
})
