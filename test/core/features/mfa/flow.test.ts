// The MFA steps over real HTTP on both adapters: SMS, authenticator app and recovery codes finish a sign-in.
import request from 'supertest'
import { describe, expect, test } from 'vitest'
import { cookieHeader, sessionCookiePattern, setCookiesOf } from '../../../helpers/cookies.js'
import { ADAPTERS, seedOrganization, signIn, useStack } from '../../../helpers/stack.js'
import {
  enrolTotp,
  firstFactor,
  PHONE,
  postMfa,
  seedMfaOrganization,
  smsCode,
  totpCode,
} from './kit.js'

const CLEARED_IST = 'stytch_intermediate_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax'

describe.each(ADAPTERS)('$name', (adapter) => {
  const stack = useStack(adapter)

  /** A signed-in answer: the two session cookies set, the intermediate one cleared, no-store. */
  function expectSignedIn(response: request.Response, memberId: string): string {
    expect(response.status).toBe(200)
    expect(response.headers['cache-control']).toBe('no-store')
    expect(response.body).toMatchObject({ memberAuthenticated: true, member: { memberId } })
    const setCookies = setCookiesOf(response)
    expect(setCookies).toHaveLength(3)
    expect(setCookies[0]).toMatch(sessionCookiePattern('stytch_session'))
    expect(setCookies[1]).toMatch(sessionCookiePattern('stytch_session_jwt'))
    expect(setCookies[2]).toBe(CLEARED_IST)
    return cookieHeader(setCookies)
  }

  test('SMS: the first factor asks for MFA, a texted code to a new phone finishes the sign-in', async () => {
    await seedMfaOrganization(stack)
    const first = await firstFactor(stack)
    expect(first.memberId).toMatch(/^member-test-/)
    expect(first.body.mfa).toEqual({ phoneNumber: null, totpRegistered: false, smsSent: false })
    const ids = { organization_id: first.organizationId, member_id: first.memberId }
    const sent = await postMfa(stack, 'sms/send', first.cookie, { ...ids, mfa_phone_number: PHONE })
    expect(sent.status).toBe(200)
    expect(sent.body).toEqual({ sent: true })
    expect(sent.headers['cache-control']).toBe('no-store')
    expect(setCookiesOf(sent)).toEqual([])
    const done = await postMfa(stack, 'sms/authenticate', first.cookie, {
      ...ids,
      code: smsCode(stack),
    })
    const cookie = expectSignedIn(done, first.memberId)
    const page = await request(stack.app).get('/protected').set('cookie', cookie)
    expect(page.status).toBe(200)
    expect(page.body.memberId).toBe(first.memberId)

    // The next sign-in names the enrolled phone, masked, and says whether a code was sent.
    const again = await firstFactor(stack)
    expect(again.body.mfa).toEqual({
      phoneNumber: '+*******4567',
      totpRegistered: false,
      smsSent: true,
    })
    expect(JSON.stringify(again.body)).not.toContain('5555554567')
  })

  test('a wrong SMS code: ERR_OTP_INVALID, no Set-Cookie, the intermediate session still works', async () => {
    await seedMfaOrganization(stack)
    const first = await firstFactor(stack)
    const ids = { organization_id: first.organizationId, member_id: first.memberId }
    await postMfa(stack, 'sms/send', first.cookie, { ...ids, mfa_phone_number: PHONE }).expect(200)
    const code = smsCode(stack)
    const wrong = code === '000000' ? '000001' : '000000'
    const refused = await postMfa(stack, 'sms/authenticate', first.cookie, { ...ids, code: wrong })
    expect(refused.body.error.code).toBe('ERR_OTP_INVALID')
    expect(refused.headers['set-cookie']).toBeUndefined()
    expect(refused.headers['cache-control']).toBe('no-store')
    const done = await postMfa(stack, 'sms/authenticate', first.cookie, { ...ids, code })
    expectSignedIn(done, first.memberId)
  })

  test('TOTP: create shows the secret once, a code finishes the sign-in, a recovery code signs in later', async () => {
    await seedMfaOrganization(stack)
    const first = await firstFactor(stack)
    const ids = { organization_id: first.organizationId, member_id: first.memberId }
    const created = await postMfa(stack, 'totp/create', first.cookie, ids)
    expect(created.status).toBe(200)
    expect(created.headers['cache-control']).toBe('no-store')
    expect(setCookiesOf(created)).toEqual([])
    expect(Object.keys(created.body).sort()).toEqual([
      'qrCode',
      'recoveryCodes',
      'secret',
      'totpRegistrationId',
    ])
    expect(created.body.qrCode).toMatch(/^data:image\/png;base64,/)
    const { secret, recoveryCodes } = created.body
    const done = await postMfa(stack, 'totp/authenticate', first.cookie, {
      ...ids,
      code: totpCode(stack, secret),
      session_duration_minutes: 60,
    })
    expectSignedIn(done, first.memberId)
    // Nothing else ever shows the secret or the codes.
    expect(JSON.stringify(done.body)).not.toContain(secret)
    expect(JSON.stringify(done.body)).not.toContain(recoveryCodes[0])

    const later = await firstFactor(stack)
    expect(later.body.mfa).toMatchObject({ phoneNumber: null, totpRegistered: true })
    const recovered = await postMfa(stack, 'recovery_codes/recover', later.cookie, {
      ...ids,
      recovery_code: recoveryCodes[0].toUpperCase(),
    })
    expectSignedIn(recovered, first.memberId)

    // A recovery code works once.
    const third = await firstFactor(stack)
    const reused = await postMfa(stack, 'recovery_codes/recover', third.cookie, {
      ...ids,
      recovery_code: recoveryCodes[0],
    })
    expect(reused.body.error.code).toBe('ERR_OTP_INVALID')
    expect(reused.headers['set-cookie']).toBeUndefined()
  })

  test("get and rotate answer the signed-in member's own recovery codes, never cached", async () => {
    await seedMfaOrganization(stack)
    const enrolled = await enrolTotp(stack)
    const got = await request(stack.app)
      .get('/auth/mfa/recovery_codes')
      .set('cookie', enrolled.cookie)
    expect(got.status).toBe(200)
    expect(got.headers['cache-control']).toBe('no-store')
    expect(got.body).toEqual({ recoveryCodes: enrolled.recoveryCodes })
    const rotated = await request(stack.app)
      .post('/auth/mfa/recovery_codes/rotate')
      .set('cookie', enrolled.cookie)
    expect(rotated.status).toBe(200)
    expect(rotated.headers['cache-control']).toBe('no-store')
    expect(rotated.body.recoveryCodes).toHaveLength(enrolled.recoveryCodes.length)
    expect(rotated.body.recoveryCodes).not.toContain(enrolled.recoveryCodes[0])
    const after = await request(stack.app)
      .get('/auth/mfa/recovery_codes')
      .set('cookie', enrolled.cookie)
    expect(after.body).toEqual({ recoveryCodes: rotated.body.recoveryCodes })

    // Without a session (an intermediate one is not enough): 401, nothing asked upstream.
    const first = await firstFactor(stack)
    stack.local.resetRequestCounts()
    const anonymous = await request(stack.app)
      .get('/auth/mfa/recovery_codes')
      .set('cookie', first.cookie)
    expect(anonymous.status).toBe(401)
    expect(anonymous.body.error.code).toBe('ERR_SESSION_MISSING')
    const rotate = await request(stack.app).post('/auth/mfa/recovery_codes/rotate')
    expect(rotate.body.error.code).toBe('ERR_SESSION_MISSING')
    expect(stack.upstream('POST /v1/b2b/recovery_codes/rotate')).toBe(0)
  })

  test('a signed-in member enrols an authenticator app later, for itself only', async () => {
    const beta = await seedOrganization(stack.local, 'beta', 'ada@acme.test')
    await stack.local.seedMember({
      organization_id: beta.organizationId,
      email_address: 'bob@acme.test',
    })
    const bob = await signIn(stack, 'bob@acme.test', 'beta')
    const ada = await signIn(stack, 'ada@acme.test', 'beta')
    const session = await request(stack.app).get('/auth/session').set('cookie', ada.cookie)
    const ids = { organization_id: 'beta', member_id: session.body.member.memberId as string }
    const created = await postMfa(stack, 'totp/create', ada.cookie, ids)
    expect(created.status).toBe(200)
    const done = await postMfa(stack, 'totp/authenticate', ada.cookie, {
      ...ids,
      code: totpCode(stack, created.body.secret),
    })
    expectSignedIn(done, ids.member_id)
    expect(done.body.memberSession.memberSessionId).toBe(session.body.memberSession.memberSessionId)

    // Bob's session may not act on Ada's member id: refused before any upstream call.
    stack.local.resetRequestCounts()
    const foreign = await postMfa(stack, 'totp/create', bob.cookie, ids)
    expect(foreign.status).toBe(403)
    expect(foreign.body.error.code).toBe('ERR_ORGANIZATION_FORBIDDEN')
    expect(stack.upstream('POST /v1/b2b/totp')).toBe(0)
  })
})

