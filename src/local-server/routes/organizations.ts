// Organization routes: create, get, update, delete, search.

import { lowerAscii } from '../domain/ids.js'
import { memberCaller } from '../domain/member-authorization.js'
import { checkOrganizationName, readNewOrganization } from '../domain/organization-fields.js'
import { searchOrganizations } from '../domain/organization-search.js'
import { deleteOrganization, updateOrganization } from '../domain/organization-update.js'
import { createOrganization, resolveOrganization } from '../domain/organizations.js'
import { optString, optStringArray } from '../domain/request-fields.js'
import type { RouteHandler } from './handler.js'

/** POST /v1/b2b/organizations */
export const create: RouteHandler = (ctx, { body }) => {
  const name = checkOrganizationName(optString(body, 'organization_name'))
  const claimedEmailDomains = optStringArray(body, 'claimed_email_domains')?.map(lowerAscii)
  const fields = readNewOrganization(body)
  const organization = createOrganization(
    ctx,
    { ...fields, claimedEmailDomains },
    { name, slugFrom: name },
  )
  return { organization }
}

/** GET /v1/b2b/organizations/{organization_id} */
export const get: RouteHandler = (ctx, { params }) => ({
  organization: resolveOrganization(ctx, params.organization_id ?? ''),
})

/** POST /v1/b2b/organizations/search */
export const search: RouteHandler = (ctx, { body }) => ({ ...searchOrganizations(ctx, body) })

/** PUT /v1/b2b/organizations/{organization_id} */
export const update: RouteHandler = (ctx, { params, body, headers }) => {
  const organization = resolveOrganization(ctx, params.organization_id ?? '')
  return { organization: updateOrganization(ctx, organization, body, memberCaller(ctx, headers)) }
}

/** DELETE /v1/b2b/organizations/{organization_id}: answers the deleted organization's id. */
export const remove: RouteHandler = (ctx, { params, headers }) => {
  const organization = resolveOrganization(ctx, params.organization_id ?? '')
  deleteOrganization(ctx, organization, memberCaller(ctx, headers))
  return { organization_id: organization.organization_id }
}
