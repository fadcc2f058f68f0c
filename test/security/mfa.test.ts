// Attacks on the second factor: guessing across factors, IST reuse, skipping MFA, enrolling on another member, CSRF.
import request from 'supertest'
import { beforeEach, describe, expect, test } from 'vitest'
import { stytchPath } from '../../src/wire/paths.js'
import {
  enrolTotp,
  firstFactor,
  PHONE,
  postMfa,
  seedMfaOrganization,
  totpCode,
} from '../core/features/mfa/kit.js'
import { cookieHeader, setCookiesOf } from '../helpers/cookies.js'
import { callStytch } from '../helpers/local-api.js'
import { ADAPTERS, discover, seedOrganization, signIn, useStack } from '../helpers/stack.js'

const ATTACKER_PHONE = '+15555550666'

describe.each(ADAPTERS)('$name', (adapter) => {
  const stack = useStack(adapter)

  /** The member as Stytch holds it. */
  async function memberOf(organizationId: string, memberId: string) {
    const path = stytchPath('membersGet', { organization_id: organizationId })
    const answer = await callStytch(stack.local, 'GET', `${path}?member_id=${memberId}`)
    return answer.body.member as { mfa_phone_number: string; totp_registration_id: string }
  }

  test('guessing across SMS, TOTP and recovery codes hits one lock; the right code then gets no cookie', async () => {
    await seedMfaOrganization(stack)
    const { secret } = await enrolTotp(stack)
    const first = await firstFactor(stack)
    const ids = { organization_id: first.organizationId, member_id: first.memberId }
    const right = totpCode(stack, secret)
    const wrong = right === '000000' ? '111111' : '000000'
    const guesses = [
      ['totp/authenticate', { code: wrong }],
      ['recovery_codes/recover', { recovery_code: 'aaaa-bbbb-cccc' }],
      ['sms/authenticate', { code: wrong }],
    ] as const
    const codes: string[] = []
    for (let attempt = 0; attempt < 10; attempt++) {
      const [path, guess] = guesses[attempt % guesses.length] as (typeof guesses)[number]
      const answer = await postMfa(stack, path, first.cookie, { ...ids, ...guess })
      codes.push(answer.body.error.code)
      expect(answer.headers['set-cookie']).toBeUndefined()
    }
    expect(codes.every((code) => code === 'ERR_OTP_INVALID' || code === 'ERR_OTP_EXPIRED')).toBe(
      true,
    )
    const locked = await postMfa(stack, 'totp/authenticate', first.cookie, { ...ids, code: right })
    expect(locked.status).toBe(429)
    expect(locked.body.error.code).toBe('ERR_ACCOUNT_LOCKED')
    expect(locked.headers['set-cookie']).toBeUndefined()
    const page = await request(stack.app).get('/protected').set('cookie', first.cookie)
    expect(page.status).toBe(401)
    expect(stack.handlerRuns()).toBe(0)
  })

  test('the intermediate session is spent once MFA is done: replaying it gets no session', async () => {
    await seedMfaOrganization(stack)
    const { first, secret } = await enrolTotp(stack)
    stack.clock.advance(30_000) // the next TOTP window: a fresh, valid code
    const replay = await postMfa(stack, 'totp/authenticate', first.cookie, {
      organization_id: first.organizationId,
      member_id: first.memberId,
      code: totpCode(stack, secret),
    })
    expect(replay.status).toBeGreaterThanOrEqual(400)
    expect(replay.body.error.code).toBe('ERR_INTERMEDIATE_SESSION_INVALID')
    expect(replay.headers['set-cookie']).toBeUndefined()
  })

  test('exchanging the intermediate session again does not skip the second factor', async () => {
    const acme = await seedMfaOrganization(stack)
    const discovered = await discover(stack, 'ada@acme.test')
    let cookie = cookieHeader(setCookiesOf(discovered))
    for (let round = 0; round < 2; round++) {
      const exchanged = await request(stack.app)
        .post('/auth/discovery/intermediate_sessions/exchange')
        .set('cookie', cookie)
        .send({ organization_id: acme.organizationId })
      expect(exchanged.status).toBe(200)
      expect(exchanged.body).toMatchObject({ memberAuthenticated: false, mfaRequired: true })
      const names = setCookiesOf(exchanged).map((line) => line.split('=')[0])
      expect(names).toEqual(['stytch_intermediate_session'])
      cookie = cookieHeader(setCookiesOf(exchanged))
    }
    const page = await request(stack.app).get('/protected').set('cookie', cookie)
    expect(page.status).toBe(401)
    expect(stack.handlerRuns()).toBe(0)
  })

  describe("enrolling a phone on the victim's member id", () => {
    let victim: { organizationId: string; memberId: string }
    beforeEach(async () => {
      await seedMfaOrganization(stack)
      await seedOrganization(stack.local, 'evil', 'eve@evil.test')
      const first = await firstFactor(stack)
      victim = { organizationId: first.organizationId, memberId: first.memberId }
      stack.local.resetRequestCounts()
    })

    test('with an attacker intermediate session: refused upstream, victim unchanged', async () => {
      await stack.local.seedMember({
        organization_id: victim.organizationId,
        email_address: 'eve@acme.test',
      })
      const eve = await firstFactor(stack, 'eve@acme.test')
      const ids = { organization_id: victim.organizationId, member_id: victim.memberId }
      for (const [path, extra] of [
        ['sms/send', { mfa_phone_number: ATTACKER_PHONE }],
        ['totp/create', {}],
      ] as const) {
        const answer = await postMfa(stack, path, eve.cookie, { ...ids, ...extra })
        expect(answer.body.error.code).toBe('ERR_ORGANIZATION_FORBIDDEN')
        expect(answer.body).not.toHaveProperty('secret')
        expect(answer.headers['set-cookie']).toBeUndefined()
      }
      expect(stack.local.outbox.latest(ATTACKER_PHONE)).toBeUndefined()
      const member = await memberOf(victim.organizationId, victim.memberId)
      expect(member.mfa_phone_number).toBe('')
      expect(member.totp_registration_id).toBe('')
    })

    test('with an attacker session: 403 before any upstream call, victim unchanged', async () => {
      const eve = await signIn(stack, 'eve@evil.test', 'evil')
      stack.local.resetRequestCounts()
      const ids = { organization_id: victim.organizationId, member_id: victim.memberId }
      const sent = await postMfa(stack, 'sms/send', eve.cookie, {
        ...ids,
        mfa_phone_number: ATTACKER_PHONE,
      })
      expect(sent.status).toBe(403)
      expect(sent.body.error.code).toBe('ERR_ORGANIZATION_FORBIDDEN')
      expect(stack.upstream('POST /v1/b2b/otps/sms/send')).toBe(0)
      const member = await memberOf(victim.organizationId, victim.memberId)
      expect(member.mfa_phone_number).toBe('')
    })
  })

  test("an attacker's session token planted beside the victim's JWT registers nothing", async () => {
    const beta = await seedOrganization(stack.local, 'beta', 'ada@acme.test')
    await stack.local.seedMember({
      organization_id: beta.organizationId,
      email_address: 'eve@acme.test',
    })
    const victim = await signIn(stack, 'ada@acme.test', 'beta')
    const attacker = await signIn(stack, 'eve@acme.test', 'beta')
    const session = await request(stack.app).get('/auth/session').set('cookie', victim.cookie)
    const memberId = session.body.member.memberId as string
    const answer = await request(stack.app)
      .post('/auth/mfa/totp/create')
      .set(
        'cookie',
        `stytch_session=${attacker.sessionToken}; stytch_session_jwt=${victim.sessionJwt}`,
      )
      .send({ organization_id: beta.organizationId, member_id: memberId })
    expect(answer.status).toBeGreaterThanOrEqual(400)
    expect(answer.body).not.toHaveProperty('secret')
    expect((await memberOf(beta.organizationId, memberId)).totp_registration_id).toBe('')
  })
})

