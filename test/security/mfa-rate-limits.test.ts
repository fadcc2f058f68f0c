// The per-member limits of the second factor: spent only by what Stytch accepts or refuses on a real credential, never by someone who merely knows a member id.
import { describe, expect, test } from 'vitest'
import {
  enrolTotp,
  firstFactor,
  PHONE,
  postMfa,
  seedMfaOrganization,
  totpCode,
} from '../core/features/mfa/kit.js'
import { ADAPTERS, useStack } from '../helpers/stack.js'

const LIMITS = {
  rateLimits: {
    attemptsPerEmail: { max: 3, windowSeconds: 600 },
    sendsPerEmail: { max: 2, windowSeconds: 600 },
  },
}
const FORGED = 'stytch_intermediate_session=ist-forged-0123456789abcdefghijklmnopqrstuvwxyz'

describe.each(ADAPTERS)('$name', (adapter) => {
  const stack = useStack(adapter, LIMITS)

  test("requests naming a victim's member id without a real credential do not spend its attempts", async () => {
    await seedMfaOrganization(stack)
    const { secret } = await enrolTotp(stack)
    const victim = await firstFactor(stack)
    const ids = { organization_id: victim.organizationId, member_id: victim.memberId }
    for (const cookie of ['', FORGED, '', FORGED, '', FORGED]) {
      const guess = await postMfa(stack, 'totp/authenticate', cookie, { ...ids, code: '000000' })
      expect(guess.status).not.toBe(429)
      expect(guess.body.error.code).toMatch(/^ERR_INTERMEDIATE_SESSION_(MISSING|INVALID)$/)
    }
    stack.clock.advance(30_000) // a fresh TOTP window
    const own = await postMfa(stack, 'totp/authenticate', victim.cookie, {
      ...ids,
      code: totpCode(stack, secret),
    })
    expect(own.status).toBe(200)
    expect(own.body.memberAuthenticated).toBe(true)
  })

  test('wrong codes on a real intermediate session count: past the limit, refused before Stytch', async () => {
    await seedMfaOrganization(stack)
    const { secret } = await enrolTotp(stack)
    const member = await firstFactor(stack)
    const ids = { organization_id: member.organizationId, member_id: member.memberId }
    stack.local.resetRequestCounts()
    stack.clock.advance(30_000)
    const right = totpCode(stack, secret)
    const wrong = right === '000000' ? '111111' : '000000'
    for (let i = 0; i < 3; i++) {
      const guess = await postMfa(stack, 'totp/authenticate', member.cookie, {
        ...ids,
        code: wrong,
      })
      expect(guess.body.error.code).toBe('ERR_OTP_INVALID')
    }
    const limited = await postMfa(stack, 'totp/authenticate', member.cookie, {
      ...ids,
      code: right,
    })
    expect(limited.status).toBe(429)
    expect(limited.body.error.code).toBe('ERR_RATE_LIMITED')
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    expect(limited.headers['set-cookie']).toBeUndefined()
    expect(stack.upstream('POST /v1/b2b/totp/authenticate')).toBe(3)
  })

  test('texts count once sent: a forged send spends nothing, the member gets its own two', async () => {
    await seedMfaOrganization(stack)
    const member = await firstFactor(stack)
    const body = {
      organization_id: member.organizationId,
      member_id: member.memberId,
      mfa_phone_number: PHONE,
    }
    for (let i = 0; i < 4; i++) {
      expect((await postMfa(stack, 'sms/send', FORGED, body)).status).not.toBe(429)
    }
    expect((await postMfa(stack, 'sms/send', member.cookie, body)).status).toBe(200)
    expect((await postMfa(stack, 'sms/send', member.cookie, body)).status).toBe(200)
    const third = await postMfa(stack, 'sms/send', member.cookie, body)
    expect(third.status).toBe(429)
    expect(third.body.error.code).toBe('ERR_RATE_LIMITED')
  })
})