describe.each(ADAPTERS)('$name: input checks', (adapter) => {
  const stack = useStack(adapter, {}, { scope: 'all' })

  test.each([
    ['sms/send', { mfa_phone_number: '5555554567' }],
    ['sms/send', { mfa_phone_number: '+1 555 555 4567' }],
    ['sms/authenticate', { code: '12345' }],
    ['totp/authenticate', { code: 'abcdef' }],
    ['recovery_codes/recover', { recovery_code: 'abcd-efgh' }],
    ['totp/create', { member_id: 'member-test-../../x' }],
    ['totp/create', { organization_id: '../acme' }],
  ])('%s with %j: 400 ERR_INVALID_INPUT, nothing sent upstream', async (path, fields) => {
    const ids = {
      organization_id: 'acme',
      member_id: 'member-test-00000000-0000-4000-8000-000000000000',
    }
    const base: Record<string, object> = {
      'sms/send': {},
      'sms/authenticate': { code: '123456' },
      'totp/authenticate': { code: '123456' },
      'recovery_codes/recover': { recovery_code: 'abcd-efgh-ijkl' },
      'totp/create': {},
    }
    const response = await postMfa(stack, path, 'stytch_intermediate_session=x', {
      ...ids,
      ...base[path],
      ...fields,
    })
    expect(response.status).toBe(400)
    expect(response.body.error.code).toBe('ERR_INVALID_INPUT')
    const upstreamPath = path === 'totp/create' ? 'totp' : path.replace(/^sms/, 'otps/sms')
    expect(stack.upstream(`POST /v1/b2b/${upstreamPath}`)).toBe(0)
  })
})
