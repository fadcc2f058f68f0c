// RBAC policy routes: the project's policy and an organization's custom roles.
import { resolveOrganization } from '../domain/organizations.js'
import { defaultPolicy } from '../domain/rbac-policy.js'
import type { RouteHandler } from './handler.js'

/** GET /v1/b2b/rbac/policy */
export const policy: RouteHandler = () => ({ policy: defaultPolicy() })

/** GET /v1/b2b/rbac/organizations/{organization_id} */
export const organizationPolicy: RouteHandler = (ctx, { params }) => {
  const organization = resolveOrganization(ctx, params.organization_id ?? '')
  return { org_policy: { roles: organization.custom_roles } }
}
