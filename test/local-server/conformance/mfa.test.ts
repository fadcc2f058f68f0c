// Wire conformance of the local server, second factors: SMS OTP send/authenticate, TOTP
// create/authenticate, recovery codes recover/get/rotate. Bad input of every kind answers a
// Stytch error envelope (validated against the error schema); success bodies carry the SDK's fields.

import { Secret, TOTP } from 'otpauth'
import { describe, expect, it } from 'vitest'
import {
  ALICE,
  BAD_DURATION,
  BAD_REQUEST,
  BOB,
  conformanceSuite,
  coverageFloor,
  E,
  ID_PATTERN,
  UNKNOWN_IST,
  UNKNOWN_MEMBER,
  UNKNOWN_ORG,
  UNKNOWN_SESSION_TOKEN,
  type Wire,
} from './kit.js'

const c = conformanceSuite('mfa')

const M = {
  smsSend: E.smsSend,
  smsAuthenticate: E.smsAuthenticate,
  totpCreate: E.totpCreate,
  totpAuthenticate: E.totpAuthenticate,
  recover: E.recoveryCodesRecover,
  rotate: E.recoveryCodesRotate,
}
const getCodes = (organizationId: string, memberId: string) =>
  E.recoveryCodesGet.at(organizationId, memberId)

/** An MFA-required organization, Alice and Bob, and an IST of Alice from an org login. */
async function setup(): Promise<{ org: Wire; alice: string; bob: string; ist: string }> {
  const org = await c.createOrg({
    organization_name: 'MFA',
    organization_slug: 'mfa',
    mfa_policy: 'REQUIRED_FOR_ALL',
  })
  const member = async (email: string) =>
    (await c.ok(E.membersCreate.at(org.organization_id), { email_address: email }))
      .member_id as string
  const alice = await member(ALICE)
  const bob = await member(BOB)
  await c.ok(E.loginOrSignup, { organization_id: org.organization_id, email_address: ALICE })
  const code = c.local.outbox.latest(ALICE)?.code
  const res = await c.call(E.otpAuthenticate, {
    organization_id: org.organization_id,
    email_address: ALICE,
    code,
  })
  expect(res.body.member_authenticated).toBe(false)
  return { org, alice, bob, ist: res.body.intermediate_session_token as string }
}

