// Organizations: the Organization object and the org calls
// (https://stytch.com/docs/api-reference/b2b/api/organizations/organization-object).
import type { Rfc3339, StytchResponseBase } from './common.js'
import type { RolePermission } from './rbac.js'

/** An organization slug: 2 to 128 of the URL-safe characters A-Z a-z 0-9 - . _ ~ */
export const ORGANIZATION_SLUG_PATTERN = /^[A-Za-z0-9\-._~]{2,128}$/

/** An organization name is at most 128 characters long. */
export const ORGANIZATION_NAME_MAX_LENGTH = 128

/**
 * Base names of consumer email providers that `email_allowed_domains` refuses under any TLD
 * (400 `organization_settings_domain_too_common`): Stytch's JIT-provisioning guide,
 * https://stytch.com/docs/multi-tenant-auth/enterprise-ready/org-management/jit-provision-members
 */
export const COMMON_EMAIL_DOMAIN_NAMES: ReadonlySet<string> = new Set([
  'gmail',
  'aol',
  'yahoo',
  'icloud',
  'hotmail',
  'msn',
  'comcast',
  'live',
  'outlook',
  'att',
  'earthlink',
  'me',
  'mac',
  'sbcglobal',
  'verizon',
  'ig',
  'mail',
  'hey',
  'laposte',
  'wanadoo',
  'googlemail',
  'orange',
  'rediffmail',
  'uol',
  'bol',
  'free',
  'gmx',
  'yandex',
  'ymail',
  'libero',
])

/**
 * Second-level labels under which country registries sell names (`yahoo.co.uk`, `uol.com.br`,
 * `hotmail.co.jp`). Not the Public Suffix List: enough to find the registered name of a consumer
 * provider's domain, so that `<name>.co.uk` counts as `<name>` under a TLD.
 */
const COUNTRY_SECOND_LEVELS = new Set(['ac', 'co', 'com', 'edu', 'gov', 'ne', 'net', 'or', 'org'])

/**
 * True when `domain` (lower case) is a common provider's base name under some TLD: `gmail.com`,
 * `hotmail.fr`, `yahoo.co.uk`, `uol.com.br`. A subdomain of another name is not (`mail.corp.com`
 * names `corp`), and other names under a provider's TLD are not (`proton.me`, `zoho.com`).
 */
export function isCommonEmailDomain(domain: string): boolean {
  const labels = domain.split('.')
  const [name, ...suffix] = labels
  if (name === undefined || !COMMON_EMAIL_DOMAIN_NAMES.has(name)) return false
  if (suffix.length === 1) return true
  const [second, country] = suffix
  return (
    suffix.length === 2 &&
    second !== undefined &&
    country !== undefined &&
    COUNTRY_SECOND_LEVELS.has(second) &&
    /^[a-z]{2}$/.test(country)
  )
}

export type JitProvisioning = 'ALL_ALLOWED' | 'RESTRICTED' | 'NOT_ALLOWED'
export type EmailJitProvisioning = 'RESTRICTED' | 'NOT_ALLOWED'
export type AllowedType = 'ALL_ALLOWED' | 'RESTRICTED' | 'NOT_ALLOWED'
export type AuthMethods = 'ALL_ALLOWED' | 'RESTRICTED'
export type MfaPolicy = 'REQUIRED_FOR_ALL' | 'OPTIONAL'

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

export interface CustomRole {
  role_id: string
  description: string
  permissions: RolePermission[]
}

/** The Organization object. */
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

/** Organization settings accepted by organization create and discovery organization create. */
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

export interface ResultsMetadata {
  total: number
  next_cursor?: string | null
}

/** Answer of POST /v1/b2b/organizations/search. */
export interface OrganizationsSearchResponse extends StytchResponseBase {
  organizations: Organization[]
  results_metadata: ResultsMetadata
}

/** Answer of PUT /v1/b2b/organizations/{organization_id}. */
export interface OrganizationsUpdateResponse extends StytchResponseBase {
  organization: Organization
}

/** Answer of DELETE /v1/b2b/organizations/{organization_id}. */
export interface OrganizationsDeleteResponse extends StytchResponseBase {
  organization_id: string
}

/**
 * The `stytch.organization` action a member session needs to send each field of an organization
 * update (stytch `types/lib/b2b/organizations.d.ts`, B2BOrganizationsUpdateRequest; the same in
 * https://stytch.com/docs/b2b/api/update-organization). `null`: a member session may not send the
 * field at all (trusted_metadata: "You cannot update trusted metadata when acting as a Member";
 * the others have no documented action, UNCONFIRMED, refused the same way).
 */
export const ORGANIZATION_UPDATE_ACTIONS: Readonly<Record<string, string | null>> = {
  organization_name: 'update.info.name',
  organization_slug: 'update.info.slug',
  organization_logo_url: 'update.info.logo-url',
  sso_default_connection_id: 'update.settings.default-sso-connection',
  sso_jit_provisioning: 'update.settings.sso-jit-provisioning',
  sso_jit_provisioning_allowed_connections: 'update.settings.sso-jit-provisioning',
  email_allowed_domains: 'update.settings.allowed-domains',
  email_jit_provisioning: 'update.settings.email-jit-provisioning',
  email_invites: 'update.settings.email-invites',
  auth_methods: 'update.settings.allowed-auth-methods',
  allowed_auth_methods: 'update.settings.allowed-auth-methods',
  mfa_policy: 'update.settings.mfa-policy',
  rbac_email_implicit_role_assignments: 'update.settings.implicit-roles',
  mfa_methods: 'update.settings.allowed-mfa-methods',
  allowed_mfa_methods: 'update.settings.allowed-mfa-methods',
  oauth_tenant_jit_provisioning: 'update.settings.oauth-tenant-jit-provisioning',
  allowed_oauth_tenants: 'update.settings.allowed-oauth-tenants',
  trusted_metadata: null,
  organization_external_id: null,
  claimed_email_domains: null,
  first_party_connected_apps_allowed_type: null,
  allowed_first_party_connected_apps: null,
  third_party_connected_apps_allowed_type: null,
  allowed_third_party_connected_apps: null,
}
