// Member update, delete and reactivate (https://stytch.com/docs/b2b/api/update-member,
// https://stytch.com/docs/b2b/api/delete-member, https://stytch.com/docs/b2b/api/reactivate-member;
// fields as stytch `dist/b2b/organizations_members.js` sends them).
import { MEMBER_UPDATE_ACTIONS, type Member } from '../../wire/members.js'
import type { Organization } from '../../wire/organizations.js'
import type { MemberRecord } from '../store/local-store.js'
import type { ServerContext } from './context.js'
import { badRequest, StytchHttpError } from './errors.js'
import { emailKey, newId } from './ids.js'
import {
  authorize,
  isSelf,
  type MemberCaller,
  notAuthorized,
  type Permission,
  STYTCH_RESOURCE,
} from './member-authorization.js'
import {
  checkExternalIdFree,
  checkMemberExternalId,
  checkPhoneNumber,
  checkRoles,
} from './member-fields.js'
import { revokeSessionsOfMember } from './member-sessions.js'
import { MEMBER_ROLE, saveMember } from './members.js'
import { mergeMetadata } from './metadata.js'
import {
  type JsonObject,
  optBoolean,
  optEnum,
  optObject,
  optString,
  optStringArray,
  reqEmail,
} from './request-fields.js'

/**
 * With a member session, each sent field needs its `stytch.member` action, or on the caller's own
 * member its `stytch.self` action where one exists; trusted_metadata is never a member's to set.
 */
function authorizeFields(caller: MemberCaller | undefined, target: MemberRecord, body: JsonObject) {
  if (caller === undefined) return
  const self = isSelf(caller, target.member.member_id)
  const needs: Permission[][] = []
  for (const [field, actions] of Object.entries(MEMBER_UPDATE_ACTIONS)) {
    if (!Object.hasOwn(body, field) || body[field] === null || body[field] === undefined) continue
    if (actions === null) throw notAuthorized()
    const alternatives: Permission[] = [
      { resource: STYTCH_RESOURCE.member, action: actions.member },
    ]
    if (self && actions.self)
      alternatives.push({ resource: STYTCH_RESOURCE.self, action: actions.self })
    needs.push(alternatives)
  }
  authorize(caller, target.member.organization_id, needs)
}

/** The new email and the record fields it changes (the old one is retired unless unlinked). */
function emailChange(ctx: ServerContext, record: MemberRecord, email: string, unlink: boolean) {
  const key = emailKey(email)
  if (key === record.emailKey) return {}
  const holder = ctx.store.findMemberByEmail(record.member.organization_id, key)
  if (holder !== undefined && holder.member.member_id !== record.member.member_id) {
    throw new StytchHttpError(
      400,
      'duplicate_member_email',
      'A member with this email already exists in this organization.',
    )
  }
  const retired = unlink
    ? record.member.retired_email_addresses
    : [
        ...record.member.retired_email_addresses,
        { email_id: record.emailId, email_address: record.member.email_address },
      ]
  return {
    record: { emailId: newId(ctx, 'email'), emailKey: key },
    member: {
      email_address: email,
      email_address_verified: false,
      retired_email_addresses: retired,
    },
  }
}

/** PUT /v1/b2b/organizations/{organization_id}/members/{member_id} */
export function updateMember(
  ctx: ServerContext,
  organization: Organization,
  record: MemberRecord,
  body: JsonObject,
  caller: MemberCaller | undefined,
): MemberRecord {
  authorizeFields(caller, record, body)
  const changes: Partial<Member> = {}
  const name = optString(body, 'name')
  if (name !== undefined) changes.name = name
  for (const field of ['trusted_metadata', 'untrusted_metadata'] as const) {
    const patch = optObject(body, field)
    if (patch !== undefined) changes[field] = mergeMetadata(field, record.member[field], patch)
  }
  const breakglass = optBoolean(body, 'is_breakglass')
  if (breakglass !== undefined) changes.is_breakglass = breakglass
  const enrolled = optBoolean(body, 'mfa_enrolled')
  if (enrolled !== undefined) changes.mfa_enrolled = enrolled
  const defaultMfa = optEnum(body, 'default_mfa_method', ['sms_otp', 'totp'])
  if (defaultMfa !== undefined) changes.default_mfa_method = defaultMfa
  const phone = optString(body, 'mfa_phone_number') || undefined
  if (phone !== undefined && phone !== record.member.mfa_phone_number) {
    checkPhoneNumber(phone)
    // "Throws an error if the Member already has a phone number" (error type UNCONFIRMED).
    if (record.member.mfa_phone_number !== '') {
      throw badRequest('The member already has an MFA phone number: delete it first.')
    }
    changes.mfa_phone_number = phone
    changes.mfa_phone_number_verified = false
  }
  const roles = optStringArray(body, 'roles')
  if (roles !== undefined) {
    // Replaces the explicit roles; every member keeps stytch_member.
    const ids = [
      MEMBER_ROLE,
      ...checkRoles(ctx, organization, roles).filter((r) => r !== MEMBER_ROLE),
    ]
    changes.roles = [...new Set(ids)].map((role_id) => ({
      role_id,
      sources: [{ type: 'direct_assignment', details: null }],
    }))
  }
  const externalId = optString(body, 'external_id') || undefined
  if (externalId !== undefined) {
    checkMemberExternalId(externalId)
    checkExternalIdFree(ctx, organization.organization_id, externalId, record.member.member_id)
    changes.external_id = externalId
  }
  optBoolean(body, 'preserve_existing_sessions') // no SSO-assigned roles here to revoke for
  const unlink = optBoolean(body, 'unlink_email') ?? false
  const email =
    Object.hasOwn(body, 'email_address') && body.email_address !== null ? reqEmail(body) : undefined
  const moved = email === undefined ? {} : emailChange(ctx, record, email, unlink)
  return saveMember(ctx, { ...record, ...moved.record }, { ...changes, ...moved.member })
}

/** DELETE: the member is marked deleted (reactivate can restore it) and its sessions end. */
export function deleteMember(
  ctx: ServerContext,
  record: MemberRecord,
  caller: MemberCaller | undefined,
): void {
  const alternatives: Permission[] = [{ resource: STYTCH_RESOURCE.member, action: 'delete' }]
  if (isSelf(caller, record.member.member_id)) {
    alternatives.push({ resource: STYTCH_RESOURCE.self, action: 'delete' })
  }
  authorize(caller, record.member.organization_id, [alternatives])
  saveMember(ctx, record, { status: 'deleted' })
  revokeSessionsOfMember(ctx, record.member.member_id)
}

/**
 * PUT .../reactivate: a deleted member becomes active again; "only ... Members with at least one
 * verified email" (error type UNCONFIRMED). Needs stytch.member:create with a member session.
 */
export function reactivateMember(
  ctx: ServerContext,
  record: MemberRecord,
  caller: MemberCaller | undefined,
): MemberRecord {
  authorize(caller, record.member.organization_id, [
    [{ resource: STYTCH_RESOURCE.member, action: 'create' }],
  ])
  if (record.member.status !== 'deleted') return record
  if (!record.member.email_address_verified) {
    throw badRequest('Only a member with a verified email address can be reactivated.')
  }
  const holder = ctx.store.findMemberByEmail(record.member.organization_id, record.emailKey)
  if (holder !== undefined && holder.member.member_id !== record.member.member_id) {
    throw new StytchHttpError(
      400,
      'duplicate_member_email',
      'Another member of this organization now has this email.',
    )
  }
  return saveMember(ctx, record, { status: 'active' })
}
