// Stytch B2B JSON shapes (snake_case), exactly as sent on the wire; types only plus endpoint paths.

/** RFC 3339 UTC timestamp string, e.g. `2023-01-09T07:41:52Z`. */
export type Rfc3339 = string

/** Fields every successful Stytch answer carries. */
export interface StytchResponseBase {
  request_id: string
  status_code: number
}

/** Error envelope for every non-2xx answer (spec 8.1). */
export interface StytchErrorBody {
  status_code: number
  request_id: string
  error_type: string
  error_message: string
  error_url: string
  error_details?: Record<string, unknown> | null
}

export type JitProvisioning = 'ALL_ALLOWED' | 'RESTRICTED' | 'NOT_ALLOWED'
export type EmailJitProvisioning = 'RESTRICTED' | 'NOT_ALLOWED'
export type AllowedType = 'ALL_ALLOWED' | 'RESTRICTED' | 'NOT_ALLOWED'
export type AuthMethods = 'ALL_ALLOWED' | 'RESTRICTED'
export type MfaPolicy = 'REQUIRED_FOR_ALL' | 'OPTIONAL'
export type MemberStatus = 'pending' | 'invited' | 'active' | 'deleted'
export type MembershipType =
  | 'active_member'
  | 'pending_member'
  | 'invited_member'
  | 'eligible_to_join_by_email_domain'
  | 'eligible_to_join_by_oauth_tenant'

export interface ActiveSsoConnection {
  connection_id: string
  display_name: string
  identity_provider: string
}

export interface ActiveScimConnection {
  connection_id: string
  display_name: string
  bearer_token_last_four: string
  bearer_token_expires_at?: Rfc3339 | null
}

export interface EmailImplicitRoleAssignment {
  domain: string
  role_id: string
}

export interface RolePermission {
  resource_id: string
  actions: string[]
}

export interface CustomRole {
  role_id: string
  description: string
  permissions: RolePermission[]
}

/** Organization object (spec 4.1). */
export interface Organization {
  organization_id: string
  organization_name: string
  organization_logo_url: string
  organization_slug: string
  sso_jit_provisioning: JitProvisioning
  sso_jit_provisioning_allowed_connections: string[]
  sso_active_connections: ActiveSsoConnection[]
  email_allowed_domains: string[]
  email_jit_provisioning: EmailJitProvisioning
  email_invites: AllowedType
  auth_methods: AuthMethods
  allowed_auth_methods: string[]
  mfa_policy: MfaPolicy
  rbac_email_implicit_role_assignments: EmailImplicitRoleAssignment[]
  mfa_methods: AuthMethods
  allowed_mfa_methods: string[]
  oauth_tenant_jit_provisioning: EmailJitProvisioning
  claimed_email_domains: string[]
  first_party_connected_apps_allowed_type: AllowedType
  allowed_first_party_connected_apps: string[]
  third_party_connected_apps_allowed_type: AllowedType
  allowed_third_party_connected_apps: string[]
  custom_roles: CustomRole[]
  trusted_metadata?: Record<string, unknown> | null
  created_at?: Rfc3339 | null
  updated_at?: Rfc3339 | null
  organization_external_id?: string | null
  sso_default_connection_id?: string | null
  scim_active_connection?: ActiveScimConnection | null
  allowed_oauth_tenants?: Record<string, unknown> | null
}

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

/** Member object (spec 4.2). */
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

export interface EmailFactor {
  email_id: string
  email_address: string
}

/** One authentication factor of a session (spec 4.4); only the email factor is modelled in detail. */
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

/** MemberSession object (spec 4.3). */
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

/** PrimaryRequired (spec 4.7). */
export interface PrimaryRequired {
  allowed_auth_methods: string[]
}

export interface MfaMemberOptions {
  mfa_phone_number: string
  totp_registration_id: string
}

/** MfaRequired (spec 4.8). */
export interface MfaRequired {
  member_options?: MfaMemberOptions | null
  secondary_auth_initiated?: string | null
}

/** Membership (spec 4.6). */
export interface Membership {
  type: MembershipType
  details?: Record<string, unknown> | null
  member?: Member | null
}

