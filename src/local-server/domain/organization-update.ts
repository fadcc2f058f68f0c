// Organization update and delete (https://stytch.com/docs/b2b/api/update-organization,
// https://stytch.com/docs/b2b/api/delete-organization; fields as stytch
// `dist/b2b/organizations.js` sends them). What changes here is what login_or_signup, discovery
// and sessions read next: they all read the stored organization.
import { ORGANIZATION_UPDATE_ACTIONS, type Organization } from '../../wire/organizations.js'
import type { ServerContext } from './context.js'
import { badRequest, StytchHttpError } from './errors.js'
import { lowerAscii, rfc3339 } from './ids.js'
import {
  authorize,
  type MemberCaller,
  notAuthorized,
  STYTCH_RESOURCE,
} from './member-authorization.js'
import { mergeMetadata } from './metadata.js'
import { readNewOrganization } from './organization-fields.js'
import { saveOrganization } from './organizations.js'
import { type JsonObject, optObject, optString, optStringArray } from './request-fields.js'

/** Fields of the request that are set (absent and null mean "leave unchanged"). */
function sentFields(body: JsonObject): string[] {
  return Object.keys(ORGANIZATION_UPDATE_ACTIONS).filter(
    (field) => Object.hasOwn(body, field) && body[field] !== null && body[field] !== undefined,
  )
}

/**
 * With a member session, each sent field needs its `stytch.organization` action; fields a member
 * may not set at all (trusted_metadata, ...) are refused with the same 403.
 */
function authorizeFields(
  caller: MemberCaller | undefined,
  organizationId: string,
  fields: string[],
) {
  if (caller === undefined) return
  const needs = fields.map((field) => {
    const action = ORGANIZATION_UPDATE_ACTIONS[field]
    if (action === null || action === undefined) throw notAuthorized()
    return [{ resource: STYTCH_RESOURCE.organization, action }]
  })
  authorize(caller, organizationId, needs)
}

/**
 * SSO connection fields: this server has no SSO connections, so only "none" can be named
 * (UNCONFIRMED error type for an unknown connection).
 */
function readSsoConnectionFields(body: JsonObject): Partial<Organization> {
  const defaultId = optString(body, 'sso_default_connection_id')
  const allowed = optStringArray(body, 'sso_jit_provisioning_allowed_connections')
  if (
    (defaultId !== undefined && defaultId !== '') ||
    (allowed !== undefined && allowed.length > 0)
  ) {
    throw badRequest('The organization has no SSO connection of that id.')
  }
  const fields: Partial<Organization> = {}
  if (defaultId !== undefined) fields.sso_default_connection_id = null
  if (allowed !== undefined) fields.sso_jit_provisioning_allowed_connections = []
  return fields
}

/**
 * Documented 400s for a RESTRICTED policy without its list
 * (https://stytch.com/docs/b2b/api/errors/400#allowed_auth_methods_required_for_restricted).
 */
function checkPolicy(organization: Organization): void {
  if (
    organization.auth_methods === 'RESTRICTED' &&
    organization.allowed_auth_methods.length === 0
  ) {
    throw new StytchHttpError(
      400,
      'allowed_auth_methods_required_for_restricted',
      "Allowed auth methods must be set for 'RESTRICTED' auth methods",
    )
  }
  if (organization.mfa_methods === 'RESTRICTED' && organization.allowed_mfa_methods.length === 0) {
    throw new StytchHttpError(
      400,
      'allowed_mfa_methods_required_for_restricted',
      "Allowed mfa methods must be set for 'RESTRICTED' auth methods",
    )
  }
}

/**
 * PUT /v1/b2b/organizations/{organization_id}: validates every sent field, checks the caller's
 * permissions, and saves the merged organization (metadata merged at the top level).
 */
export function updateOrganization(
  ctx: ServerContext,
  organization: Organization,
  body: JsonObject,
  caller: MemberCaller | undefined,
): Organization {
  authorizeFields(caller, organization.organization_id, sentFields(body))
  const fields = readNewOrganization(body)
  const trusted = optObject(body, 'trusted_metadata')
  const claimed = optStringArray(body, 'claimed_email_domains')?.map(lowerAscii)
  const sso = readSsoConnectionFields(body)
  if (fields.name !== undefined && fields.name.trim() === '') {
    throw new StytchHttpError(
      400,
      'organization_name_missing',
      'organization_name may not be empty.',
    )
  }
  const { trusted_metadata: _replaced, ...settings } = fields.settings
  const updated: Organization = {
    ...organization,
    ...settings,
    ...sso,
    organization_name: fields.name ?? organization.organization_name,
    organization_slug: fields.slug ?? organization.organization_slug,
    organization_external_id: fields.externalId ?? organization.organization_external_id,
    claimed_email_domains: claimed ?? organization.claimed_email_domains,
    trusted_metadata:
      trusted === undefined
        ? organization.trusted_metadata
        : mergeMetadata('trusted_metadata', organization.trusted_metadata, trusted),
    updated_at: rfc3339(ctx.now()),
  }
  checkPolicy(updated)
  saveOrganization(ctx, updated)
  return updated
}

/** DELETE /v1/b2b/organizations/{organization_id}: its members and their sessions go with it. */
export function deleteOrganization(
  ctx: ServerContext,
  organization: Organization,
  caller: MemberCaller | undefined,
): void {
  authorize(caller, organization.organization_id, [
    [{ resource: STYTCH_RESOURCE.organization, action: 'delete' }],
  ])
  ctx.store.deleteOrganization(organization.organization_id)
}
