// Email one-time passcodes: org-scoped login or signup, and discovery (6-digit codes sent by email).
import type { Rfc3339, StytchResponseBase } from './common.js'
import type { DiscoveredOrganization } from './discovery.js'
import type { Member } from './members.js'
import type { Organization } from './organizations.js'
import type { AuthenticatedResponseBase, SessionCustomClaimsInput } from './sessions.js'

/**
 * Languages Stytch sends OTP emails in: English, Spanish, Brazilian Portuguese and French; without
 * `locale` the email is in English (the `locale` field of the official Node SDK's OTP calls).
 */
export const OTP_LOCALES = ['en', 'es', 'pt-br', 'fr'] as const

export interface OtpEmailLoginOrSignupRequest {
  organization_id: string
  email_address: string
  login_template_id?: string
  signup_template_id?: string
  locale?: string
  login_expiration_minutes?: number
  signup_expiration_minutes?: number
}

export interface OtpEmailLoginOrSignupResponse extends StytchResponseBase {
  member_id: string
  member_created: boolean
  member: Member
  organization: Organization
}

export interface OtpEmailAuthenticateRequest {
  organization_id: string
  email_address: string
  code: string
  session_token?: string
  session_jwt?: string
  intermediate_session_token?: string
  session_duration_minutes?: number
  session_custom_claims?: SessionCustomClaimsInput
  locale?: string
  telemetry_id?: string
}

export interface OtpEmailAuthenticateResponse extends AuthenticatedResponseBase {
  method_id: string
  organization_id: string
}

export interface OtpEmailDiscoverySendRequest {
  email_address: string
  login_template_id?: string
  locale?: string
  discovery_expiration_minutes?: number
}

export type OtpEmailDiscoverySendResponse = StytchResponseBase

export interface OtpEmailDiscoveryAuthenticateRequest {
  email_address: string
  code: string
}

export interface OtpEmailDiscoveryAuthenticateResponse extends StytchResponseBase {
  intermediate_session_token: string
  email_address: string
  discovered_organizations: DiscoveredOrganization[]
  intermediate_session_token_expires_at?: Rfc3339 | null
}
