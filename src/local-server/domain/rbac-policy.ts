// The project's RBAC policy (Stytch's defaults plus the project's own) and the authorization check.
import type { Organization } from '../../wire/organizations.js'
import {
  grantingRoles,
  type PolicyRole,
  type RbacPolicy,
  STYTCH_DEFAULT_RESOURCES,
  STYTCH_DEFAULT_ROLES,
} from '../../wire/rbac.js'
import type { MemberRecord } from '../store/local-store.js'
import { LocalStoreError } from '../store/local-store-error.js'
import type { ServerContext } from './context.js'
import { memberRoleIds } from './members.js'

/** The setting that keeps the project's own policy (JSON of a validated RbacPolicy). */
export const RBAC_POLICY_SETTING = 'rbac_policy'

/**
 * Stytch's defaults with the project's own policy applied: its resources and scopes are added,
 * its roles are added, and a role named like a default role (stytch_member, stytch_admin)
 * replaces that role's permissions, as editing a default role in Stytch's dashboard does ("you
 * can edit its permissions": https://stytch.com/docs/b2b/guides/rbac/stytch-default).
 */
export function mergePolicy(project: RbacPolicy | undefined): RbacPolicy {
  const own = project ?? { roles: [], resources: [], scopes: [] }
  const overrides = new Map(own.roles.map((role) => [role.role_id, role]))
  const defaults = STYTCH_DEFAULT_ROLES.map((role) => {
    const edited = overrides.get(role.role_id)
    if (edited === undefined) return role
    return { ...edited, description: edited.description || role.description }
  })
  const defaultIds = new Set(STYTCH_DEFAULT_ROLES.map((role) => role.role_id))
  return structuredClone({
    roles: [...defaults, ...own.roles.filter((role) => !defaultIds.has(role.role_id))],
    resources: [...STYTCH_DEFAULT_RESOURCES, ...own.resources],
    scopes: own.scopes,
  })
}

let cached: { raw: string; policy: RbacPolicy } | undefined

/** The policy served at GET /v1/b2b/rbac/policy and applied by authorization checks. */
export function projectPolicy(ctx: ServerContext): RbacPolicy {
  const raw = ctx.store.getSetting(RBAC_POLICY_SETTING)
  if (raw === undefined) return mergePolicy(undefined)
  if (cached?.raw !== raw) {
    let parsed: RbacPolicy
    try {
      parsed = JSON.parse(raw) as RbacPolicy
    } catch (error) {
      throw new LocalStoreError(
        'ERR_LOCAL_STORE_CORRUPT',
        'The stored RBAC policy is not JSON; start the server with an rbacPolicy to replace it.',
        { cause: error },
      )
    }
    cached = { raw, policy: mergePolicy(parsed) }
  }
  return structuredClone(cached.policy)
}

/** Roles that can apply in `organization`: the project's, then the organization's custom roles. */
export function organizationRoles(ctx: ServerContext, organization: Organization): PolicyRole[] {
  return [...projectPolicy(ctx).roles, ...organization.custom_roles]
}

/**
 * The roles of `member` that grant `action` on `resourceId` in its organization (project policy,
 * organization custom roles, implicit role assignments); empty when none does. The check itself
 * is the wire's grantingRoles, the one the middleware's permission guards run.
 * @example if (memberGrantingRoles(ctx, member, org, 'stytch.member', 'delete').length === 0) …
 */
export function memberGrantingRoles(
  ctx: ServerContext,
  member: MemberRecord,
  organization: Organization,
  resourceId: string,
  action: string,
): string[] {
  return grantingRoles(
    organizationRoles(ctx, organization),
    memberRoleIds(member, organization),
    resourceId,
    action,
  )
}
