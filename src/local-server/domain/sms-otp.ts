// MFA codes by SMS: who gets one, sending it to the outbox, and the automatic send after login.
import type { Organization } from '../../wire/organizations.js'
import type { MemberRecord } from '../store/local-store.js'
import type { ServerContext } from './context.js'
import { StytchHttpError } from './errors.js'
import { rfc3339 } from './ids.js'
import { issueOtp, SMS_OTP_EXPIRATION_MINUTES } from './otp.js'
import { checkSendRate } from './send-limit.js'

/** E.164: a plus, a non-zero country code digit, at most 15 digits in all. */
const E164 = /^\+[1-9]\d{1,14}$/

export function isE164(value: string): boolean {
  return E164.test(value)
}

/** The organization lets its members use `method` as a second factor. */
export function allowsMfaMethod(organization: Organization, method: 'sms_otp' | 'totp'): boolean {
  return (
    organization.mfa_methods !== 'RESTRICTED' || organization.allowed_mfa_methods.includes(method)
  )
}

/**
 * Issues a 6-digit code for the member (superseding its previous SMS code) and "sends" it to
 * `phoneNumber`: the outbox keeps it with `kind: 'sms'`. The send limit counts per number.
 */
export function sendSmsOtp(
  ctx: ServerContext,
  organization: Organization,
  member: MemberRecord,
  phoneNumber: string,
): void {
  checkSendRate(ctx, phoneNumber)
  const code = issueOtp(
    ctx,
    {
      flow: 'sms',
      organizationId: organization.organization_id,
      email: member.member.email_address,
      memberId: member.member.member_id,
    },
    SMS_OTP_EXPIRATION_MINUTES,
  )
  ctx.outbox.push({
    to: phoneNumber,
    kind: 'sms',
    code,
    organization_id: organization.organization_id,
    sent_at: rfc3339(ctx.now()),
  })
}

/**
 * After a primary authentication that leaves MFA to do, Stytch texts a code at once when the
 * member "has a phone number and is enrolled in MFA" (https://stytch.com/docs/b2b/api/otp-sms-send;
 * here: MFA is required of it, by its enrolment or the organization's policy) and SMS is its method: its default, or its only one (no TOTP registration). The phone
 * must be verified: an unverified number was never proven to be the member's.
 * Returns true when a code was sent (`secondary_auth_initiated: "sms_otp"`).
 */
export function autoSendSmsOtp(
  ctx: ServerContext,
  organization: Organization,
  member: MemberRecord,
): boolean {
  const m = member.member
  const smsIsTheMethod =
    m.default_mfa_method === 'sms_otp' ||
    (m.default_mfa_method !== 'totp' && !m.totp_registration_id)
  if (!m.mfa_phone_number || !m.mfa_phone_number_verified || !smsIsTheMethod) return false
  if (!allowsMfaMethod(organization, 'sms_otp')) return false
  try {
    sendSmsOtp(ctx, organization, member, m.mfa_phone_number)
  } catch (error) {
    // Over the send limit: the login still answers, and the member asks for a code later.
    if (error instanceof StytchHttpError && error.status === 429) return false
    throw error
  }
  return true
}
