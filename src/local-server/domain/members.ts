// Member records: creation with defaults, effective roles and the wire rendering.
import type { Member, MemberRole } from '../../wire/members.js'
import type { Organization } from '../../wire/organizations.js'
import { STYTCH_ADMIN_ROLE, STYTCH_MEMBER_ROLE } from '../../wire/rbac.js'
import type { MemberRecord } from '../store/local-store.js'
import type { ServerContext } from './context.js'
import { memberNotFound } from './errors.js'
import { emailDomain, emailKey, looksLikeId, lowerAscii, newId, rfc3339 } from './ids.js'
import { lockState } from './otp.js'

export const ADMIN_ROLE = STYTCH_ADMIN_ROLE
export const MEMBER_ROLE = STYTCH_MEMBER_ROLE

export interface NewMemberInput {
  email_address: string
  status: Member['status']
  email_address_verified: boolean
  /** Explicitly assigned roles besides stytch_member. */
  roles?: string[] | undefined
  name?: string | undefined
  mfa_enrolled?: boolean | undefined
  is_breakglass?: boolean | undefined
  mfa_phone_number?: string | undefined
  external_id?: string | undefined
  trusted_metadata?: Record<string, unknown> | undefined
  untrusted_metadata?: Record<string, unknown> | undefined
}

const direct = (roleId: string): MemberRole => ({
  role_id: roleId,
  sources: [{ type: 'direct_assignment', details: null }],
})

/** A new member record; every member holds stytch_member (source: direct_assignment). */
export function newMemberRecord(
  ctx: ServerContext,
  organizationId: string,
  input: NewMemberInput,
): MemberRecord {
  const now = rfc3339(ctx.now())
  const roleIds = [MEMBER_ROLE, ...(input.roles ?? []).filter((role) => role !== MEMBER_ROLE)]
  const member: Member = {
    organization_id: organizationId,
    member_id: newId(ctx, 'member'),
    email_address: input.email_address,
    status: input.status,
    name: input.name ?? '',
    sso_registrations: [],
    is_breakglass: input.is_breakglass ?? false,
    member_password_id: '',
    oauth_registrations: [],
    email_address_verified: input.email_address_verified,
    mfa_phone_number_verified: false,
    is_admin: roleIds.includes(ADMIN_ROLE),
    totp_registration_id: '',
    retired_email_addresses: [],
    is_locked: false,
    mfa_enrolled: input.mfa_enrolled ?? false,
    mfa_phone_number: input.mfa_phone_number ?? '',
    default_mfa_method: '',
    roles: [...new Set(roleIds)].map(direct),
    trusted_metadata: input.trusted_metadata ?? {},
    untrusted_metadata: input.untrusted_metadata ?? {},
    created_at: now,
    updated_at: now,
    external_id: input.external_id ?? null,
    lock_created_at: null,
    lock_expires_at: null,
  }
  return { member, emailId: newId(ctx, 'email'), emailKey: emailKey(input.email_address) }
}

/** Stored roles plus the org's implicit role assignments for the member's email domain. */
function effectiveRoles(record: MemberRecord, organization: Organization): MemberRole[] {
  const roles = record.member.roles.map((role) => ({ ...role, sources: [...role.sources] }))
  const domain = emailDomain(record.member.email_address)
  for (const assignment of organization.rbac_email_implicit_role_assignments) {
    if (lowerAscii(assignment.domain) !== domain) continue
    const source = { type: 'email_assignment', details: { email_domain: assignment.domain } }
    const existing = roles.find((role) => role.role_id === assignment.role_id)
    if (existing) existing.sources.push(source)
    else roles.push({ role_id: assignment.role_id, sources: [source] })
  }
  return roles
}

/** Role ids effective for a session of this member (MemberSession.roles, JWT roles). */
export function memberRoleIds(record: MemberRecord, organization: Organization): string[] {
  return effectiveRoles(record, organization).map((role) => role.role_id)
}

/** Wire Member at the current time (lock fields and implicit roles are computed). */
export function renderMember(
  ctx: ServerContext,
  record: MemberRecord,
  organization: Organization,
): Member {
  const lock = lockState(ctx, record.member.email_address)
  const roles = effectiveRoles(record, organization)
  return {
    ...record.member,
    roles,
    is_admin: roles.some((role) => role.role_id === ADMIN_ROLE),
    is_locked: lock.locked,
    lock_created_at: lock.createdAt,
    lock_expires_at: lock.expiresAt,
  }
}

/**
 * Member of `organizationId` by member id or external id; 404 otherwise. A reference shaped like
 * a member id (`member-test-…`) is only matched as an id.
 */
export function findMember(
  ctx: ServerContext,
  organizationId: string,
  memberIdOrExternalId: string,
): MemberRecord {
  const byId = ctx.store.getMember(memberIdOrExternalId)
  if (byId !== undefined && byId.member.organization_id === organizationId) return byId
  if (looksLikeId('member', memberIdOrExternalId)) throw memberNotFound()
  const byExternal = ctx.store
    .listMembersOfOrganization(organizationId)
    .find((record) => record.member.external_id === memberIdOrExternalId)
  if (byExternal === undefined) throw memberNotFound()
  return byExternal
}

/** Saves a member change, bumping `updated_at`. */
export function saveMember(
  ctx: ServerContext,
  record: MemberRecord,
  changes: Partial<Member>,
): MemberRecord {
  const updated: MemberRecord = {
    ...record,
    member: { ...record.member, ...changes, updated_at: rfc3339(ctx.now()) },
  }
  ctx.store.updateMember(updated)
  return updated
}
