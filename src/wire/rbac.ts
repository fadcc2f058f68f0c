// RBAC: the project policy of roles, resources and scopes (GET /v1/b2b/rbac/policy) and Stytch's
// default resources and roles, which every project's policy holds.

export interface RolePermission {
  resource_id: string
  actions: string[]
}

export interface PolicyRole {
  role_id: string
  description: string
  permissions: RolePermission[]
}

export interface PolicyResource {
  resource_id: string
  description: string
  actions: string[]
}

export interface PolicyScope {
  scope: string
  description: string
  permissions: RolePermission[]
}

/** The `policy` of GET /v1/b2b/rbac/policy (stytch SDK types/lib/b2b/rbac.d.ts `Policy`). */
export interface RbacPolicy {
  roles: PolicyRole[]
  resources: PolicyResource[]
  scopes: PolicyScope[]
}

/** The action that grants every action of a resource (SDK dist/shared/rbac_local.js). */
export const WILDCARD_ACTION = '*'

/** Assigned to every member; cannot be removed from one. */
export const STYTCH_MEMBER_ROLE = 'stytch_member'
/** Assigned to the member who creates an organization through discovery. */
export const STYTCH_ADMIN_ROLE = 'stytch_admin'

/**
 * Prefix reserved for Stytch's own resources: "Custom Resources may not use the stytch prefix in
 * their resource_ids" (https://stytch.com/docs/b2b/guides/rbac/stytch-default).
 */
export const RESERVED_RESOURCE_PREFIX = 'stytch'

/**
 * Stytch's five default resources (https://stytch.com/docs/b2b/guides/rbac/stytch-default) with
 * the actions Stytch enforces today: the "must have permission to perform the `…` action on the
 * `stytch.…` Resource" notes of the SDK (types/lib/b2b/organizations.d.ts,
 * organizations_members.d.ts), the reserved-action list of types/lib/b2b/rbac.d.ts, and the
 * "RBAC Enforced" notes of the API and frontend SDK pages (e.g. `revoke-sessions` on
 * stytch.member: https://stytch.com/docs/api-reference/b2b/frontend-sdks/vanilla-js/methods/sessions/revoke-sessions-for-member;
 * `get` on stytch.sso and `create`/`get`/`update` on stytch.scim: the SSO and SCIM method pages).
 */
export const STYTCH_DEFAULT_RESOURCES: readonly PolicyResource[] = [
  {
    resource_id: 'stytch.self',
    description: "The logged-in Member's own Member object.",
    actions: [
      'update.info.name',
      'update.info.untrusted-metadata',
      'update.info.mfa-phone',
      'update.info.delete.mfa-phone',
      'update.info.delete.password',
      'update.settings.mfa-enrolled',
      'update.settings.default-mfa-method',
      'delete',
    ],
  },
  {
    resource_id: 'stytch.organization',
    description: "The logged-in Member's Organization.",
    actions: [
      'update.info.name',
      'update.info.slug',
      'update.info.logo-url',
      'update.settings.allowed-auth-methods',
      'update.settings.allowed-domains',
      'update.settings.allowed-mfa-methods',
      'update.settings.allowed-oauth-tenants',
      'update.settings.default-sso-connection',
      'update.settings.email-invites',
      'update.settings.email-jit-provisioning',
      'update.settings.implicit-roles',
      'update.settings.mfa-policy',
      'update.settings.oauth-tenant-jit-provisioning',
      'update.settings.sso-jit-provisioning',
      'delete',
    ],
  },
  {
    resource_id: 'stytch.member',
    description: "All Members of the logged-in Member's Organization.",
    actions: [
      'create',
      'search',
      'delete',
      'revoke-sessions',
      'update.info.name',
      'update.info.email',
      'update.info.untrusted-metadata',
      'update.info.mfa-phone',
      'update.info.delete.mfa-phone',
      'update.settings.is-breakglass',
      'update.settings.mfa-enrolled',
      'update.settings.default-mfa-method',
      'update.settings.roles',
    ],
  },
  {
    resource_id: 'stytch.sso',
    description: "The SSO Connections of the logged-in Member's Organization.",
    actions: ['create', 'get', 'update', 'delete'],
  },
  {
    resource_id: 'stytch.scim',
    description: "The SCIM Connection of the logged-in Member's Organization.",
    actions: ['create', 'get', 'update', 'delete'],
  },
]

