// Validation of a project's own RBAC policy (startLocalServer's rbacPolicy, the CLI's file).
import {
  type PolicyResource,
  type PolicyRole,
  type PolicyScope,
  type RbacPolicy,
  RESERVED_RESOURCE_PREFIX,
  type RolePermission,
  STYTCH_DEFAULT_RESOURCES,
  WILDCARD_ACTION,
} from '../../wire/rbac.js'

/**
 * A project's own RBAC policy, in the shape of Stytch's GET /v1/b2b/rbac/policy. `description`
 * fields may be left out.
 */
export interface RbacPolicyInput {
  /**
   * Custom roles. A role named `stytch_member` or `stytch_admin` replaces that default role's
   * permissions (repeat the `stytch.*` ones to keep them), as editing it in Stytch's dashboard does.
   */
  roles: readonly RbacPolicyItem<PolicyRole>[]
  /** Custom resources; their `resource_id` must not start with `stytch`. */
  resources: readonly RbacPolicyItem<PolicyResource>[]
  scopes?: readonly RbacPolicyItem<PolicyScope>[] | undefined
}

/** A policy entry whose `description` is optional. */
export type RbacPolicyItem<T extends { description: string }> = Omit<T, 'description'> & {
  description?: string | undefined
}

type Fields = Record<string, unknown>

function fail(path: string, problem: string): never {
  throw new TypeError(`"${path}" ${problem}`)
}

/** `value` as an object holding only `known` keys (a typo fails instead of being ignored). */
function object(value: unknown, path: string, known: readonly string[]): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(path, 'must be an object')
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) fail(`${path}.${key}`, `is not a field (known: ${known.join(', ')})`)
  }
  return value as Fields
}

function list(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(path, 'must be an array')
  return value
}

function text(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.trim() === '') fail(path, 'must be a non-empty string')
  return value
}

function description(value: unknown, path: string): string {
  if (value === undefined) return ''
  if (typeof value !== 'string') fail(path, 'must be a string')
  return value
}

/** Non-empty strings, each once. */
function names(value: unknown, path: string): string[] {
  const items = list(value, path).map((item, i) => text(item, `${path}[${i}]`))
  items.forEach((item, i) => {
    if (items.indexOf(item) !== i) fail(`${path}[${i}]`, `repeats "${item}"`)
  })
  return items
}

function resource(value: unknown, path: string): PolicyResource {
  const fields = object(value, path, ['resource_id', 'description', 'actions'])
  const id = text(fields.resource_id, `${path}.resource_id`)
  // https://stytch.com/docs/b2b/guides/rbac/stytch-default: the stytch prefix is Stytch's own.
  if (id.startsWith(RESERVED_RESOURCE_PREFIX)) {
    fail(`${path}.resource_id`, `must not start with "${RESERVED_RESOURCE_PREFIX}" (Stytch's own)`)
  }
  const actions = names(fields.actions, `${path}.actions`)
  const wildcard = actions.indexOf(WILDCARD_ACTION)
  if (wildcard >= 0) fail(`${path}.actions[${wildcard}]`, 'is the wildcard, not an action')
  return {
    resource_id: id,
    description: description(fields.description, `${path}.description`),
    actions,
  }
}

/** Permissions naming a resource of the policy and actions of that resource (or `*`). */
function permissions(
  value: unknown,
  path: string,
  resources: ReadonlyMap<string, PolicyResource>,
): RolePermission[] {
  const seen = new Set<string>()
  return list(value, path).map((item, i) => {
    const at = `${path}[${i}]`
    const fields = object(item, at, ['resource_id', 'actions'])
    const id = text(fields.resource_id, `${at}.resource_id`)
    const target = resources.get(id)
    if (target === undefined) fail(`${at}.resource_id`, `names no resource of the policy: "${id}"`)
    if (seen.has(id)) fail(`${at}.resource_id`, `repeats "${id}"`)
    seen.add(id)
    const actions = names(fields.actions, `${at}.actions`)
    if (actions.length === 0) fail(`${at}.actions`, 'must list at least one action')
    actions.forEach((action, j) => {
      if (action !== WILDCARD_ACTION && !target.actions.includes(action)) {
        fail(`${at}.actions[${j}]`, `is not an action of "${id}": "${action}"`)
      }
    })
    return { resource_id: id, actions }
  })
}

function unique<T>(items: T[], key: (item: T) => string, path: string, field: string): T[] {
  const seen = new Set<string>()
  items.forEach((item, i) => {
    const id = key(item)
    if (seen.has(id)) fail(`${path}[${i}].${field}`, `repeats "${id}"`)
    seen.add(id)
  })
  return items
}

/** Roles or scopes: each an id (`idField`), a description and permissions; each id once. */
function grants(
  value: unknown,
  path: string,
  idField: 'role_id' | 'scope',
  resources: ReadonlyMap<string, PolicyResource>,
): Array<{ id: string; description: string; permissions: RolePermission[] }> {
  const items = list(value, path).map((item, i) => {
    const at = `${path}[${i}]`
    const fields = object(item, at, [idField, 'description', 'permissions'])
    return {
      id: text(fields[idField], `${at}.${idField}`),
      description: description(fields.description, `${at}.description`),
      permissions: permissions(fields.permissions, `${at}.permissions`, resources),
    }
  })
  return unique(items, (item) => item.id, path, idField)
}

/**
 * A project's own policy in the shape of GET /v1/b2b/rbac/policy (`roles`, `resources`,
 * `scopes` optional), checked and copied: resources must not use the stytch prefix, and every
 * permission must name a resource (Stytch's or the policy's) and actions of it. Throws a
 * TypeError naming the bad field, e.g. `"rbacPolicy.roles[0].permissions[1].resource_id" …`.
 */
export function readRbacPolicy(value: unknown, path = 'rbacPolicy'): RbacPolicy {
  const fields = object(value, path, ['roles', 'resources', 'scopes'])
  const own = unique(
    list(fields.resources, `${path}.resources`).map((item, i) =>
      resource(item, `${path}.resources[${i}]`),
    ),
    (r) => r.resource_id,
    `${path}.resources`,
    'resource_id',
  )
  const resources = new Map(
    [...STYTCH_DEFAULT_RESOURCES, ...own].map((r) => [r.resource_id, r] as const),
  )
  const roles: PolicyRole[] = grants(fields.roles, `${path}.roles`, 'role_id', resources).map(
    ({ id, ...grant }) => ({ role_id: id, ...grant }),
  )
  const scopes: PolicyScope[] = (
    fields.scopes === undefined ? [] : grants(fields.scopes, `${path}.scopes`, 'scope', resources)
  ).map(({ id, ...grant }) => ({ scope: id, ...grant }))
  return { roles, resources: own, scopes }
}
