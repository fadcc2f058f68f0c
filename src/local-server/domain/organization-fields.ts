// Fields of an organization a request may set: validated settings, name, slug and external id.
import {
  isCommonEmailDomain,
  ORGANIZATION_NAME_MAX_LENGTH,
  ORGANIZATION_SLUG_PATTERN,
  type Organization,
} from '../../wire/organizations.js'
import { badRequest, StytchHttpError } from './errors.js'
import { looksLikeId } from './ids.js'
import { type JsonObject, optEnum, optObject, optString, optStringArray } from './request-fields.js'

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
/** Shape of an external id (slugs follow ORGANIZATION_SLUG_PATTERN). */
export const EXTERNAL_ID_PATTERN = /^[A-Za-z0-9._|-]{1,128}$/
const DOMAIN_PATTERN =
  /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/

function subset(field: string, values: string[] | undefined, allowed: readonly string[]) {
  const wrong = values?.find((value) => !allowed.includes(value))
  if (wrong !== undefined) throw badRequest(`${field} contains an unknown value: ${wrong}.`)
  return values
}

/** Policy fields of organizations create and discovery create, validated; absent = unset. */
function readOrganizationSettings(body: JsonObject): Partial<Organization> {
  const all = ['ALL_ALLOWED', 'RESTRICTED', 'NOT_ALLOWED'] as const
  const domains = optStringArray(body, 'email_allowed_domains')?.map((d) => d.toLowerCase())
  for (const domain of domains ?? []) {
    if (!DOMAIN_PATTERN.test(domain))
      throw badRequest(`email_allowed_domains: invalid domain ${domain}.`)
    if (isCommonEmailDomain(domain)) {
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
 * A slug or external id: matches its pattern (400 `invalid_organization_<field>` otherwise) and
 * is never shaped like an organization id (`organization-test-…`, `organization-live-…`). Ids,
 * slugs and external ids are accepted in the same `organization_id` fields, so an id-shaped one
 * would let one organization pass for another wherever a caller trusts the string it looked up.
 */
function checkReference(
  field: 'slug' | 'external_id',
  value: string,
  pattern: RegExp,
  shape: string,
): string {
  const fail = (why: string) =>
    new StytchHttpError(400, `invalid_organization_${field}`, `organization_${field} ${why}`)
  if (!pattern.test(value)) throw fail(`must be ${shape}`)
  if (looksLikeId('organization', value)) {
    throw fail(
      'may not start with organization-test- or organization-live-: those are organization ids.',
    )
  }
  return value
}

/** Validated slug (400 `invalid_organization_slug`). Every path that sets a slug goes through here. */
const checkOrganizationSlug = (slug: string) =>
  checkReference('slug', slug, ORGANIZATION_SLUG_PATTERN, '2-128 characters of A-Z a-z 0-9 - . _ ~')

/** Validated external id (400 `invalid_organization_external_id`). */
const checkExternalId = (externalId: string) =>
  checkReference(
    'external_id',
    externalId,
    EXTERNAL_ID_PATTERN,
    'at most 128 characters of A-Z a-z 0-9 . _ - |',
  )

/** What a create request asks of a new organization, validated; absent fields are undefined. */
export interface NewOrganizationFields {
  name?: string | undefined
  slug?: string | undefined
  externalId?: string | undefined
  settings: Partial<Organization>
}

/**
 * Reads organization_name, organization_slug, organization_external_id and the policy fields of
 * a create request (organizations create and discovery create), each validated when present.
 */
export function readNewOrganization(body: JsonObject): NewOrganizationFields {
  const name = optString(body, 'organization_name')
  const slug = optString(body, 'organization_slug')
  const externalId = optString(body, 'organization_external_id')
  const settings = readOrganizationSettings(body)
  if (name !== undefined) checkOrganizationName(name)
  if (slug !== undefined) checkOrganizationSlug(slug)
  if (externalId !== undefined) checkExternalId(externalId)
  return { name, slug, externalId, settings }
}
