// RBAC policy routes: the project's policy and an organization's custom roles.
import { resolveOrganization } from '../domain/organizations.js'
import { projectPolicy } from '../domain/rbac-policy.js'
import type { RouteHandler } from './handler.js'

/** GET /v1/b2b/rbac/policy: Stytch's default resources and roles plus the project's own. */
export const policy: RouteHandler = (ctx) => ({ policy: projectPolicy(ctx) })

/** GET /v1/b2b/rbac/organizations/{organization_id} */
export const organizationPolicy: RouteHandler = (ctx, { params }) => {
  const organization = resolveOrganization(ctx, params.organization_id ?? '')
  return { org_policy: { roles: organization.custom_roles } }
}
