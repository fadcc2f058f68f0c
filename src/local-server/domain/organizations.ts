// Organization records: lookup by id/slug/external id, settings validation, defaults.
import {
  ORGANIZATION_NAME_MAX_LENGTH,
  ORGANIZATION_SLUG_PATTERN,
  type Organization,
} from '../../wire/organizations.js'
import type { ServerContext } from './context.js'
import { badRequest, organizationNotFound, StytchHttpError } from './errors.js'
import { looksLikeId, newId, rfc3339 } from './ids.js'
import { type JsonObject, optEnum, optObject, optString, optStringArray } from './request-fields.js'

/** Consumer email providers: never JIT domains, and org names derive from the local part. */
export const COMMON_EMAIL_DOMAINS = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'msn.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'aol.com',
  'proton.me',
  'protonmail.com',
  'gmx.com',
  'yandex.com',
  'mail.com',
  'zoho.com',
])

const AUTH_METHODS = [
  'sso',
  'magic_link',
  'email_otp',
  'password',
  'google_oauth',
  'microsoft_oauth',
  'slack_oauth',
  'github_oauth',
  'hubspot_oauth',
]
const EXTERNAL_ID_PATTERN = /^[A-Za-z0-9._|-]{1,128}$/
const DOMAIN_PATTERN =
  /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/

/**
 * Organization by id, slug or external id (Stytch accepts all three wherever an
 * `organization_id` is asked for). A reference shaped like an organization id is only ever
 * matched as an id, and one that could not be a slug or external id is not looked up as one.
 */
export function findOrganization(ctx: ServerContext, reference: string): Organization | undefined {
  if (looksLikeId('organization', reference)) return ctx.store.getOrganization(reference)
  return (
    ctx.store.getOrganization(reference) ??
    (ORGANIZATION_SLUG_PATTERN.test(reference)
      ? ctx.store.findOrganizationBySlug(reference)
      : undefined) ??
    (EXTERNAL_ID_PATTERN.test(reference)
      ? ctx.store.findOrganizationByExternalId(reference)
      : undefined)
  )
}

/** `findOrganization`, or 404 `organization_not_found`. */
export function resolveOrganization(ctx: ServerContext, reference: string): Organization {
  const found = findOrganization(ctx, reference)
  if (found === undefined) throw organizationNotFound()
  return found
}

function subset(field: string, values: string[] | undefined, allowed: readonly string[]) {
  const wrong = values?.find((value) => !allowed.includes(value))
  if (wrong !== undefined) throw badRequest(`${field} contains an unknown value: ${wrong}.`)
  return values
}

/** Policy fields of org create (3.13) and discovery org create (3.6), validated; absent = unset. */
export function readOrganizationSettings(body: JsonObject): Partial<Organization> {
  const all = ['ALL_ALLOWED', 'RESTRICTED', 'NOT_ALLOWED'] as const
  const domains = optStringArray(body, 'email_allowed_domains')?.map((d) => d.toLowerCase())
  for (const domain of domains ?? []) {
    if (!DOMAIN_PATTERN.test(domain))
      throw badRequest(`email_allowed_domains: invalid domain ${domain}.`)
    if (COMMON_EMAIL_DOMAINS.has(domain)) {
      throw new StytchHttpError(
        400,
        'organization_settings_domain_too_common',
        `${domain} is too common to be an allowed domain.`,
      )
    }
  }
  const assignments = body.rbac_email_implicit_role_assignments
  if (assignments !== undefined && assignments !== null) {
    const valid =
      Array.isArray(assignments) &&
      assignments.every(
        (a) =>
          typeof a === 'object' &&
          a !== null &&
          typeof a.domain === 'string' &&
          typeof a.role_id === 'string',
      )
    if (!valid)
      throw badRequest('rbac_email_implicit_role_assignments must be [{domain, role_id}].')
  }
  const settings: Partial<Organization> = {
    organization_logo_url: optString(body, 'organization_logo_url'),
    trusted_metadata: optObject(body, 'trusted_metadata'),
    sso_jit_provisioning: optEnum(body, 'sso_jit_provisioning', all),
    email_allowed_domains: domains,
    email_jit_provisioning: optEnum(body, 'email_jit_provisioning', ['RESTRICTED', 'NOT_ALLOWED']),
    email_invites: optEnum(body, 'email_invites', all),
    auth_methods: optEnum(body, 'auth_methods', ['ALL_ALLOWED', 'RESTRICTED']),
    allowed_auth_methods: subset(
      'allowed_auth_methods',
      optStringArray(body, 'allowed_auth_methods'),
      AUTH_METHODS,
    ),
    mfa_policy: optEnum(body, 'mfa_policy', ['OPTIONAL', 'REQUIRED_FOR_ALL']),
    rbac_email_implicit_role_assignments: (assignments ?? undefined) as
      | Organization['rbac_email_implicit_role_assignments']
      | undefined,
    mfa_methods: optEnum(body, 'mfa_methods', ['ALL_ALLOWED', 'RESTRICTED']),
    allowed_mfa_methods: subset(
      'allowed_mfa_methods',
      optStringArray(body, 'allowed_mfa_methods'),
      ['sms_otp', 'totp'],
    ),
    oauth_tenant_jit_provisioning: optEnum(body, 'oauth_tenant_jit_provisioning', [
      'RESTRICTED',
      'NOT_ALLOWED',
    ]),
    allowed_oauth_tenants: optObject(body, 'allowed_oauth_tenants'),
    first_party_connected_apps_allowed_type: optEnum(
      body,
      'first_party_connected_apps_allowed_type',
      all,
    ),
    allowed_first_party_connected_apps: optStringArray(body, 'allowed_first_party_connected_apps'),
    third_party_connected_apps_allowed_type: optEnum(
      body,
      'third_party_connected_apps_allowed_type',
      all,
    ),
    allowed_third_party_connected_apps: optStringArray(body, 'allowed_third_party_connected_apps'),
  }
  for (const key of Object.keys(settings) as (keyof Organization)[]) {
    if (settings[key] === undefined) delete settings[key]
  }
  return settings
}