/** DiscoveredOrganization (spec 4.5). */
export interface DiscoveredOrganization {
  member_authenticated: boolean
  organization?: Organization | null
  membership?: Membership | null
  primary_required?: PrimaryRequired | null
  mfa_required?: MfaRequired | null
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

/** One public key of the JWKS (spec 3.11); `x5tS256` is spelled without `#` on the wire. */
export interface Jwk {
  kty: string
  use: string
  key_ops: string[]
  alg: string
  kid: string
  x5c: string[]
  x5tS256: string
  n: string
  e: string
}

export interface JwksResponse extends StytchResponseBase {
  keys: Jwk[]
}

/** Custom claims as sent in requests: `null` deletes a key (spec 10.3). */
export type SessionCustomClaimsInput = Record<string, unknown>

/** Decoded `https://stytch.com/session` claim (spec 9.3). */
export interface SessionJwtSessionClaim {
  id: string
  started_at: Rfc3339
  last_accessed_at: Rfc3339
  expires_at: Rfc3339
  attributes: { user_agent: string; ip_address: string }
  authentication_factors: AuthenticationFactor[]
  roles: string[]
}

/** Decoded `https://stytch.com/organization` claim (spec 9.3). */
export interface SessionJwtOrganizationClaim {
  organization_id: string
  slug: string
}

/** Decoded session JWT payload; custom claims are extra top-level keys (spec 9.4). */
export interface SessionJwtPayload {
  aud: string[]
  exp: number
  iat: number
  nbf: number
  iss: string
  sub: string
  'https://stytch.com/session': SessionJwtSessionClaim
  'https://stytch.com/organization': SessionJwtOrganizationClaim
  [customClaim: string]: unknown
}

/** Decoded session JWT header (spec 9.1). */
export interface SessionJwtHeader {
  alg: 'RS256'
  kid: string
  typ: 'JWT'
}

// ---------------------------------------------------------------------------
// Email OTP (3.1 - 3.4)

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

/** Shared shape of every call that may end in a session or an IST (3.2, 3.6, 3.7, 3.10). */
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

// ---------------------------------------------------------------------------
// Discovery (3.5 - 3.7)

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

/** Organization settings accepted by org create (3.13) and discovery org create (3.6). */
export interface OrganizationSettingsInput {
  organization_logo_url?: string
  trusted_metadata?: Record<string, unknown>
  sso_jit_provisioning?: JitProvisioning
  email_allowed_domains?: string[]
  email_jit_provisioning?: EmailJitProvisioning
  email_invites?: AllowedType
  auth_methods?: AuthMethods
  allowed_auth_methods?: string[]
  mfa_policy?: MfaPolicy
  rbac_email_implicit_role_assignments?: EmailImplicitRoleAssignment[]
  mfa_methods?: AuthMethods
  allowed_mfa_methods?: string[]
  oauth_tenant_jit_provisioning?: EmailJitProvisioning
  allowed_oauth_tenants?: Record<string, unknown>
  first_party_connected_apps_allowed_type?: AllowedType
  allowed_first_party_connected_apps?: string[]
  third_party_connected_apps_allowed_type?: AllowedType
  allowed_third_party_connected_apps?: string[]
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

export type DiscoveryOrganizationsCreateResponse = AuthenticatedResponseBase

export interface DiscoveryIntermediateSessionsExchangeRequest {
  intermediate_session_token: string
  organization_id: string
  session_duration_minutes?: number
  session_custom_claims?: SessionCustomClaimsInput
  locale?: string
  telemetry_id?: string
}

export type DiscoveryIntermediateSessionsExchangeResponse = AuthenticatedResponseBase

// ---------------------------------------------------------------------------
// Sessions (3.8 - 3.12)

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

/** Query string of GET /v1/b2b/sessions. */
export interface SessionsGetRequest {
  organization_id: string
  member_id: string
}

export interface SessionsGetResponse extends StytchResponseBase {
  member_sessions: MemberSession[]
}

// ---------------------------------------------------------------------------
// Organizations and members (3.13 - 3.17)

export interface OrganizationsCreateRequest extends OrganizationSettingsInput {
  organization_name: string
  organization_slug?: string
  organization_external_id?: string
  claimed_email_domains?: string[]
}

export interface OrganizationsCreateResponse extends StytchResponseBase {
  organization: Organization
}

export type OrganizationsGetResponse = OrganizationsCreateResponse

export type OrganizationSearchFilterName =
  | 'organization_ids'
  | 'organization_slugs'
  | 'organization_name_fuzzy'
  | 'organization_slug_fuzzy'
  | 'member_emails'
  | 'member_email_fuzzy'
  | 'allowed_domains'
  | 'allowed_domain_fuzzy'
  | 'claimed_email_domains'
  | 'has_active_sso_connection'
  | 'sso_connection_id'

export interface OrganizationSearchOperand {
  filter_name: OrganizationSearchFilterName
  filter_value: string | string[] | boolean
}

export interface OrganizationSearchQuery {
  operator: 'AND' | 'OR'
  operands: OrganizationSearchOperand[]
}

export interface OrganizationsSearchRequest {
  cursor?: string
  limit?: number
  query?: OrganizationSearchQuery
}

export interface ResultsMetadata {
  total: number
  next_cursor?: string | null
}

export interface OrganizationsSearchResponse extends StytchResponseBase {
  organizations: Organization[]
  results_metadata: ResultsMetadata
}

export interface MembersCreateRequest {
  email_address: string
  name?: string
  trusted_metadata?: Record<string, unknown>
  untrusted_metadata?: Record<string, unknown>
  create_member_as_pending?: boolean
  is_breakglass?: boolean
  mfa_phone_number?: string
  mfa_enrolled?: boolean
  roles?: string[]
  external_id?: string
}

export interface MembersCreateResponse extends StytchResponseBase {
  member_id: string
  member: Member
  organization: Organization
}

/** Query string of GET /v1/b2b/organizations/{organization_id}/member: one of the two. */
export interface MembersGetRequest {
  member_id?: string
  email_address?: string
}

export type MembersGetResponse = MembersCreateResponse

// ---------------------------------------------------------------------------
// RBAC (3.18)

export interface PolicyRole {
  role_id: string
  description: string
  permissions: RolePermission[]
}

export interface PolicyResource {
  resource_id: string
  description: string
  actions: string[]
}

export interface PolicyScope {
  scope: string
  description: string
  permissions: RolePermission[]
}

export interface RbacPolicy {
  roles: PolicyRole[]
  resources: PolicyResource[]
  scopes: PolicyScope[]
}

export interface RbacPolicyResponse extends StytchResponseBase {
  policy?: RbacPolicy | null
}

export interface RbacOrgPolicyResponse extends StytchResponseBase {
  org_policy: { roles: PolicyRole[] }
}

// ---------------------------------------------------------------------------
// Paths

/** Every Stytch path used by this package; `{x}` marks a path parameter. */
export const STYTCH_PATHS = {
  otpEmailLoginOrSignup: '/v1/b2b/otps/email/login_or_signup',
  otpEmailAuthenticate: '/v1/b2b/otps/email/authenticate',
  otpEmailDiscoverySend: '/v1/b2b/otps/email/discovery/send',
  otpEmailDiscoveryAuthenticate: '/v1/b2b/otps/email/discovery/authenticate',
  discoveryOrganizations: '/v1/b2b/discovery/organizations',
  discoveryOrganizationsCreate: '/v1/b2b/discovery/organizations/create',
  discoveryIntermediateSessionsExchange: '/v1/b2b/discovery/intermediate_sessions/exchange',
  sessionsAuthenticate: '/v1/b2b/sessions/authenticate',
  sessionsRevoke: '/v1/b2b/sessions/revoke',
  sessionsExchange: '/v1/b2b/sessions/exchange',
  sessionsJwks: '/v1/b2b/sessions/jwks/{project_id}',
  sessionsGet: '/v1/b2b/sessions',
  organizationsCreate: '/v1/b2b/organizations',
  organizationsGet: '/v1/b2b/organizations/{organization_id}',
  organizationsSearch: '/v1/b2b/organizations/search',
  membersCreate: '/v1/b2b/organizations/{organization_id}/members',
  membersGet: '/v1/b2b/organizations/{organization_id}/member',
  rbacPolicy: '/v1/b2b/rbac/policy',
  rbacOrgPolicy: '/v1/b2b/rbac/organizations/{organization_id}',
} as const
