// MFA test steps shared by the behaviour and security suites: an MFA organization, the first factor, codes.
import * as OTPAuth from 'otpauth'
import request from 'supertest'
import { expect } from 'vitest'
import { cookieHeader, setCookiesOf } from '../../../helpers/cookies.js'
import { latestCode, type Stack, seedOrganization } from '../../../helpers/stack.js'

export const PHONE = '+15555554567'

/** An organization that requires MFA of every member, with `email` as its member. */
export function seedMfaOrganization(stack: Stack, slug = 'acme', email = 'ada@acme.test') {
  return seedOrganization(stack.local, slug, email, { mfa_policy: 'REQUIRED_FOR_ALL' })
}

export interface FirstFactor {
  /** The Cookie header carrying the intermediate session. */
  cookie: string
  memberId: string
  organizationId: string
  body: Record<string, unknown>
}

/** Signs `email` in to `slug` by email code: the answer must ask for a second factor. */
export async function firstFactor(
  stack: Stack,
  email = 'ada@acme.test',
  slug = 'acme',
): Promise<FirstFactor> {
  await request(stack.app)
    .post('/auth/otps/email/login_or_signup')
    .send({ organization_id: slug, email_address: email })
    .expect(200)
  const response = await request(stack.app)
    .post('/auth/otps/email/authenticate')
    .send({ organization_id: slug, email_address: email, code: latestCode(stack.local, email) })
  expect(response.status).toBe(200)
  expect(response.body).toMatchObject({ memberAuthenticated: false, mfaRequired: true })
  const setCookies = setCookiesOf(response)
  expect(setCookies.map((line) => line.split('=')[0])).toEqual(['stytch_intermediate_session'])
  return {
    cookie: cookieHeader(setCookies),
    memberId: response.body.memberId,
    organizationId: response.body.organizationId,
    body: response.body,
  }
}

/** POSTs `body` to `{basePath}/mfa/<path>` with `cookie`. */
export function postMfa(stack: Stack, path: string, cookie: string, body: object) {
  return request(stack.app).post(`/auth/mfa/${path}`).set('cookie', cookie).send(body)
}

/** The authenticator app's code for `secret` now, on the stack's clock (the local server's). */
export function totpCode(stack: Stack, secret: string): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({
    timestamp: stack.clock.now(),
  })
}

/** The latest code texted to `phone`. */
export function smsCode(stack: Stack, phone = PHONE): string {
  return latestCode(stack.local, phone)
}

export interface Enrolled {
  first: FirstFactor
  secret: string
  recoveryCodes: string[]
  /** The Cookie header of the member session. */
  cookie: string
}

/** First factor, then an authenticator app registered and used: the member is signed in. */
export async function enrolTotp(stack: Stack, email = 'ada@acme.test', slug = 'acme') {
  const first = await firstFactor(stack, email, slug)
  const ids = { organization_id: first.organizationId, member_id: first.memberId }
  const created = await postMfa(stack, 'totp/create', first.cookie, ids)
  expect(created.status).toBe(200)
  const { secret, recoveryCodes } = created.body
  const done = await postMfa(stack, 'totp/authenticate', first.cookie, {
    ...ids,
    code: totpCode(stack, secret),
  })
  expect(done.status).toBe(200)
  expect(done.body.memberAuthenticated).toBe(true)
  return { first, secret, recoveryCodes, cookie: cookieHeader(setCookiesOf(done)) } as Enrolled
}
