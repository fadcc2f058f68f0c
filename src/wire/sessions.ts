// Member sessions: the session object, the calls that authenticate, exchange and revoke one, and
// the answer shared by every call that may log a member in
// (https://stytch.com/docs/b2b/guides/sessions/member-sessions).
import type { Rfc3339, StytchResponseBase } from './common.js'
import type { Member } from './members.js'
import type { Organization } from './organizations.js'

/**
 * Bounds of `session_duration_minutes`: 5 minutes to 527040 minutes (366 days). A call that
 * creates a session without it gets 60 minutes.
 */
export const SESSION_DURATION_MINUTES = { min: 5, max: 527_040, default: 60 } as const

export interface EmailFactor {
  email_id: string
  email_address: string
}

/** One authentication factor of a session; only the email factor is modelled in detail. */
export interface AuthenticationFactor {
  type: string
  delivery_method: string
  last_authenticated_at?: Rfc3339 | null
  created_at?: Rfc3339 | null
  updated_at?: Rfc3339 | null
  email_factor?: EmailFactor | null
  sequence_order?: string
  [detail: string]: unknown
}

/** The MemberSession object. */
export interface MemberSession {
  member_session_id: string
  member_id: string
  started_at: Rfc3339
  last_accessed_at: Rfc3339
  expires_at: Rfc3339
  authentication_factors: AuthenticationFactor[]
  organization_id: string
  roles: string[]
  organization_slug: string
  custom_claims?: Record<string, unknown> | null
}

/** Custom claims as sent in requests: a key set to `null` is deleted from the session. */
export type SessionCustomClaimsInput = Record<string, unknown>

/** The primary authentication methods the organization still requires. */
export interface PrimaryRequired {
  allowed_auth_methods: string[]
}

export interface MfaMemberOptions {
  mfa_phone_number: string
  totp_registration_id: string
}

/** Present when the organization's MFA policy requires a second factor. */
export interface MfaRequired {
  member_options?: MfaMemberOptions | null
  secondary_auth_initiated?: string | null
}

export interface DeviceAttributeDetails {
  is_new: boolean
  first_seen_at?: Rfc3339 | null
  last_seen_at?: Rfc3339 | null
}

export interface DeviceInfo {
  visitor_id: string
  visitor_id_details?: DeviceAttributeDetails | null
  ip_address?: string | null
  ip_address_details?: DeviceAttributeDetails | null
  ip_geo_city?: string | null
  ip_geo_region?: string | null
  ip_geo_country?: string | null
  ip_geo_country_details?: DeviceAttributeDetails | null
}

/**
 * Shared shape of every call that may end in a session or an intermediate session token: OTP
 * authenticate, discovery organization create, intermediate session exchange, session exchange.
 */
export interface AuthenticatedResponseBase extends StytchResponseBase {
  member_id: string
  member: Member
  organization: Organization
  session_token: string
  session_jwt: string
  intermediate_session_token: string
  member_authenticated: boolean
  member_session?: MemberSession | null
  mfa_required?: MfaRequired | null
  primary_required?: PrimaryRequired | null
  member_device?: DeviceInfo | null
  intermediate_session_token_expires_at?: Rfc3339 | null
}

export interface AuthorizationCheck {
  organization_id: string
  resource_id: string
  action: string
}

export interface AuthorizationVerdict {
  authorized: boolean
  granting_roles: string[]
}

export interface SessionsAuthenticateRequest {
  session_token?: string
  session_jwt?: string
  session_duration_minutes?: number
  session_custom_claims?: SessionCustomClaimsInput
  authorization_check?: AuthorizationCheck
}

export interface SessionsAuthenticateResponse extends StytchResponseBase {
  member_session: MemberSession
  session_token: string
  session_jwt: string
  member: Member
  organization: Organization
  verdict?: AuthorizationVerdict | null
}

/**
 * Headers with which a call runs with a member's permissions (stytch
 * `dist/shared/method_options.js`, addAuthorizationHeaders), lower-cased as Node reads them.
 */
export const MEMBER_SESSION_HEADERS = {
  sessionToken: 'x-stytch-member-session',
  sessionJwt: 'x-stytch-member-sessionjwt',
} as const

/** Answer of GET /v1/b2b/sessions?organization_id=…&member_id=…: the member's live sessions. */
export interface SessionsGetResponse extends StytchResponseBase {
  member_sessions: MemberSession[]
}

export interface SessionsRevokeRequest {
  member_session_id?: string
  session_token?: string
  session_jwt?: string
  member_id?: string
}

export type SessionsRevokeResponse = StytchResponseBase

export interface SessionsExchangeRequest {
  organization_id: string
  session_token?: string
  session_jwt?: string
  session_duration_minutes?: number
  session_custom_claims?: SessionCustomClaimsInput
  locale?: string
  telemetry_id?: string
}

export type SessionsExchangeResponse = AuthenticatedResponseBase
