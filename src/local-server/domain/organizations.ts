// Organizations: lookup by id, slug or external id, Stytch's defaults, and creating one.
import { ORGANIZATION_SLUG_PATTERN, type Organization } from '../../wire/organizations.js'
import type { ServerContext } from './context.js'
import { organizationNotFound, StytchHttpError } from './errors.js'
import { looksLikeId, newId, rfc3339 } from './ids.js'
import { EXTERNAL_ID_PATTERN, type NewOrganizationFields } from './organization-fields.js'

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

/** Slug from free text: lower case, runs of other characters become `-` (UNCONFIRMED rule). */
function slugify(text: string): string {
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9._~]+/g, '-')
    .replace(/^-+|-+$/g, '')
  const safe = slug.length < 2 || looksLikeId('organization', slug) ? `org-${slug}` : slug
  return safe.replace(/-$/, '').slice(0, 120)
}

/** A slug derived from `base` that no organization uses yet: base, base-2, base-3, … */
function unusedSlug(ctx: ServerContext, base: string): string {
  for (let n = 1; n < 10_000; n += 1) {
    const candidate = n === 1 ? base : `${base}-${n}`
    if (ctx.store.findOrganizationBySlug(candidate) === undefined) return candidate
  }
  return `${base}-${newId(ctx, 'x').slice(7, 15)}`
}

/** Full Organization with Stytch's defaults applied under `settings`. */
function buildOrganization(
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
    organization_id: newId(ctx, 'organization'),
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

/** The 400 for a slug or external id another organization holds. */
function clashError(ctx: ServerContext, organization: Organization): StytchHttpError {
  const owner = ctx.store.findOrganizationBySlug(organization.organization_slug)
  const slugTaken = owner !== undefined && owner.organization_id !== organization.organization_id
  return slugTaken
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

/** Inserts, mapping a slug/external-id clash to 400 `organization_slug_already_used`. */
function insertOrganization(ctx: ServerContext, organization: Organization): void {
  if (!ctx.store.insertOrganization(organization)) throw clashError(ctx, organization)
}

/**
 * Saves a changed organization; a slug or external id that another organization holds
 * (case-insensitively) answers 400 `organization_slug_already_used` /
 * `organization_external_id_already_used` and nothing is written.
 */
export function saveOrganization(ctx: ServerContext, organization: Organization): void {
  if (!ctx.store.updateOrganization(organization)) throw clashError(ctx, organization)
}

/**
 * Builds an organization with Stytch's defaults under the requested fields and inserts it. Without
 * a name it takes `fallback.name`; without a slug, a free one derived from `fallback.slugFrom`.
 */
export function createOrganization(
  ctx: ServerContext,
  fields: NewOrganizationFields & { claimedEmailDomains?: string[] | undefined },
  fallback: { name: string; slugFrom: string },
): Organization {
  const organization = buildOrganization(ctx, {
    name: fields.name ?? fallback.name,
    // UNCONFIRMED what Stytch does without a slug: derive a free one.
    slug: fields.slug ?? unusedSlug(ctx, slugify(fallback.slugFrom)),
    externalId: fields.externalId,
    claimedEmailDomains: fields.claimedEmailDomains,
    settings: fields.settings,
  })
  insertOrganization(ctx, organization)
  return organization
}