/** Validated name, 1..128 characters (400 `organization_name_missing` / `invalid_organization_name`). */
export function checkOrganizationName(name: string | undefined): string {
  if (name === undefined || name.trim() === '') {
    throw new StytchHttpError(400, 'organization_name_missing', 'organization_name is required.')
  }
  if (name.length > ORGANIZATION_NAME_MAX_LENGTH) {
    throw new StytchHttpError(400, 'invalid_organization_name', 'organization_name is too long.')
  }
  return name
}

/**
 * Validated slug (400 `invalid_organization_slug`). Every path that sets a slug goes through
 * here. A slug shaped like an organization id (`organization-test-…`, `organization-live-…`) is
 * refused: ids and slugs are accepted in the same `organization_id` fields, so such a slug would
 * let one organization pass for another wherever a caller trusts the string it looked up.
 */
export function checkOrganizationSlug(slug: string): string {
  if (!ORGANIZATION_SLUG_PATTERN.test(slug)) {
    throw new StytchHttpError(
      400,
      'invalid_organization_slug',
      'organization_slug must be 2-128 characters of A-Z a-z 0-9 - . _ ~',
    )
  }
  if (looksLikeId('organization', slug)) {
    throw new StytchHttpError(
      400,
      'invalid_organization_slug',
      'organization_slug may not start with organization-test- or organization-live-: those are organization ids.',
    )
  }
  return slug
}

/** Validated external id (400 `invalid_organization_external_id`), never shaped like an id. */
export function checkExternalId(externalId: string): string {
  if (!EXTERNAL_ID_PATTERN.test(externalId)) {
    throw new StytchHttpError(
      400,
      'invalid_organization_external_id',
      'organization_external_id must be at most 128 characters of A-Z a-z 0-9 . _ - |',
    )
  }
  if (looksLikeId('organization', externalId)) {
    throw new StytchHttpError(
      400,
      'invalid_organization_external_id',
      'organization_external_id may not start with organization-test- or organization-live-: those are organization ids.',
    )
  }
  return externalId
}

/** Slug from free text: lower case, runs of other characters become `-` (UNCONFIRMED rule). */
export function slugify(text: string): string {
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9._~]+/g, '-')
    .replace(/^-+|-+$/g, '')
  const safe = slug.length < 2 || looksLikeId('organization', slug) ? `org-${slug}` : slug
  return safe.replace(/-$/, '').slice(0, 120)
}

/** A slug derived from `base` that no organization uses yet: base, base-2, base-3, … */
export function unusedSlug(ctx: ServerContext, base: string): string {
  for (let n = 1; n < 10_000; n += 1) {
    const candidate = n === 1 ? base : `${base}-${n}`
    if (ctx.store.findOrganizationBySlug(candidate) === undefined) return candidate
  }
  return `${base}-${newId('x').slice(7, 15)}`
}

/** Full Organization with Stytch's defaults applied under `settings`. */
export function buildOrganization(
  ctx: ServerContext,
  input: {
    name: string
    slug: string
    externalId?: string | undefined
    claimedEmailDomains?: string[] | undefined
    settings: Partial<Organization>
  },
): Organization {
  const now = rfc3339(ctx.now())
  const authSettingSent = [
    'sso_jit_provisioning',
    'email_allowed_domains',
    'email_jit_provisioning',
    'email_invites',
    'auth_methods',
    'allowed_auth_methods',
  ].some((key) => key in input.settings)
  return {
    organization_id: newId('organization'),
    organization_name: input.name,
    organization_logo_url: '',
    organization_slug: input.slug,
    sso_jit_provisioning: 'ALL_ALLOWED',
    sso_jit_provisioning_allowed_connections: [],
    sso_active_connections: [],
    email_allowed_domains: [],
    email_jit_provisioning: 'NOT_ALLOWED',
    email_invites: authSettingSent ? 'NOT_ALLOWED' : 'ALL_ALLOWED',
    auth_methods: 'ALL_ALLOWED',
    allowed_auth_methods: [],
    mfa_policy: 'OPTIONAL',
    rbac_email_implicit_role_assignments: [],
    mfa_methods: 'ALL_ALLOWED',
    allowed_mfa_methods: [],
    oauth_tenant_jit_provisioning: 'NOT_ALLOWED',
    claimed_email_domains: input.claimedEmailDomains ?? [],
    first_party_connected_apps_allowed_type: 'ALL_ALLOWED',
    allowed_first_party_connected_apps: [],
    third_party_connected_apps_allowed_type: 'ALL_ALLOWED',
    allowed_third_party_connected_apps: [],
    custom_roles: [],
    trusted_metadata: {},
    created_at: now,
    updated_at: now,
    organization_external_id: input.externalId ?? null,
    sso_default_connection_id: null,
    scim_active_connection: null,
    allowed_oauth_tenants: {},
    ...input.settings,
  }
}

/** Inserts, mapping a slug/external-id clash to 400 `organization_slug_already_used`. */
export function insertOrganization(ctx: ServerContext, organization: Organization): void {
  if (ctx.store.insertOrganization(organization)) return
  const slugTaken = ctx.store.findOrganizationBySlug(organization.organization_slug) !== undefined
  throw slugTaken
    ? new StytchHttpError(
        400,
        'organization_slug_already_used',
        'organization_slug is already used.',
      )
    : new StytchHttpError(
        400,
        'organization_external_id_already_used',
        'organization_external_id is already used.',
      )
}
