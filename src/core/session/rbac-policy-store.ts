// The RBAC policy of one Stytch project and its organizations' custom roles: fresh for a while, one fetch in flight, stale while Stytch fails, then closed.
import { stytchPath } from '../../wire/paths.js'
import type { CheckedRole, RolePermission } from '../../wire/rbac.js'
import { StytchApiError } from '../kit/errors.js'
import type { StytchClient } from '../stytch-api/client.js'

export interface RbacPolicyStoreOptions {
  stytch: StytchClient
  freshMs: number
  staleIfErrorMs: number
  timeoutMs: number
  maxBytes: number
  now: () => number
}

export interface RbacPolicyStats {
  /** Fetches of GET /v1/b2b/rbac/policy started. */
  policyFetches: number
  /** Fetches of organization policies started. */
  organizationFetches: number
  /** Fetches that failed (network, status, deadline, size or shape). */
  failures: number
}

export interface RbacPolicyStore {
  /**
   * The roles that apply in `organizationId` (the project's, then the organization's custom
   * roles), without any I/O, when both are at hand (fresh, or stale inside the stale-if-error
   * window; a stale one is refetched in the background); `undefined` when they are not.
   */
  rolesNow(organizationId: string): readonly CheckedRole[] | undefined
  /** The same, fetching what is missing; rejects with 503 `ERR_STYTCH_UNAVAILABLE` past the window. */
  roles(organizationId: string): Promise<readonly CheckedRole[]>
  /**
   * For the middleware, on a signed-in request: a promise (never rejecting) only while the first
   * fetch for this organization runs, so that `can()` has the policy at hand; else `undefined`.
   */
  warm(organizationId: string): Promise<void> | undefined
  stats(): RbacPolicyStats
}

/** Least time between two fetches of one document after a failure, so an outage is not hammered. */
const RETRY_COOLDOWN_MS = 1000
/** Organizations whose custom roles are kept; the oldest entry goes first past it. */
const MAX_ORGANIZATIONS = 10_000

/** One fetched document (a list of roles) and its age, in the manner of jwks-store.ts. */
interface Cached {
  /** The roles when usable now; starts a background refetch when stale. */
  peek(): readonly CheckedRole[] | undefined
  /** Waits for the fetch in flight, or starts one unless one failed within the cooldown. */
  load(): Promise<void>
  /** True once a fetch has ended, well or not. */
  settled(): boolean
}

function cached(
  fetchRoles: () => Promise<CheckedRole[]>,
  options: RbacPolicyStoreOptions,
  onFailure: () => void,
): Cached {
  const { now, freshMs, staleIfErrorMs } = options
  let roles: readonly CheckedRole[] | undefined
  let fetchedAt = Number.NEGATIVE_INFINITY
  let lastAttemptAt = Number.NEGATIVE_INFINITY
  let pending: Promise<void> | undefined
  let settled = false
  function reload(): Promise<void> {
    pending ??= (async () => {
      lastAttemptAt = now()
      try {
        roles = await fetchRoles()
        fetchedAt = now()
      } catch {
        // The previous copy stays; its age decides whether it is still used.
        onFailure()
      } finally {
        pending = undefined
        settled = true
      }
    })()
    return pending
  }
  return {
    peek() {
      const age = now() - fetchedAt
      if (age < freshMs) return roles
      if (pending === undefined && now() - lastAttemptAt >= RETRY_COOLDOWN_MS) void reload()
      return age < freshMs + staleIfErrorMs ? roles : undefined
    },
    load() {
      if (pending !== undefined) return pending
      return now() - lastAttemptAt >= RETRY_COOLDOWN_MS ? reload() : Promise.resolve()
    },
    settled: () => settled,
  }
}

