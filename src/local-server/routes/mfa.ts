// Second-factor routes: SMS codes, TOTP registrations and recovery codes
// (https://stytch.com/docs/b2b/api/otp-sms-send, /totp-create, /recovery-codes-recover).

import type { Member } from '../../wire/members.js'
import {
  MFA_ENROLLMENT_ACTIONS,
  type OtpSmsSendResponse,
  type RecoveryCodesGetResponse,
  type RecoveryCodesRecoverResponse,
  type TotpAuthenticateResponse,
  type TotpCreateResponse,
} from '../../wire/mfa.js'
import { OTP_LOCALES } from '../../wire/otp-email.js'
import type { AuthenticationFactor } from '../../wire/sessions.js'
import type { ServerContext } from '../domain/context.js'
import { mergeCustomClaims, readCustomClaims } from '../domain/custom-claims.js'
import { badRequest, StytchHttpError } from '../domain/errors.js'
import { completeLogin } from '../domain/login.js'
import { renderMember, saveMember } from '../domain/members.js'
import {
  type MfaSubject,
  mfaFactor,
  requireMfaMethod,
  resolveMfaSubject,
} from '../domain/mfa-access.js'
import { consumeOtp } from '../domain/otp.js'
import {
  type JsonObject,
  optBoolean,
  optEnum,
  optIntInRange,
  optLocale,
  optNumber,
  optSessionDuration,
  optString,
  reqString,
} from '../domain/request-fields.js'
import { isE164, sendSmsOtp } from '../domain/sms-otp.js'
import {
  authenticateTotp,
  createTotpRegistration,
  recoverWithCode,
  recoveryCodesOf,
  rotateRecoveryCodes,
  TOTP_EXPIRATION_MINUTES,
} from '../domain/totp.js'
import type { RouteHandler } from './handler.js'

type Body<T> = Omit<T, 'request_id' | 'status_code'>

const memberPart = (ctx: ServerContext, { organization, member }: MfaSubject) => ({
  member_id: member.member.member_id,
  member: renderMember(ctx, member, organization),
  organization,
})

/** The fields every authenticate call reads besides its secret, checked before the secret is. */
function readLoginFields(body: JsonObject, subject: MfaSubject) {
  const duration = optSessionDuration(body)
  const claims = readCustomClaims(body)
  optString(body, 'telemetry_id')
  mergeCustomClaims(subject.session?.customClaims ?? {}, claims) // 4 KB check before consuming
  return { duration, claims }
}

/**
 * Ends a successful second factor: applies the member changes, then completes the login with
 * the factor added to the IST's (the IST is consumed) or to the session's.
 */
function finish(
  ctx: ServerContext,
  subject: MfaSubject,
  factor: AuthenticationFactor,
  fields: { duration: number | undefined; claims: JsonObject | undefined },
  changes: Partial<Member>,
) {
  const member = saveMember(ctx, subject.member, changes)
  const result = completeLogin(ctx, {
    organization: subject.organization,
    member,
    factors: subject.ist ? [...subject.ist.record.factors, factor] : [factor],
    sessionDurationMinutes: fields.duration,
    customClaims: fields.claims,
    existingSession: subject.session,
    intermediateSession: subject.ist,
  })
  const response: Body<TotpAuthenticateResponse> = {
    member_id: result.member_id,
    member: result.member,
    organization: result.organization,
    session_token: result.session_token,
    session_jwt: result.session_jwt,
    member_session: result.member_session ?? null,
    member_device: null,
  }
  return response
}

/** `set_mfa_enrollment` and `set_default_mfa` of the authenticate calls, as member changes. */
function enrollmentChanges(body: JsonObject, method: 'sms_otp' | 'totp'): Partial<Member> {
  const enrollment = optEnum(body, 'set_mfa_enrollment', MFA_ENROLLMENT_ACTIONS)
  const makeDefault = optBoolean(body, 'set_default_mfa')
  return {
    ...(enrollment === undefined ? {} : { mfa_enrolled: enrollment === 'enroll' }),
    ...(makeDefault === true ? { default_mfa_method: method } : {}),
  }
}

/**
 * POST /v1/b2b/otps/sms/send. Without a phone on the member, `mfa_phone_number` is required and
 * becomes the member's (unverified until a code is authenticated). A different number replaces an
 * unverified one; against a verified one it is refused ("An error will be thrown if the Member
 * already has a phone number and the provided mfa_phone_number does not match").
 */
