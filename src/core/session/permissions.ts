// Permission checks of a signed-in session against Stytch's RBAC policy: requireSession({ permission }), req.can(), ctx.state.can().
import { authorizationVerdict } from '../../wire/rbac.js'
import type { SessionContext } from './model.js'
import { policyUnavailable, type RbacPolicyStore } from './rbac-policy-store.js'

/** An action on a resource of the project's RBAC policy, e.g. `{ resourceId: 'stytch.member', action: 'delete' }`. */
export interface Permission {
  resourceId: string
  action: string
}

/** What the guards and `can()` ask; `undefined` store: the core has not started yet. */
export interface PermissionChecker {
  /**
   * Whether the session's roles grant the permission in its own organization, without I/O;
   * throws 503 `ERR_STYTCH_UNAVAILABLE` when the policy is not at hand.
   */
  now(session: SessionContext, permission: Permission): boolean
  /** The same, fetching the policy when it is not at hand (a promise only then). */
  check(session: SessionContext, permission: Permission): boolean | Promise<boolean>
  /** For the middleware: the first fetch for the session's organization, while it runs. */
  warm(session: SessionContext): Promise<void> | undefined
}

// Resource ids and actions of Stytch's policies: short printable names (`stytch.member`,
// `update.info.name`, `*`). Anything else is a programming error, refused where it is written.
const NAME = /^[\x21-\x7e]{1,128}$/

/**
 * A permission option or argument, checked: `what` names it in the TypeError.
 * @example readPermission({ resourceId: 'documents', action: 'delete' }, '"permission"')
 */
export function readPermission(value: unknown, what: string): Permission {
  const { resourceId, action } = (typeof value === 'object' && value !== null ? value : {}) as {
    resourceId?: unknown
    action?: unknown
  }
  if (typeof resourceId !== 'string' || !NAME.test(resourceId)) {
    throw new TypeError(`${what}: "resourceId" must be a resource id such as "stytch.member"`)
  }
  if (typeof action !== 'string' || !NAME.test(action)) {
    throw new TypeError(`${what}: "action" must be an action such as "delete"`)
  }
  return { resourceId, action }
}

/** The checker over one policy store (`store()`: undefined until the core has its credentials). */
export function createPermissionChecker(
  store: () => RbacPolicyStore | undefined,
): PermissionChecker {
  function decide(
    roles: Parameters<typeof authorizationVerdict>[0],
    session: SessionContext,
    permission: Permission,
  ): boolean {
    // The member's own organization: tenancy holds by construction, the roles decide.
    const organizationId = session.organization.organizationId
    return authorizationVerdict(roles, session.member.roles, organizationId, {
      organization_id: organizationId,
      resource_id: permission.resourceId,
      action: permission.action,
    }).allowed
  }
  return {
    now(session, permission) {
      const roles = store()?.rolesNow(session.organization.organizationId)
      if (roles === undefined) throw policyUnavailable()
      return decide(roles, session, permission)
    },
    check(session, permission) {
      const policies = store()
      if (policies === undefined) throw policyUnavailable()
      const organizationId = session.organization.organizationId
      const roles = policies.rolesNow(organizationId)
      if (roles !== undefined) return decide(roles, session, permission)
      return policies.roles(organizationId).then((later) => decide(later, session, permission))
    },
    warm(session) {
      return store()?.warm(session.organization.organizationId)
    },
  }
}