/** Creates the store; nothing is fetched until a signed-in request or a check needs it. */
export function createRbacPolicyStore(options: RbacPolicyStoreOptions): RbacPolicyStore {
  const stats = { policyFetches: 0, organizationFetches: 0, failures: 0 }
  const failed = () => stats.failures++
  const limits = { timeoutMs: options.timeoutMs, maxBytes: options.maxBytes }
  const project = cached(
    async () => {
      stats.policyFetches++
      const body = await options.stytch.request<unknown>(
        'GET',
        stytchPath('rbacPolicy'),
        undefined,
        limits,
      )
      return readRoles(field(body, 'policy'))
    },
    options,
    failed,
  )
  const organizations = new Map<string, Cached>()
  // The concatenation of the last project and organization copies, so a hit allocates nothing.
  const joined = new WeakMap<readonly CheckedRole[], WeakMap<object, readonly CheckedRole[]>>()

  function organization(organizationId: string): Cached {
    let entry = organizations.get(organizationId)
    if (entry === undefined) {
      if (organizations.size >= MAX_ORGANIZATIONS) {
        organizations.delete(organizations.keys().next().value as string)
      }
      entry = cached(
        async () => {
          stats.organizationFetches++
          const path = stytchPath('rbacOrgPolicy', { organization_id: organizationId })
          const body = await options.stytch.request<unknown>('GET', path, undefined, limits)
          return readRoles(field(body, 'org_policy'))
        },
        options,
        failed,
      )
      organizations.set(organizationId, entry)
    }
    return entry
  }

  function rolesNow(organizationId: string): readonly CheckedRole[] | undefined {
    const own = project.peek()
    const custom = organization(organizationId).peek()
    if (own === undefined || custom === undefined) return undefined
    if (custom.length === 0) return own
    let byCustom = joined.get(own)
    if (byCustom === undefined) {
      byCustom = new WeakMap()
      joined.set(own, byCustom)
    }
    let roles = byCustom.get(custom)
    if (roles === undefined) {
      roles = [...own, ...custom]
      byCustom.set(custom, roles)
    }
    return roles
  }

  return {
    rolesNow,
    async roles(organizationId) {
      const at = rolesNow(organizationId)
      if (at !== undefined) return at
      // Only what is not usable is waited for: a fresh project policy is not fetched again.
      const org = organization(organizationId)
      await Promise.all([
        project.peek() === undefined ? project.load() : undefined,
        org.peek() === undefined ? org.load() : undefined,
      ])
      const loaded = rolesNow(organizationId)
      if (loaded !== undefined) return loaded
      throw policyUnavailable()
    },
    warm(organizationId) {
      // The steady state: one map lookup and two flags, nothing more per request.
      const entry = organizations.get(organizationId)
      if (entry?.settled() === true && project.settled()) return undefined
      const org = entry ?? organization(organizationId)
      return Promise.all([
        project.settled() ? undefined : project.load(),
        org.settled() ? undefined : org.load(),
      ]).then(() => undefined)
    },
    stats: () => ({ ...stats }),
  }
}

/** 503: the policy is neither fresh nor inside its stale-if-error window; never "allow". */
export function policyUnavailable(): StytchApiError {
  return new StytchApiError(
    'ERR_STYTCH_UNAVAILABLE',
    'The RBAC policy cannot be fetched from Stytch right now.',
    { status: 503, headers: { 'retry-after': '1' } },
  )
}

function field(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : null
}

/**
 * The roles of a policy document, checked field by field and copied (only what the check reads):
 * a malformed answer is a failed fetch, never a policy that grants or denies by accident.
 */
function readRoles(policy: unknown): CheckedRole[] {
  const roles = field(policy, 'roles')
  if (!Array.isArray(roles)) throw new TypeError('the policy has no "roles" array')
  return roles.map((role): CheckedRole => {
    const roleId = field(role, 'role_id')
    const permissions = field(role, 'permissions')
    if (typeof roleId !== 'string' || !Array.isArray(permissions)) {
      throw new TypeError('a policy role needs "role_id" and "permissions"')
    }
    return { role_id: roleId, permissions: permissions.map(readPermission) }
  })
}

function readPermission(permission: unknown): RolePermission {
  const resourceId = field(permission, 'resource_id')
  const actions = field(permission, 'actions')
  if (
    typeof resourceId !== 'string' ||
    !Array.isArray(actions) ||
    !actions.every((action) => typeof action === 'string')
  ) {
    throw new TypeError('a policy permission needs "resource_id" and string "actions"')
  }
  return { resource_id: resourceId, actions: [...actions] }
}
