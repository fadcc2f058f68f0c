// Members: the Member object (https://stytch.com/docs/api-reference/b2b/api/members/member-object).
import type { Rfc3339 } from './common.js'

export type MemberStatus = 'pending' | 'invited' | 'active' | 'deleted'

export interface MemberRoleSource {
  type: string
  details?: Record<string, unknown> | null
}

export interface MemberRole {
  role_id: string
  sources: MemberRoleSource[]
}

export interface RetiredEmail {
  email_id: string
  email_address: string
}

export interface SsoRegistration {
  connection_id: string
  external_id: string
  registration_id: string
  sso_attributes?: Record<string, unknown> | null
}

export interface OAuthRegistration {
  provider_type: string
  provider_subject: string
  member_oauth_registration_id: string
  profile_picture_url?: string | null
  locale?: string | null
}

/** The Member object. */
export interface Member {
  organization_id: string
  member_id: string
  email_address: string
  status: MemberStatus
  name: string
  sso_registrations: SsoRegistration[]
  is_breakglass: boolean
  member_password_id: string
  oauth_registrations: OAuthRegistration[]
  email_address_verified: boolean
  mfa_phone_number_verified: boolean
  is_admin: boolean
  totp_registration_id: string
  retired_email_addresses: RetiredEmail[]
  is_locked: boolean
  mfa_enrolled: boolean
  mfa_phone_number: string
  default_mfa_method: string
  roles: MemberRole[]
  trusted_metadata?: Record<string, unknown> | null
  untrusted_metadata?: Record<string, unknown> | null
  created_at?: Rfc3339 | null
  updated_at?: Rfc3339 | null
  scim_registration?: Record<string, unknown> | null
  external_id?: string | null
  lock_created_at?: Rfc3339 | null
  lock_expires_at?: Rfc3339 | null
}
