// RBAC: the project policy of roles, resources and scopes (GET /v1/b2b/rbac/policy).

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

/** The `policy` of GET /v1/b2b/rbac/policy. */
export interface RbacPolicy {
  roles: PolicyRole[]
  resources: PolicyResource[]
  scopes: PolicyScope[]
}
