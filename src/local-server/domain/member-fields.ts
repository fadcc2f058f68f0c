// Member fields that create and update both accept, each checked the same way on both.
import type { Organization } from '../../wire/organizations.js'
import type { ServerContext } from './context.js'
import { badRequest, StytchHttpError } from './errors.js'
import { looksLikeId } from './ids.js'
import { organizationRoles } from './rbac-policy.js'

/** E.164: `+`, country code, up to 15 digits. */
const E164 = /^\+[1-9]\d{6,14}$/

/** A member external id: "alphanumeric, `.`, `_`, `-`, or `|` ... maximum length of 128". */
const MEMBER_EXTERNAL_ID = /^[A-Za-z0-9._|-]{1,128}$/

/** 400 `invalid_phone_number` unless E.164. */
export function checkPhoneNumber(phone: string): string {
  if (!E164.test(phone)) {
    throw new StytchHttpError(400, 'invalid_phone_number', 'mfa_phone_number must be E.164.')
  }
  return phone
}

/**
 * An external id usable wherever a member_id is (stytch `types/lib/b2b/organizations_members.d.ts`):
 * never shaped like a member id, since lookups take an id or an external id.
 */
export function checkMemberExternalId(externalId: string): string {
  if (!MEMBER_EXTERNAL_ID.test(externalId)) {
    throw badRequest('external_id must be 1-128 characters of A-Z a-z 0-9 . _ - |.')
  }
  if (looksLikeId('member', externalId)) {
    throw badRequest('external_id may not start with member-test- or member-live-.')
  }
  return externalId
}

/** 400 `duplicate_member_external_id` when another member of the organization holds it. */
export function checkExternalIdFree(
  ctx: ServerContext,
  organizationId: string,
  externalId: string,
  memberId?: string,
): void {
  const holder = ctx.store
    .listMembersOfOrganization(organizationId)
    .find((m) => m.member.external_id === externalId && m.member.member_id !== memberId)
  if (holder !== undefined) {
    throw new StytchHttpError(
      400,
      'duplicate_member_external_id',
      'A member of this organization already has this external_id.',
    )
  }
}

/** 400 `role_not_found` for a role neither the project policy nor the organization defines. */
export function checkRoles(
  ctx: ServerContext,
  organization: Organization,
  roles: string[],
): string[] {
  const known = new Set(organizationRoles(ctx, organization).map((role) => role.role_id))
  const unknown = roles.find((role) => !known.has(role))
  if (unknown !== undefined) {
    throw new StytchHttpError(400, 'role_not_found', `Role ${unknown} does not exist.`)
  }
  return roles
}
