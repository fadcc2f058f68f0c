// Members: the Member object (https://stytch.com/docs/api-reference/b2b/api/members/member-object).
import type { Rfc3339, StytchResponseBase } from './common.js'
import type { Organization, ResultsMetadata } from './organizations.js'

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

/**
 * What a member session needs to send each field of a member update (stytch
 * `types/lib/b2b/organizations_members.d.ts`, B2BOrganizationsMembersUpdateRequest; the same in
 * https://stytch.com/docs/b2b/api/update-member): the `stytch.member` action, and the
 * `stytch.self` action that also suffices when the session is the updated member's own. `null`:
 * a member session may not send the field (trusted_metadata: "You cannot update trusted metadata
 * when acting as a Member"; external_id has no documented action, UNCONFIRMED).
 */
export const MEMBER_UPDATE_ACTIONS: Readonly<
  Record<string, { member: string; self?: string } | null>
> = {
  name: { member: 'update.info.name', self: 'update.info.name' },
  untrusted_metadata: {
    member: 'update.info.untrusted-metadata',
    self: 'update.info.untrusted-metadata',
  },
  is_breakglass: { member: 'update.settings.is-breakglass' },
  mfa_phone_number: { member: 'update.info.mfa-phone', self: 'update.info.mfa-phone' },
  mfa_enrolled: { member: 'update.settings.mfa-enrolled', self: 'update.settings.mfa-enrolled' },
  roles: { member: 'update.settings.roles' },
  default_mfa_method: {
    member: 'update.settings.default-mfa-method',
    self: 'update.settings.default-mfa-method',
  },
  // "Members cannot update their own email address."
  email_address: { member: 'update.info.email' },
  trusted_metadata: null,
  external_id: null,
}

/** Member search filters (stytch `types/lib/b2b/organizations.d.ts`, MemberSearchOperand). */
export const MEMBER_SEARCH_FILTERS = [
  'member_ids',
  'member_emails',
  'member_email_fuzzy',
  'member_is_breakglass',
  'statuses',
  'member_phone_numbers',
  'member_phone_number_fuzzy',
] as const

/** Answer of member update, reactivate (and create / get): the member and its organization. */
export interface MemberResponse extends StytchResponseBase {
  member_id: string
  member: Member
  organization: Organization
}

/** Answer of DELETE /v1/b2b/organizations/{organization_id}/members/{member_id}. */
export interface MembersDeleteResponse extends StytchResponseBase {
  member_id: string
}

/** Answer of POST /v1/b2b/organizations/members/search. */
export interface MembersSearchResponse extends StytchResponseBase {
  members: Member[]
  results_metadata: ResultsMetadata
  /** The organizations of the members found, by organization_id. */
  organizations: Record<string, Organization>
}
