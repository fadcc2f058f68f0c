// Member routes: create a member of an organization, get one by id, external id or email.
import type { Organization } from '../../wire/organizations.js'
import type { ServerContext } from '../domain/context.js'
import { badRequest, memberNotFound, StytchHttpError } from '../domain/errors.js'
import { emailKey, looksLikeId } from '../domain/ids.js'
import { findMember, newMemberRecord, renderMember } from '../domain/members.js'
import { resolveOrganization } from '../domain/organizations.js'
import { organizationRoles } from '../domain/rbac-policy.js'
import {
  optBoolean,
  optObject,
  optString,
  optStringArray,
  reqEmail,
} from '../domain/request-fields.js'
import type { RouteHandler } from './handler.js'

const E164 = /^\+[1-9]\d{6,14}$/

function knownRoles(ctx: ServerContext, organization: Organization): Set<string> {
  return new Set(organizationRoles(ctx, organization).map((role) => role.role_id))
}

/** POST /v1/b2b/organizations/{organization_id}/members */
export const create: RouteHandler = (ctx, { body, params }) => {
  const email = reqEmail(body)
  const name = optString(body, 'name')
  const trusted = optObject(body, 'trusted_metadata')
  const untrusted = optObject(body, 'untrusted_metadata')
  const pending = optBoolean(body, 'create_member_as_pending')
  const breakglass = optBoolean(body, 'is_breakglass')
  const phone = optString(body, 'mfa_phone_number') || undefined
  const mfaEnrolled = optBoolean(body, 'mfa_enrolled')
  const roles = optStringArray(body, 'roles')
  const externalId = optString(body, 'external_id') || undefined
  if (phone !== undefined && !E164.test(phone)) {
    throw new StytchHttpError(400, 'invalid_phone_number', 'mfa_phone_number must be E.164.')
  }
  if (externalId !== undefined && externalId.length > 128) {
    throw badRequest('external_id may be at most 128 characters.')
  }
  if (externalId !== undefined && looksLikeId('member', externalId)) {
    // Member lookups take an id or an external id: an id-shaped one would never be found.
    throw badRequest('external_id may not start with member-test- or member-live-.')
  }
  const organization = resolveOrganization(ctx, params.organization_id ?? '')
  const orgId = organization.organization_id
  const allowed = knownRoles(ctx, organization)
  const unknownRole = roles?.find((role) => !allowed.has(role))
  if (unknownRole !== undefined) {
    throw new StytchHttpError(400, 'role_not_found', `Role ${unknownRole} does not exist.`)
  }
  if (
    externalId !== undefined &&
    ctx.store.listMembersOfOrganization(orgId).some((m) => m.member.external_id === externalId)
  ) {
    throw new StytchHttpError(
      400,
      'duplicate_member_external_id',
      'A member of this organization already has this external_id.',
    )
  }
  const record = newMemberRecord(ctx, orgId, {
    email_address: email,
    status: pending ? 'pending' : 'active',
    email_address_verified: false,
    roles,
    name,
    mfa_enrolled: mfaEnrolled,
    is_breakglass: breakglass,
    mfa_phone_number: phone,
    external_id: externalId,
    trusted_metadata: trusted,
    untrusted_metadata: untrusted,
  })
  if (!ctx.store.insertMember(record)) {
    throw new StytchHttpError(
      400,
      'duplicate_member_email',
      'A member with this email already exists in this organization.',
    )
  }
  return {
    member_id: record.member.member_id,
    member: renderMember(ctx, record, organization),
    organization,
  }
}

/** GET /v1/b2b/organizations/{organization_id}/member?member_id=… or ?email_address=… */
export const get: RouteHandler = (ctx, { params, query }) => {
  const memberRef = query.get('member_id') || undefined
  const email = query.get('email_address') || undefined
  if (memberRef === undefined && email === undefined) {
    throw badRequest('member_id or email_address is required.')
  }
  const organization = resolveOrganization(ctx, params.organization_id ?? '')
  const record =
    memberRef !== undefined
      ? findMember(ctx, organization.organization_id, memberRef)
      : ctx.store.findMemberByEmail(organization.organization_id, emailKey(email ?? ''))
  if (record === undefined || record.member.status === 'deleted') throw memberNotFound()
  return {
    member_id: record.member.member_id,
    member: renderMember(ctx, record, organization),
    organization,
  }
}