/**
 * Stytch's two default roles (https://stytch.com/docs/b2b/guides/rbac/stytch-default):
 * stytch_admin holds all permissions of stytch.organization, stytch.member, stytch.sso and
 * stytch.scim; stytch_member holds all stytch.self permissions and nothing else. The descriptions
 * are the ones Stytch's policy documents carry.
 */
export const STYTCH_DEFAULT_ROLES: readonly PolicyRole[] = [
  {
    role_id: STYTCH_ADMIN_ROLE,
    description:
      'Granted to Members who create an organization through the Stytch discovery flow. Admins ' +
      'will also have the stytch_member role. Cannot be deleted.',
    permissions: ['stytch.organization', 'stytch.member', 'stytch.sso', 'stytch.scim'].map(
      (resource_id) => ({ resource_id, actions: [WILDCARD_ACTION] }),
    ),
  },
  {
    role_id: STYTCH_MEMBER_ROLE,
    description:
      'Granted to all Members upon creation; grants permissions already implicitly granted to ' +
      'logged in Members via the SDK. Cannot be deleted.',
    permissions: [{ resource_id: 'stytch.self', actions: [WILDCARD_ACTION] }],
  },
]

/** The `org_policy` of GET /v1/b2b/rbac/organizations/{organization_id}: its custom roles. */
export interface OrgPolicy {
  roles: PolicyRole[]
}

/** A role as the authorization check reads it: its id and permissions, nothing else. */
export type CheckedRole = Pick<PolicyRole, 'role_id' | 'permissions'>

/** What a caller asks to do (the `authorization_check` of sessions/authenticate). */
export interface AuthorizationQuery {
  organization_id: string
  resource_id: string
  action: string
}

/**
 * The verdict of one check: allowed, or the reason of the SDK's ClientError (`tenancy_mismatch`,
 * `invalid_permissions`) that Stytch answers as `session_authorization_tenancy_error` and
 * `session_authorization_error`.
 */
export type AuthorizationVerdict =
  | { allowed: true; grantingRoles: string[] }
  | { allowed: false; reason: 'tenancy_mismatch' | 'invalid_permissions' }

/**
 * Roles among `subjectRoles` that grant `action` on `resourceId` under `policyRoles`: a permission
 * on that exact resource listing the action or `*`. A port of the SDK's
 * performBaseRoleAuthorizationCheck (node_modules/stytch/dist/shared/rbac_local.js); resource ids
 * have no wildcard and no hierarchy, and `stytch.self` is a resource like any other, granted by the
 * roles that list it (stytch_member by default).
 */
export function grantingRoles(
  policyRoles: readonly CheckedRole[],
  subjectRoles: readonly string[],
  resourceId: string,
  action: string,
): string[] {
  return subjectRoles.filter((roleId) =>
    policyRoles.some(
      (role) =>
        role.role_id === roleId &&
        role.permissions.some(
          (p) =>
            p.resource_id === resourceId &&
            (p.actions.includes(action) || p.actions.includes(WILDCARD_ACTION)),
        ),
    ),
  )
}

/**
 * The authorization check of Stytch's B2B sessions, once for the middleware and the local server.
 * A port of the SDK's performAuthorizationCheck (node_modules/stytch/dist/b2b/rbac_local.js):
 * tenancy first (a member of organization A is never authorized in B, whatever its roles), then
 * the roles. `policyRoles` are the project policy's roles (Stytch's defaults included) followed by
 * the organization's custom roles (`org_policy.roles`), as authenticateJwtLocal concatenates them;
 * `subjectRoles` are the session's roles, which already hold the implicit ones (by email domain,
 * SSO, SCIM) that Stytch assigned at sign-in.
 * @example authorizationVerdict(roles, session.roles, session.organization_id, check).allowed
 */
export function authorizationVerdict(
  policyRoles: readonly CheckedRole[],
  subjectRoles: readonly string[],
  subjectOrganizationId: string,
  query: AuthorizationQuery,
): AuthorizationVerdict {
  if (subjectOrganizationId !== query.organization_id) {
    return { allowed: false, reason: 'tenancy_mismatch' }
  }
  const granting = grantingRoles(policyRoles, subjectRoles, query.resource_id, query.action)
  return granting.length > 0
    ? { allowed: true, grantingRoles: granting }
    : { allowed: false, reason: 'invalid_permissions' }
}
