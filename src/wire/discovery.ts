// Discovery: organizations an email address can reach, and the intermediate session token (IST)
// that carries a member's factors until they pick or create one.
import type { StytchResponseBase } from './common.js'
import type { Member } from './members.js'
import type { Organization, OrganizationSettingsInput } from './organizations.js'
import type {
  AuthenticatedResponseBase,
  MfaRequired,
  PrimaryRequired,
  SessionCustomClaimsInput,
} from './sessions.js'

/** An intermediate session token is valid for 10 minutes from the call that minted it. */
export const INTERMEDIATE_SESSION_LIFETIME_SECONDS = 600

export type MembershipType =
  | 'active_member'
  | 'pending_member'
  | 'invited_member'
  | 'eligible_to_join_by_email_domain'
  | 'eligible_to_join_by_oauth_tenant'

export interface Membership {
  type: MembershipType
  details?: Record<string, unknown> | null
  member?: Member | null
}

/** The DiscoveredOrganization object. */
export interface DiscoveredOrganization {
  member_authenticated: boolean
  organization?: Organization | null
  membership?: Membership | null
  primary_required?: PrimaryRequired | null
  mfa_required?: MfaRequired | null
}

export interface DiscoveryOrganizationsListRequest {
  intermediate_session_token?: string
  session_token?: string
  session_jwt?: string
}

export interface DiscoveryOrganizationsListResponse extends StytchResponseBase {
  email_address: string
  discovered_organizations: DiscoveredOrganization[]
  organization_id_hint?: string | null
}

export interface DiscoveryOrganizationsCreateRequest extends OrganizationSettingsInput {
  intermediate_session_token: string
  session_duration_minutes?: number
  session_custom_claims?: SessionCustomClaimsInput
  organization_name?: string
  organization_slug?: string
  organization_external_id?: string
  telemetry_id?: string
}

export interface DiscoveryIntermediateSessionsExchangeRequest {
  intermediate_session_token: string
  organization_id: string
  session_duration_minutes?: number
  session_custom_claims?: SessionCustomClaimsInput
  locale?: string
  telemetry_id?: string
}

export type DiscoveryOrganizationsCreateResponse = AuthenticatedResponseBase

export type DiscoveryIntermediateSessionsExchangeResponse = AuthenticatedResponseBase
