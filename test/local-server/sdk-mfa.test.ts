// The official `stytch` SDK's MFA calls, unchanged, against the local server: SMS codes, TOTP
// (codes computed with otpauth from the returned secret) and recovery codes, with the attacks.

import { Secret, TOTP } from 'otpauth'
import { B2BClient, StytchError } from 'stytch'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startLocalServer } from '../../src/local-server/index.js'
import { createTestClock } from '../helpers/clock.js'
import { decodeJwt } from '../helpers/schemas.js'
import { keyedMemoryStore } from '../helpers/signing-keys.js'

const ALICE = 'alice@mfa.test'
const BOB = 'bob@mfa.test'
const PHONE = '+15555550123'

// Start on a 30 s step boundary plus 1 s, so the clock's moves below land on known steps.
let clock = createTestClock()
let local: Awaited<ReturnType<typeof startLocalServer>>
let client: B2BClient

beforeEach(async () => {
  clock = createTestClock(Math.floor(Date.now() / 30_000) * 30_000 + 1000)
  local = await startLocalServer({
    port: 0,
    host: '127.0.0.1',
    now: clock.now,
    store: await keyedMemoryStore(),
  })
  client = new B2BClient({
    project_id: local.projectId,
    secret: local.secret,
    env: `${local.url}/`,
  })
})

afterEach(async () => {
  await local?.close()
})

/** The Stytch error a call fails with: [status, error_type]. */
async function failure(call: Promise<unknown>): Promise<[number, string]> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(StytchError)
  const e = error as StytchError
  return [e.status_code, e.error_type]
}

function latestCode(to: string): string {
  const message = local.outbox.latest(to)
  expect(message?.code).toMatch(/^\d{6}$/)
  return message?.code ?? ''
}