describe('MFA endpoints: input validation', () => {
  it('answers each bad send, create, get and rotate with a stable Stytch error', async () => {
    const { org, alice, bob, ist } = await setup()
    const orgId = org.organization_id
    const ref = { organization_id: orgId, member_id: alice }
    for (const endpoint of [M.smsSend, M.totpCreate, M.rotate]) {
      await c.failsEach(endpoint, [
        [{}, 400, BAD_REQUEST],
        [{ organization_id: orgId }, 400, BAD_REQUEST],
        [{ organization_id: 7, member_id: alice }, 400, BAD_REQUEST],
        [{ organization_id: UNKNOWN_ORG, member_id: alice }, 404, 'organization_not_found'],
        [{ organization_id: orgId, member_id: UNKNOWN_MEMBER }, 404, 'member_not_found'],
        [{ ...ref, session_token: UNKNOWN_SESSION_TOKEN }, 404, 'session_not_found'],
      ])
    }
    await c.failsEach(M.smsSend, [
      [ref, 400, BAD_REQUEST], // no phone on the member and none given
      [{ ...ref, mfa_phone_number: '5555550123' }, 400, 'invalid_phone_number'],
      [{ ...ref, mfa_phone_number: '+0555' }, 400, 'invalid_phone_number'],
      [{ ...ref, mfa_phone_number: '+1555555012345678' }, 400, 'invalid_phone_number'],
      [
        { ...ref, mfa_phone_number: '+15555550123', intermediate_session_token: UNKNOWN_IST },
        404,
        'intermediate_session_not_found',
      ],
      [
        {
          organization_id: orgId,
          member_id: bob,
          mfa_phone_number: '+15555550123',
          intermediate_session_token: ist,
        },
        400,
        'invalid_intermediate_session_token_for_organization',
      ],
      [
        { ...ref, intermediate_session_token: ist, session_token: UNKNOWN_SESSION_TOKEN },
        400,
        'too_many_session_arguments',
      ],
    ])
    await c.failsEach(M.totpCreate, [
      [{ ...ref, expiration_minutes: 4 }, 400, 'invalid_expiration_minutes'],
      [{ ...ref, expiration_minutes: 1441 }, 400, 'invalid_expiration_minutes'],
    ])
    await c.failsEach(getCodes(orgId, alice), [[undefined, 404, 'totp_not_found']])
    await c.failsEach(getCodes(UNKNOWN_ORG, alice), [[undefined, 404, 'organization_not_found']])
    await c.failsEach(M.rotate, [[ref, 404, 'totp_not_found']])
    expect(c.local.outbox.list({ emailAddress: '+15555550123' })).toEqual([])
  })

  it('answers each bad authenticate and recover with a stable Stytch error, the IST kept', async () => {
    const { org, alice, bob, ist } = await setup()
    const orgId = org.organization_id
    const ref = { organization_id: orgId, member_id: alice, intermediate_session_token: ist }
    for (const [endpoint, secret] of [
      [M.smsAuthenticate, 'code'],
      [M.totpAuthenticate, 'code'],
      [M.recover, 'recovery_code'],
    ] as const) {
      await c.failsEach(endpoint, [
        [ref, 400, BAD_REQUEST],
        [
          { organization_id: orgId, member_id: alice, [secret]: '123456' },
          400,
          'no_session_arguments',
        ],
        [{ ...ref, [secret]: 5 }, 400, BAD_REQUEST],
        [{ ...ref, [secret]: '123456', session_duration_minutes: 1 }, 400, BAD_DURATION],
        [
          { ...ref, member_id: bob, [secret]: '123456' },
          400,
          'invalid_intermediate_session_token_for_organization',
        ],
        [
          { ...ref, intermediate_session_token: UNKNOWN_IST, [secret]: '123456' },
          404,
          'intermediate_session_not_found',
        ],
      ])
    }
    await c.failsEach(M.smsAuthenticate, [
      [{ ...ref, code: '123456' }, 404, 'otp_code_not_found'],
      [{ ...ref, code: '123456', set_mfa_enrollment: 'maybe' }, 400, BAD_REQUEST],
    ])
    await c.failsEach(M.totpAuthenticate, [[{ ...ref, code: '123456' }, 404, 'totp_not_found']])
    await c.failsEach(M.recover, [
      [{ ...ref, recovery_code: 'aaaa-bbbb-cccc' }, 401, 'unable_to_authenticate_recovery_code'],
    ])
    // After all that, the IST still completes the SMS factor.
    await c.ok(E.orgGet.at(orgId))
    await c.ok(M.smsSend, { ...ref, mfa_phone_number: '+15555550123' })
    const code = c.local.outbox.latest('+15555550123')?.code
    const res = { body: await c.ok(M.smsAuthenticate, { ...ref, code }) }
    expect(Object.keys(res.body).sort()).toEqual(
      [
        'member',
        'member_device',
        'member_id',
        'member_session',
        'organization',
        'request_id',
        'session_jwt',
        'session_token',
        'status_code',
      ].sort(),
    )
    expect(res.body.member_session.member_session_id).toMatch(ID_PATTERN('session'))
  })
})

/** Alice's IST from an org login to `org`. */
async function istOf(org: Wire): Promise<string> {
  await c.ok(E.loginOrSignup, { organization_id: org.organization_id, email_address: ALICE })
  const code = c.local.outbox.latest(ALICE)?.code
  const res = await c.call(E.otpAuthenticate, {
    organization_id: org.organization_id,
    email_address: ALICE,
    code,
  })
  return res.body.intermediate_session_token as string
}

describe('MFA endpoints: organization policy', () => {
  it('refuses a second factor the organization leaves out of allowed_mfa_methods', async () => {
    const org = await c.createOrg({
      organization_name: 'TOTP only',
      organization_slug: 'totp-only',
      mfa_policy: 'REQUIRED_FOR_ALL',
      mfa_methods: 'RESTRICTED',
      allowed_mfa_methods: ['totp'],
    })
    const member = await c.ok(E.membersCreate.at(org.organization_id), { email_address: ALICE })
    const ref = { organization_id: org.organization_id, member_id: member.member_id }
    await c.failsEach(M.smsSend, [
      [
        { ...ref, mfa_phone_number: '+15555550123' },
        403,
        'operation_restricted_by_organization_mfa_methods',
      ],
    ])
    expect(c.local.outbox.list({ emailAddress: '+15555550123' })).toEqual([])
    const created = await c.ok(M.totpCreate, ref)
    const secret = Secret.fromBase32(created.secret as string)
    const code = new TOTP({ secret }).generate({ timestamp: c.clock.now() })
    await c.ok(M.totpAuthenticate, { ...ref, code, intermediate_session_token: await istOf(org) })
    expect((await c.ok(getCodes(org.organization_id, ref.member_id))).recovery_codes).toEqual(
      created.recovery_codes,
    )
    const recovered = await c.ok(M.recover, {
      ...ref,
      recovery_code: (created.recovery_codes as string[])[0],
      intermediate_session_token: await istOf(org),
    })
    expect(recovered.recovery_codes_remaining).toBe(9)
    expect((await c.ok(M.rotate, ref)).recovery_codes).toHaveLength(10)
  })
})

coverageFloor('mfa')
