// Calls run with a member's permissions: a member session in the X-Stytch-Member-Session or
// X-Stytch-Member-SessionJWT header makes an admin call check the member's RBAC permissions
// (https://stytch.com/docs/b2b/guides/rbac/backend; per endpoint e.g.
// https://stytch.com/docs/b2b/api/delete-member). Without the headers the project secret alone
// authorizes, as on Stytch.
import type { IncomingHttpHeaders } from 'node:http'
import type { Organization } from '../../wire/organizations.js'
import { MEMBER_SESSION_HEADERS } from '../../wire/sessions.js'
import type { MemberRecord } from '../store/local-store.js'
import type { ServerContext } from './context.js'
import { StytchHttpError } from './errors.js'
import { resolveSession, sessionOwner } from './member-sessions.js'
import { memberGrantingRoles } from './rbac-policy.js'

/** The member whose session came with the request, and its organization. */
export interface MemberCaller {
  ctx: ServerContext
  member: MemberRecord
  organization: Organization
}

/** One permission: an action on a resource of the RBAC policy. */
export interface Permission {
  resource: string
  action: string
}

/** Resources of Stytch's default policy (https://stytch.com/docs/b2b/guides/rbac/stytch-default). */
export const STYTCH_RESOURCE = {
  organization: 'stytch.organization',
  member: 'stytch.member',
  self: 'stytch.self',
} as const

/** Documented 403 (https://stytch.com/docs/b2b/api/errors/403#session_authorization_error). */
export function notAuthorized(): StytchHttpError {
  return new StytchHttpError(
    403,
    'session_authorization_error',
    'The Member is not authorized to perform the requested action on that resource.',
  )
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name]
  return typeof value === 'string' && value !== '' ? value : undefined
}

/**
 * The caller named by the member-session headers, or undefined when neither is sent. A token that
 * is unknown, expired or revoked, or whose member was deleted, answers like sessions/authenticate
 * (404 `session_not_found`, 400 `unable_to_parse_session_jwt`). With both headers the token is
 * used (UNCONFIRMED which Stytch prefers).
 */
export function memberCaller(
  ctx: ServerContext,
  headers: IncomingHttpHeaders,
): MemberCaller | undefined {
  const token = headerValue(headers, MEMBER_SESSION_HEADERS.sessionToken)
  const jwt = headerValue(headers, MEMBER_SESSION_HEADERS.sessionJwt)
  if (token === undefined && jwt === undefined) return undefined
  const session = resolveSession(
    ctx,
    token !== undefined ? { session_token: token } : { session_jwt: jwt },
  )
  return { ctx, ...sessionOwner(ctx, session) }
}

/**
 * The one place that asks the RBAC policy: does any of the caller's roles (explicit, default
 * and implicit by email domain) grant this permission in its organization?
 */
export function isPermitted(caller: MemberCaller, permission: Permission): boolean {
  const { ctx, member, organization } = caller
  return (
    memberGrantingRoles(ctx, member, organization, permission.resource, permission.action).length >
    0
  )
}

/**
 * Refuses (403 `session_authorization_error`) a caller from another organization than
 * `organizationId`, or one that lacks any of `needs`; each need is satisfied by any one of its
 * alternatives. No caller: nothing to check.
 */
export function authorize(
  caller: MemberCaller | undefined,
  organizationId: string,
  needs: Permission[][],
): void {
  if (caller === undefined) return
  if (caller.organization.organization_id !== organizationId) throw notAuthorized()
  for (const alternatives of needs) {
    if (!alternatives.some((permission) => isPermitted(caller, permission))) throw notAuthorized()
  }
}

/** True when the caller acts on its own member (where `stytch.self` actions also suffice). */
export function isSelf(caller: MemberCaller | undefined, memberId: string): boolean {
  return caller !== undefined && caller.member.member.member_id === memberId
}
