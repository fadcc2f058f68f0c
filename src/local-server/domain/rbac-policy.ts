// Default RBAC policy (stytch_admin, stytch_member) and authorization checks.
import type { Organization } from '../../wire/organizations.js'
import type { PolicyRole, RbacPolicy } from '../../wire/rbac.js'
import { ADMIN_ROLE, MEMBER_ROLE } from './members.js'

interface Resource {
  resource_id: string
  description: string
  actions: string[]
}

/** A resource whose actions are create, update, delete and get. */
const managed = (resource_id: string, description: string): Resource => ({
  resource_id,
  description,
  actions: ['create', 'update', 'delete', 'get'],
})

const STYTCH_RESOURCES: Resource[] = [
  {
    resource_id: 'stytch.organization',
    description: 'The organization',
    actions: ['update.info.name', 'update.info.slug', 'update.settings', 'delete', 'search'],
  },
  {
    resource_id: 'stytch.member',
    description: 'Members of the organization',
    actions: [
      'create',
      'update.info.name',
      'update.settings',
      'delete',
      'search',
      'revoke-sessions',
    ],
  },
  managed('stytch.sso', 'SSO connections'),
  managed('stytch.scim', 'SCIM connections'),
  managed('stytch.custom-org-roles', 'Organization custom roles'),
  {
    resource_id: 'stytch.self',
    description: 'The calling member',
    actions: ['update.info.name', 'update.settings', 'revoke-sessions', 'delete'],
  },
]

/** The project policy served at GET /v1/b2b/rbac/policy. */
export function defaultPolicy(): RbacPolicy {
  return {
    roles: [
      {
        role_id: ADMIN_ROLE,
        description:
          'Granted to members who create an organization; full access to Stytch resources.',
        permissions: STYTCH_RESOURCES.map((r) => ({ resource_id: r.resource_id, actions: ['*'] })),
      },
      {
        role_id: MEMBER_ROLE,
        description: 'Granted to every member.',
        permissions: [
          { resource_id: 'stytch.self', actions: ['*'] },
          { resource_id: 'stytch.organization', actions: ['search'] },
          { resource_id: 'stytch.member', actions: ['search'] },
        ],
      },
    ],
    resources: STYTCH_RESOURCES.map((r) => ({ ...r, actions: [...r.actions] })),
    scopes: [],
  }
}

/** Roles among `roleIds` that grant `action` on `resourceId` (project roles + org custom roles). */
export function grantingRoles(
  organization: Organization,
  roleIds: string[],
  resourceId: string,
  action: string,
): string[] {
  const roles: PolicyRole[] = [...defaultPolicy().roles, ...organization.custom_roles]
  return roleIds.filter((roleId) =>
    roles.some(
      (role) =>
        role.role_id === roleId &&
        role.permissions.some(
          (p) =>
            p.resource_id === resourceId && (p.actions.includes(action) || p.actions.includes('*')),
        ),
    ),
  )
}
