// Second factors: SMS one-time passcodes, TOTP registrations and recovery codes (shapes of the
// official SDK's `otp_sms.d.ts`, `totps.d.ts` and `recovery_codes.d.ts`;
// https://stytch.com/docs/b2b/api/otp-sms-send, /totp-create, /recovery-codes-recover).
import type { StytchResponseBase } from './common.js'
import type { Member } from './members.js'
import type { Organization } from './organizations.js'
import type { DeviceInfo, MemberSession, SessionCustomClaimsInput } from './sessions.js'

/** Values of `set_mfa_enrollment` on the authenticate calls: enrol or unenrol the member in MFA. */
export const MFA_ENROLLMENT_ACTIONS = ['enroll', 'unenroll'] as const
export type MfaEnrollmentAction = (typeof MFA_ENROLLMENT_ACTIONS)[number]

/** Names of the second factors, as `default_mfa_method`, `allowed_mfa_methods` and `secondary_auth_initiated` spell them. */
export const MFA_METHODS = ['sms_otp', 'totp'] as const
export type MfaMethod = (typeof MFA_METHODS)[number]

/** `delivery_method` of the session factor each second-factor call records. */
export const MFA_DELIVERY_METHODS = {
  sms: 'sms',
  totp: 'authenticator_app',
  recoveryCode: 'recovery_code',
} as const

/** Credentials a second-factor call runs on: an intermediate session token or a member session. */
export interface MfaCredentials {
  intermediate_session_token?: string
  session_token?: string
  session_jwt?: string
}

/** Who a second-factor call is about. */
export interface MfaMemberRef {
  organization_id: string
  member_id: string
}

/** Fields of every second-factor answer. */
export interface MfaMemberResponse extends StytchResponseBase {
  member_id: string
  member: Member
  organization: Organization
}

/** Answer of a call that completes a second factor: a full member session. */
export interface MfaAuthenticatedResponse extends MfaMemberResponse {
  session_token: string
  session_jwt: string
  member_session?: MemberSession | null
  member_device?: DeviceInfo | null
}

/** Fields the SMS and TOTP authenticate calls share. */
export interface MfaCodeAuthenticateRequest extends MfaMemberRef, MfaCredentials {
  code: string
  session_duration_minutes?: number
  session_custom_claims?: SessionCustomClaimsInput
  set_mfa_enrollment?: MfaEnrollmentAction
  set_default_mfa?: boolean
  telemetry_id?: string
}

export interface OtpSmsSendRequest extends MfaMemberRef, MfaCredentials {
  /** E.164, e.g. `+15555550123`; required when the member has no verified phone number yet. */
  mfa_phone_number?: string
  locale?: string
  enable_autofill?: boolean
  autofill_session_duration_minutes?: number
}

export type OtpSmsSendResponse = MfaMemberResponse

export type OtpSmsAuthenticateRequest = MfaCodeAuthenticateRequest
export type OtpSmsAuthenticateResponse = MfaAuthenticatedResponse

export interface TotpCreateRequest extends MfaMemberRef, MfaCredentials {
  /** Minutes the registration stays usable if never authenticated. */
  expiration_minutes?: number
}

export interface TotpCreateResponse extends MfaMemberResponse {
  totp_registration_id: string
  /** Base32 secret for the authenticator app. */
  secret: string
  /** `data:image/png;base64,…` of the otpauth:// URI. */
  qr_code: string
  recovery_codes: string[]
}

export type TotpAuthenticateRequest = MfaCodeAuthenticateRequest
export type TotpAuthenticateResponse = MfaAuthenticatedResponse

export interface RecoveryCodesRecoverRequest extends MfaMemberRef, MfaCredentials {
  recovery_code: string
  session_duration_minutes?: number
  session_custom_claims?: SessionCustomClaimsInput
  telemetry_id?: string
}

export interface RecoveryCodesRecoverResponse extends MfaAuthenticatedResponse {
  recovery_codes_remaining: number
}

/** GET /v1/b2b/recovery_codes/{organization_id}/{member_id}: the ids travel in the path. */
export type RecoveryCodesGetRequest = MfaMemberRef

export interface RecoveryCodesGetResponse extends MfaMemberResponse {
  recovery_codes: string[]
}

/**
 * The SDK sends only the ids (a member session rides in the `X-Stytch-Member-Session` headers
 * when the call runs with the member's permissions); the session fields are accepted too.
 */
export interface RecoveryCodesRotateRequest extends MfaMemberRef {
  session_token?: string
  session_jwt?: string
}

export type RecoveryCodesRotateResponse = RecoveryCodesGetResponse