export const smsSend: RouteHandler = (ctx, { body }) => {
  const subject = resolveMfaSubject(ctx, body, false)
  requireMfaMethod(subject.organization, 'sms_otp')
  const given = optString(body, 'mfa_phone_number') || undefined
  optLocale(body, OTP_LOCALES)
  optBoolean(body, 'enable_autofill')
  optNumber(body, 'autofill_session_duration_minutes')
  if (given !== undefined && !isE164(given)) {
    throw new StytchHttpError(400, 'invalid_phone_number', 'mfa_phone_number must be E.164.')
  }
  let { member } = subject
  const current = member.member.mfa_phone_number
  if (given === undefined && !current) {
    throw badRequest('mfa_phone_number is required: the member has no phone number yet.')
  }
  if (given !== undefined && given !== current) {
    if (current && member.member.mfa_phone_number_verified) {
      throw new StytchHttpError(
        400,
        'invalid_phone_number_for_member',
        'mfa_phone_number does not match the phone number of the member.',
      )
    }
    member = saveMember(ctx, member, {
      mfa_phone_number: given,
      mfa_phone_number_verified: false,
    })
  }
  sendSmsOtp(ctx, subject.organization, member, member.member.mfa_phone_number)
  const response: Body<OtpSmsSendResponse> = memberPart(ctx, { ...subject, member })
  return { ...response }
}

/** POST /v1/b2b/otps/sms/authenticate: verifies the phone number too. */
export const smsAuthenticate: RouteHandler = (ctx, { body }) => {
  const subject = resolveMfaSubject(ctx, body, true)
  requireMfaMethod(subject.organization, 'sms_otp')
  const code = reqString(body, 'code')
  const fields = readLoginFields(body, subject)
  const changes = enrollmentChanges(body, 'sms_otp')
  const { organization, member } = subject
  consumeOtp(
    ctx,
    {
      flow: 'sms',
      organizationId: organization.organization_id,
      email: member.member.email_address,
      memberId: member.member.member_id,
    },
    code,
  )
  const factor = mfaFactor.sms(ctx, member.member.mfa_phone_number)
  return {
    ...finish(ctx, subject, factor, fields, { ...changes, mfa_phone_number_verified: true }),
  }
}

/** POST /v1/b2b/totp: the only answer that shows the secret, QR code and recovery codes. */
export const totpCreate: RouteHandler = (ctx, { body }) => {
  const subject = resolveMfaSubject(ctx, body, false)
  requireMfaMethod(subject.organization, 'totp')
  const minutes =
    optIntInRange(
      body,
      'expiration_minutes',
      TOTP_EXPIRATION_MINUTES.min,
      TOTP_EXPIRATION_MINUTES.max,
      'invalid_expiration_minutes',
    ) ?? TOTP_EXPIRATION_MINUTES.default
  const created = createTotpRegistration(ctx, subject.organization, subject.member, minutes)
  const response: Body<TotpCreateResponse> = {
    ...memberPart(ctx, subject),
    totp_registration_id: created.registrationId,
    secret: created.secret,
    qr_code: created.qrCode,
    recovery_codes: created.recoveryCodes,
  }
  return { ...response }
}

/** POST /v1/b2b/totp/authenticate: the first success makes the registration the member's. */
export const totpAuthenticate: RouteHandler = (ctx, { body }) => {
  const subject = resolveMfaSubject(ctx, body, true)
  requireMfaMethod(subject.organization, 'totp')
  const code = reqString(body, 'code')
  const fields = readLoginFields(body, subject)
  const changes = enrollmentChanges(body, 'totp')
  const registrationId = authenticateTotp(ctx, subject.member, code)
  const factor = mfaFactor.totp(ctx, registrationId)
  return {
    ...finish(ctx, subject, factor, fields, { ...changes, totp_registration_id: registrationId }),
  }
}

/** POST /v1/b2b/recovery_codes/recover: consumes one code. */
export const recoveryCodesRecover: RouteHandler = (ctx, { body }) => {
  const subject = resolveMfaSubject(ctx, body, true)
  requireMfaMethod(subject.organization, 'totp')
  const code = reqString(body, 'recovery_code')
  const fields = readLoginFields(body, subject)
  const { registrationId, remaining } = recoverWithCode(ctx, subject.member, code)
  const response: Body<RecoveryCodesRecoverResponse> = {
    ...finish(ctx, subject, mfaFactor.recoveryCode(ctx, registrationId), fields, {}),
    recovery_codes_remaining: remaining,
  }
  return { ...response }
}

/** GET /v1/b2b/recovery_codes/{organization_id}/{member_id} */
export const recoveryCodesGet: RouteHandler = (ctx, { params }) => {
  const subject = resolveMfaSubject(ctx, { ...params }, false)
  const response: Body<RecoveryCodesGetResponse> = {
    ...memberPart(ctx, subject),
    recovery_codes: recoveryCodesOf(ctx, subject.member.member.member_id),
  }
  return { ...response }
}

/** POST /v1/b2b/recovery_codes/rotate */
export const recoveryCodesRotate: RouteHandler = (ctx, { body }) => {
  const subject = resolveMfaSubject(ctx, body, false)
  const response: Body<RecoveryCodesGetResponse> = {
    ...memberPart(ctx, subject),
    recovery_codes: rotateRecoveryCodes(ctx, subject.member.member.member_id),
  }
  return { ...response }
}