/** An MFA-required organization with Alice and Bob, and an IST for `email` from an org login. */
async function mfaOrg() {
  const { organization } = await client.organizations.create({
    organization_name: 'MFA Co',
    organization_slug: `mfa-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
    mfa_policy: 'REQUIRED_FOR_ALL',
  })
  const orgId = organization.organization_id
  const alice = await client.organizations.members.create({
    organization_id: orgId,
    email_address: ALICE,
  })
  const bob = await client.organizations.members.create({
    organization_id: orgId,
    email_address: BOB,
  })
  return { orgId, aliceId: alice.member.member_id, bobId: bob.member.member_id }
}

async function istFor(orgId: string, email: string) {
  await client.otps.email.loginOrSignup({ organization_id: orgId, email_address: email })
  const res = await client.otps.email.authenticate({
    organization_id: orgId,
    email_address: email,
    code: latestCode(email),
  })
  expect(res.member_authenticated).toBe(false)
  expect(res.session_token).toBe('')
  return res
}

function totpOf(secret: string): TOTP {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' })
}

describe('SMS codes for MFA', () => {
  it('enrols a phone on an IST, signs in with the texted code, records the factor, and consumes the IST', async () => {
    const { orgId, aliceId } = await mfaOrg()
    const ist = await istFor(orgId, ALICE)
    expect(ist.mfa_required).toEqual({ member_options: null, secondary_auth_initiated: null })
    const token = ist.intermediate_session_token

    expect(
      await failure(
        client.otps.sms.send({
          organization_id: orgId,
          member_id: aliceId,
          mfa_phone_number: '5555550123',
          intermediate_session_token: token,
        }),
      ),
    ).toEqual([400, 'invalid_phone_number'])
    const sent = await client.otps.sms.send({
      organization_id: orgId,
      member_id: aliceId,
      mfa_phone_number: PHONE,
      intermediate_session_token: token,
    })
    expect(sent.member.mfa_phone_number).toBe(PHONE)
    expect(sent.member.mfa_phone_number_verified).toBe(false)
    const message = local.outbox.latest(PHONE)
    expect(message?.kind).toBe('sms')
    const listed = await fetch(
      `${local.url}/__local/outbox?phone_number=${encodeURIComponent(PHONE)}`,
    )
    expect(((await listed.json()) as { messages: unknown[] }).messages).toHaveLength(1)

    const code = message?.code ?? ''
    const wrong = code === '000000' ? '111111' : '000000'
    expect(
      await failure(
        client.otps.sms.authenticate({
          organization_id: orgId,
          member_id: aliceId,
          code: wrong,
          intermediate_session_token: token,
        }),
      ),
    ).toEqual([404, 'otp_code_not_found'])
    const res = await client.otps.sms.authenticate({
      organization_id: orgId,
      member_id: aliceId,
      code,
      intermediate_session_token: token,
      set_mfa_enrollment: 'enroll',
    })
    expect(res.session_token).not.toBe('')
    expect(res.member.mfa_phone_number_verified).toBe(true)
    expect(res.member.mfa_enrolled).toBe(true)
    const types = res.member_session?.authentication_factors.map((f) => [f.type, f.delivery_method])
    expect(types).toEqual([
      ['email_otp', 'email'],
      ['otp', 'sms'],
    ])
    const claim = decodeJwt(res.session_jwt).payload['https://stytch.com/session'] as {
      authentication_factors: Array<{ type: string }>
    }
    expect(claim.authentication_factors.map((f) => f.type)).toEqual(['email_otp', 'otp'])

    // The IST is spent, and the code is single use.
    await client.otps.sms.send({ organization_id: orgId, member_id: aliceId })
    expect(
      await failure(
        client.otps.sms.authenticate({
          organization_id: orgId,
          member_id: aliceId,
          code: latestCode(PHONE),
          intermediate_session_token: token,
        }),
      ),
    ).toEqual([404, 'intermediate_session_not_found'])
  })

  it('texts a code at once on the next login of a member with a verified phone', async () => {
    const { orgId, aliceId } = await mfaOrg()
    const first = await istFor(orgId, ALICE)
    await client.otps.sms.send({
      organization_id: orgId,
      member_id: aliceId,
      mfa_phone_number: PHONE,
      intermediate_session_token: first.intermediate_session_token,
    })
    await client.otps.sms.authenticate({
      organization_id: orgId,
      member_id: aliceId,
      code: latestCode(PHONE),
      intermediate_session_token: first.intermediate_session_token,
    })
    clock.advance(60_000)
    const again = await istFor(orgId, ALICE)
    expect(again.mfa_required).toEqual({
      member_options: { mfa_phone_number: PHONE, totp_registration_id: '' },
      secondary_auth_initiated: 'sms_otp',
    })
    // A verified number is not replaced by another.
    expect(
      await failure(
        client.otps.sms.send({
          organization_id: orgId,
          member_id: aliceId,
          mfa_phone_number: '+15555550999',
          intermediate_session_token: again.intermediate_session_token,
        }),
      ),
    ).toEqual([400, 'invalid_phone_number_for_member'])
    const res = await client.otps.sms.authenticate({
      organization_id: orgId,
      member_id: aliceId,
      code: latestCode(PHONE),
      intermediate_session_token: again.intermediate_session_token,
    })
    expect(res.member_session?.member_id).toBe(aliceId)
  })

  it("refuses an IST of one member for another member, and a session for someone else's member id", async () => {
    const { orgId, aliceId, bobId } = await mfaOrg()
    const alice = await istFor(orgId, ALICE)
    const token = alice.intermediate_session_token
    expect(
      await failure(
        client.otps.sms.send({
          organization_id: orgId,
          member_id: bobId,
          mfa_phone_number: PHONE,
          intermediate_session_token: token,
        }),
      ),
    ).toEqual([400, 'invalid_intermediate_session_token_for_organization'])
    expect(
      await failure(
        client.totps.create({
          organization_id: orgId,
          member_id: bobId,
          intermediate_session_token: token,
        }),
      ),
    ).toEqual([400, 'invalid_intermediate_session_token_for_organization'])
    await client.otps.sms.send({
      organization_id: orgId,
      member_id: aliceId,
      mfa_phone_number: PHONE,
      intermediate_session_token: token,
    })
    const signedIn = await client.otps.sms.authenticate({
      organization_id: orgId,
      member_id: aliceId,
      code: latestCode(PHONE),
      intermediate_session_token: token,
    })
    expect(
      await failure(
        client.totps.create({
          organization_id: orgId,
          member_id: bobId,
          session_token: signedIn.session_token,
        }),
      ),
    ).toEqual([400, 'session_member_mismatch'])
    expect(
      await failure(
        client.otps.sms.authenticate({
          organization_id: orgId,
          member_id: aliceId,
          code: '123456',
        }),
      ),
    ).toEqual([400, 'no_session_arguments'])
  })

  it('locks the member after 10 wrong codes, whatever the factor, and then refuses the right code', async () => {
    const { orgId, aliceId } = await mfaOrg()
    const { intermediate_session_token: token } = await istFor(orgId, ALICE)
    await client.otps.sms.send({
      organization_id: orgId,
      member_id: aliceId,
      mfa_phone_number: PHONE,
      intermediate_session_token: token,
    })
    const code = latestCode(PHONE)
    const wrong = code === '000000' ? '111111' : '000000'
    const ref = { organization_id: orgId, member_id: aliceId, intermediate_session_token: token }
    for (let i = 0; i < 5; i += 1) {
      expect((await failure(client.otps.sms.authenticate({ ...ref, code: wrong })))[1]).toBe(
        'otp_code_not_found',
      )
    }
    for (let i = 0; i < 5; i += 1) {
      expect(
        (
          await failure(client.recoveryCodes.recover({ ...ref, recovery_code: 'aaaa-bbbb-cccc' }))
        )[1],
      ).toBe('unable_to_authenticate_recovery_code')
    }
    expect(await failure(client.otps.sms.authenticate({ ...ref, code }))).toEqual([
      429,
      'user_lock_limit_reached',
    ])
  })
})

describe('TOTP and recovery codes', () => {
  it('creates a registration, accepts the previous and next step, refuses two steps away and a reused step', async () => {
    const { orgId, aliceId } = await mfaOrg()
    const { intermediate_session_token: token } = await istFor(orgId, ALICE)
    const created = await client.totps.create({
      organization_id: orgId,
      member_id: aliceId,
      intermediate_session_token: token,
    })
    expect(created.secret).toMatch(/^[A-Z2-7]+=*$/)
    expect(created.qr_code).toMatch(/^data:image\/png;base64,iVBORw0KGgo/)
    expect(created.recovery_codes).toHaveLength(10)
    for (const code of created.recovery_codes)
      expect(code).toMatch(/^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/)
    expect(created.totp_registration_id).toMatch(/^member-totp-test-/)
    const totp = totpOf(created.secret)
    const ref = { organization_id: orgId, member_id: aliceId, intermediate_session_token: token }
    const at = (offsetSteps: number) =>
      totp.generate({ timestamp: clock.now() + offsetSteps * 30_000 })

    expect(await failure(client.totps.authenticate({ ...ref, code: at(2) }))).toEqual([
      401,
      'unable_to_authenticate_totp',
    ])
    expect(await failure(client.totps.authenticate({ ...ref, code: at(-2) }))).toEqual([
      401,
      'unable_to_authenticate_totp',
    ])
    // Recovery codes are unusable before the registration is authenticated once.
    expect(
      (
        await failure(
          client.recoveryCodes.recover({ ...ref, recovery_code: created.recovery_codes[0] ?? '' }),
        )
      )[1],
    ).toBe('unable_to_authenticate_recovery_code')
    const res = await client.totps.authenticate({ ...ref, code: at(-1), set_default_mfa: true })
    expect(res.member.totp_registration_id).toBe(created.totp_registration_id)
    expect(res.member.default_mfa_method).toBe('totp')
    expect(res.member_session?.authentication_factors.map((f) => f.delivery_method)).toEqual([
      'email',
      'authenticator_app',
    ])

    // On the session: the same step again is refused, the next one accepted.
    const session = { organization_id: orgId, member_id: aliceId, session_token: res.session_token }
    expect(await failure(client.totps.authenticate({ ...session, code: at(-1) }))).toEqual([
      401,
      'totp_code_already_authenticated',
    ])
    await client.totps.authenticate({ ...session, code: at(1) })
    expect(
      await failure(client.totps.create({ organization_id: orgId, member_id: aliceId })),
    ).toEqual([400, 'active_totp_exists'])
  })

  it('recovers with a code once, then get and rotate show the remaining and new codes', async () => {
    const { orgId, aliceId } = await mfaOrg()
    const first = await istFor(orgId, ALICE)
    const created = await client.totps.create({
      organization_id: orgId,
      member_id: aliceId,
      intermediate_session_token: first.intermediate_session_token,
    })
    await client.totps.authenticate({
      organization_id: orgId,
      member_id: aliceId,
      intermediate_session_token: first.intermediate_session_token,
      code: totpOf(created.secret).generate({ timestamp: clock.now() }),
    })

    const second = await istFor(orgId, ALICE)
    expect(second.mfa_required?.member_options?.totp_registration_id).toBe(
      created.totp_registration_id,
    )
    expect(second.mfa_required?.secondary_auth_initiated).toBeNull()
    const used = created.recovery_codes[3] ?? ''
    const ref = {
      organization_id: orgId,
      member_id: aliceId,
      intermediate_session_token: second.intermediate_session_token,
    }
    const recovered = await client.recoveryCodes.recover({ ...ref, recovery_code: used })
    expect(recovered.recovery_codes_remaining).toBe(9)
    expect(recovered.member_session?.authentication_factors.map((f) => f.type)).toEqual([
      'email_otp',
      'recovery_codes',
    ])

    const third = await istFor(orgId, ALICE)
    expect(
      (
        await failure(
          client.recoveryCodes.recover({
            ...ref,
            intermediate_session_token: third.intermediate_session_token,
            recovery_code: used,
          }),
        )
      )[1],
    ).toBe('unable_to_authenticate_recovery_code')
    const got = await client.recoveryCodes.get({ organization_id: orgId, member_id: aliceId })
    expect(got.recovery_codes).toEqual(created.recovery_codes.filter((c) => c !== used))
    const rotated = await client.recoveryCodes.rotate({
      organization_id: orgId,
      member_id: aliceId,
    })
    expect(rotated.recovery_codes).toHaveLength(10)
    expect(rotated.recovery_codes.some((c) => created.recovery_codes.includes(c))).toBe(false)
    expect(
      (await client.recoveryCodes.get({ organization_id: orgId, member_id: aliceId }))
        .recovery_codes,
    ).toEqual(rotated.recovery_codes)
  })

  it('makes a registration never authenticated unusable after expiration_minutes', async () => {
    const { orgId, aliceId } = await mfaOrg()
    const { intermediate_session_token: token } = await istFor(orgId, ALICE)
    const created = await client.totps.create({
      organization_id: orgId,
      member_id: aliceId,
      intermediate_session_token: token,
      expiration_minutes: 5,
    })
    clock.advance(5 * 60_000)
    const code = totpOf(created.secret).generate({ timestamp: clock.now() })
    expect(
      await failure(
        client.totps.authenticate({
          organization_id: orgId,
          member_id: aliceId,
          intermediate_session_token: token,
          code,
        }),
      ),
    ).toEqual([404, 'totp_not_found'])
  })
})
