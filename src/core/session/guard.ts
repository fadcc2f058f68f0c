// requireSession's core: who may pass, and the 401/403/redirect answer for who may not.
import { safeReturnTo } from '../kit/csrf.js'
import { AuthError, errorBody, isAuthError } from '../kit/errors.js'
import { type CoreRequest, type CoreResponse, header } from '../kit/http.js'
import type { SessionCheck } from './backend.js'
import { missingSession } from './check.js'
import { type Permission, type PermissionChecker, readPermission } from './permissions.js'

/** Options of `requireSession()`. */
export interface RequireSessionOptions {
  /**
   * Only members of this organization, or of one of these, matched by organization id only
   * (`organization-test-…`). Ids never change hands: use them for authorization.
   */
  organizationId?: string | readonly string[] | undefined
  /**
   * Only members of the organization with this slug, or one of these. Slugs can be renamed and a
   * released slug re-taken by another organization, so prefer `organizationId` for authorization.
   */
  organizationSlug?: string | readonly string[] | undefined
  /** Roles the member must all hold, e.g. `['stytch_admin']`. */
  roles?: readonly string[] | undefined
  /**
   * A permission of the project's RBAC policy the member's roles must grant in the member's own
   * organization, e.g. `{ resourceId: 'stytch.member', action: 'delete' }`: 403
   * `ERR_PERMISSION_FORBIDDEN` otherwise, 503 `ERR_STYTCH_UNAVAILABLE` when the policy cannot be
   * had (see docs/authorization.md).
   */
  permission?: Permission | undefined
  /**
   * Where HTML navigations without a session are sent (a same-origin path such as `/login`),
   * with `?return_to=<the requested path>`. JSON and bearer requests always get a 401.
   */
  redirectTo?: string | undefined
}

// A session was presented but is no longer valid (expired, revoked, refused).
const EXPIRED = new Set(['ERR_SESSION_EXPIRED', 'ERR_SESSION_INVALID'])

/** A guard's decision: the refusal to send, or `undefined`; a promise only while the policy is fetched. */
export type GuardDecision = CoreResponse | undefined | Promise<CoreResponse | undefined>

/**
 * Builds a route guard once (options are validated here) that returns the refusal to send, or
 * `undefined` to let the request through.
 */
export function createGuard(guardOptions: RequireSessionOptions = {}): (
  request: CoreRequest,
  check: SessionCheck,
  permissions: PermissionChecker,
  /** The drop-in sign-in page, when the pages are on: the default of `redirectTo`. */
  signInPage?: string | undefined,
) => GuardDecision {
  const allowedIds = normalizeList(guardOptions.organizationId, 'organizationId')
  const allowedSlugs = normalizeList(guardOptions.organizationSlug, 'organizationSlug')
  const roles = normalizeList(guardOptions.roles, 'roles') ?? []
  const permission =
    guardOptions.permission === undefined
      ? undefined
      : readPermission(guardOptions.permission, '"permission"')
  const redirectTo = guardOptions.redirectTo
  if (redirectTo !== undefined && safeReturnTo(redirectTo) !== redirectTo) {
    throw new TypeError('"redirectTo" must be a same-origin path such as "/login"')
  }
  return function requireSessionGuard(request, check, permissions, signInPage) {
    const session = check.session
    if (!session) {
      const error = missingSession(check)
      const target = redirectTo ?? signInPage
      if (target !== undefined && !check.bearer && isHtmlNavigation(request)) {
        const returnTo = safeReturnTo(request.originalUrl)
        const query = returnTo ? [`return_to=${encodeURIComponent(returnTo)}`] : []
        // The pages say why a session that was there is gone, rather than a silent redirect.
        if (redirectTo === undefined && EXPIRED.has(error.code)) query.push('reason=expired')
        const separator = target.includes('?') ? '&' : '?'
        const location = query.length === 0 ? target : `${target}${separator}${query.join('&')}`
        return {
          status: 303,
          headers: { location, 'cache-control': 'no-store' },
          setCookies: [],
          body: {},
        }
      }
      return refusal(error, check)
    }
    // Each option matches its own field only: a slug chosen to equal a victim's id passes nothing.
    if (
      (allowedIds && !allowedIds.includes(session.organization.organizationId)) ||
      (allowedSlugs && !allowedSlugs.includes(session.organization.organizationSlug))
    ) {
      return refusal(
        new AuthError('ERR_ORGANIZATION_FORBIDDEN', 'This page belongs to another organization.', {
          status: 403,
        }),
        check,
      )
    }
    const missing =
      roles.length === 0 ? roles : roles.filter((role) => !session.member.roles.includes(role))
    if (missing.length > 0) {
      return refusal(
        new AuthError('ERR_ROLE_FORBIDDEN', `This page needs the role ${missing.join(', ')}.`, {
          status: 403,
        }),
        check,
      )
    }
    if (permission === undefined) return undefined
    try {
      const allowed = permissions.check(session, permission)
      if (allowed === true) return undefined
      if (allowed === false) return forbidden(permission, check)
      return allowed.then(
        (later) => (later ? undefined : forbidden(permission, check)),
        (error: unknown) => unavailableRefusal(error, check),
      )
    } catch (error) {
      return unavailableRefusal(error, check)
    }
  }
}

function forbidden(permission: Permission, check: SessionCheck): CoreResponse {
  return refusal(
    new AuthError(
      'ERR_PERMISSION_FORBIDDEN',
      `This needs the permission to ${permission.action} on ${permission.resourceId}.`,
      { status: 403 },
    ),
    check,
  )
}

/** The policy could not be had: 503, and the protected handler does not run. */
function unavailableRefusal(error: unknown, check: SessionCheck): CoreResponse {
  if (!isAuthError(error)) throw error
  return refusal(error, check)
}

/**
 * The 401/403 answer of a refused request, with RFC 6750's `WWW-Authenticate`: the one answer of
 * `requireSession()` and of `GET {basePath}/session`. `error="invalid_token"` is for a refused
 * `Authorization: Bearer` token; a cookie is not an RFC 6750 token, so a cookie request gets the
 * bare challenge. Never cached, as every route error.
 */
export function refusal(error: AuthError, check: SessionCheck): CoreResponse {
  const headers: Record<string, string> = { ...error.headers, 'cache-control': 'no-store' }
  if (error.status === 401) {
    headers['www-authenticate'] = check.bearer
      ? 'Bearer error="invalid_token", error_description="The access token is missing, expired or invalid"'
      : 'Bearer'
  } else if (error.status === 403 && check.bearer) {
    headers['www-authenticate'] = 'Bearer error="insufficient_scope"'
  }
  // The adapter already sent check.setCookies when it attached the session.
  return { status: error.status, headers, setCookies: [], body: errorBody(error) }
}

function isHtmlNavigation(request: CoreRequest): boolean {
  const method = request.method.toUpperCase()
  if (method !== 'GET' && method !== 'HEAD') return false
  const mode = header(request, 'sec-fetch-mode')
  if (mode !== undefined) return mode === 'navigate'
  return (header(request, 'accept') ?? '').includes('text/html')
}

function normalizeList(
  value: string | readonly string[] | undefined,
  name: string,
): string[] | undefined {
  if (value === undefined) return undefined
  const list = typeof value === 'string' ? [value] : value
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    list.some((item) => typeof item !== 'string' || item === '')
  ) {
    throw new TypeError(`"${name}" must be a non-empty string or array of strings`)
  }
  return [...list]
}
