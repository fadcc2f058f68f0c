// Member routes: create, get (by id, external id or email), update, delete, reactivate, search.
import type { Organization } from '../../wire/organizations.js'
import type { ServerContext } from '../domain/context.js'
import { badRequest, memberNotFound, StytchHttpError } from '../domain/errors.js'
import { emailKey } from '../domain/ids.js'
import { authorize, memberCaller, STYTCH_RESOURCE } from '../domain/member-authorization.js'
import {
  checkExternalIdFree,
  checkMemberExternalId,
  checkPhoneNumber,
  checkRoles,
} from '../domain/member-fields.js'
import { searchMembers } from '../domain/member-search.js'
import { deleteMember, reactivateMember, updateMember } from '../domain/member-update.js'
import { findMember, newMemberRecord, renderMember } from '../domain/members.js'
import { resolveOrganization } from '../domain/organizations.js'
import {
  optBoolean,
  optObject,
  optString,
  optStringArray,
  reqEmail,
} from '../domain/request-fields.js'
import type { MemberRecord } from '../store/local-store.js'
import type { RouteHandler, RouteRequest } from './handler.js'

/** POST /v1/b2b/organizations/{organization_id}/members */
export const create: RouteHandler = (ctx, { body, params, headers }) => {
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
  if (phone !== undefined) checkPhoneNumber(phone)
  if (externalId !== undefined) checkMemberExternalId(externalId)
  const organization = resolveOrganization(ctx, params.organization_id ?? '')
  const orgId = organization.organization_id
  // https://stytch.com/docs/b2b/api/create-member: a member session needs stytch.member:create.
  authorize(memberCaller(ctx, headers), orgId, [
    [{ resource: STYTCH_RESOURCE.member, action: 'create' }],
  ])
  if (roles !== undefined) checkRoles(ctx, organization, roles)
  if (externalId !== undefined) checkExternalIdFree(ctx, orgId, externalId)
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

/** The body of every answer about one member. */
function answer(ctx: ServerContext, record: MemberRecord, organization: Organization) {
  return {
    member_id: record.member.member_id,
    member: renderMember(ctx, record, organization),
    organization,
  }
}

/**
 * The organization and member a `.../members/{member_id}` path names (an external id also works,
 * except for reactivate); a deleted member is only found by reactivate.
 */
function target(ctx: ServerContext, { params }: RouteRequest, deletedToo = false) {
  const organization = resolveOrganization(ctx, params.organization_id ?? '')
  const record = findMember(ctx, organization.organization_id, params.member_id ?? '')
  if (record.member.status === 'deleted' && !deletedToo) throw memberNotFound()
  return { organization, record }
}

/** PUT /v1/b2b/organizations/{organization_id}/members/{member_id} */
export const update: RouteHandler = (ctx, request) => {
  const { organization, record } = target(ctx, request)
  const caller = memberCaller(ctx, request.headers)
  return answer(ctx, updateMember(ctx, organization, record, request.body, caller), organization)
}

/** DELETE /v1/b2b/organizations/{organization_id}/members/{member_id} */
export const remove: RouteHandler = (ctx, request) => {
  const { record } = target(ctx, request)
  deleteMember(ctx, record, memberCaller(ctx, request.headers))
  return { member_id: record.member.member_id }
}

/**
 * PUT .../members/{member_id}/reactivate: "does not accept an external_id" (stytch
 * `dist/b2b/organizations_members.js`), so the path must hold a member id.
 */
export const reactivate: RouteHandler = (ctx, request) => {
  const { organization, record } = target(ctx, request, true)
  if (record.member.member_id !== request.params.member_id) throw memberNotFound()
  const caller = memberCaller(ctx, request.headers)
  return answer(ctx, reactivateMember(ctx, record, caller), organization)
}

/** POST /v1/b2b/organizations/members/search */
export const search: RouteHandler = (ctx, { body, headers }) => ({
  ...searchMembers(ctx, body, memberCaller(ctx, headers)),
})