describe.each(ADAPTERS)('$name: requests refused before any upstream call', (adapter) => {
  const stack = useStack(adapter, {}, { scope: 'all' })
  const ids = {
    organization_id: 'acme',
    member_id: 'member-test-00000000-0000-4000-8000-000000000000',
  }
  const ROUTES: [string, object][] = [
    ['sms/send', { ...ids, mfa_phone_number: PHONE }],
    ['sms/authenticate', { ...ids, code: '123456' }],
    ['totp/create', ids],
    ['totp/authenticate', { ...ids, code: '123456' }],
    ['recovery_codes/recover', { ...ids, recovery_code: 'abcd-efgh-ijkl' }],
    ['recovery_codes/rotate', {}],
  ]

  const MFA_UPSTREAM = ['otps/sms/send', 'otps/sms/authenticate', 'totp', 'totp/authenticate']
  const upstreamCalls = () =>
    [...MFA_UPSTREAM, 'recovery_codes/recover', 'recovery_codes/rotate']
      .map((path) => stack.upstream(`POST /v1/b2b/${path}`))
      .reduce((sum, count) => sum + count, 0)

  test.each(ROUTES)('cross-site POST %s: 403 ERR_CSRF_REJECTED', async (path, body) => {
    const before = upstreamCalls()
    const answer = await request(stack.app)
      .post(`/auth/mfa/${path}`)
      .set({ origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })
      .set('cookie', 'stytch_intermediate_session=x')
      .type('form')
      .send(body as Record<string, string>)
    expect(answer.status).toBe(403)
    expect(answer.body.error.code).toBe('ERR_CSRF_REJECTED')
    expect(answer.headers['set-cookie']).toBeUndefined()
    expect(upstreamCalls()).toBe(before)
  })

  test.each([
    ['sms/send', { ...ids, intermediate_session_token: 'ist' }],
    ['sms/authenticate', { ...ids, code: '123456', set_mfa_enrollment: 'unenroll' }],
    ['totp/authenticate', { ...ids, code: '123456', session_token: 'x' }],
    ['recovery_codes/rotate', { member_id: ids.member_id }],
  ])('unknown fields on %s: 400 ERR_INVALID_INPUT', async (path, body) => {
    const answer = await postMfa(stack, path, 'stytch_intermediate_session=x', body)
    expect(answer.status).toBe(400)
    expect(answer.body.error.code).toBe('ERR_INVALID_INPUT')
  })
})
