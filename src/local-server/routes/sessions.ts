// Session routes: authenticate, revoke, exchange, JWKS, list.
import type { AuthenticationFactor, SessionsAuthenticateResponse } from '../../wire/sessions.js'
import { mergeCustomClaims, readCustomClaims } from '../domain/custom-claims.js'
import { visibleMembership } from '../domain/discovered-organizations.js'
import { badRequest, memberNotFound, StytchHttpError, sessionNotFound } from '../domain/errors.js'
import { completeLogin } from '../domain/login.js'
import {
  authorize,
  isSelf,
  type MemberCaller,
  memberCaller,
  STYTCH_RESOURCE,
} from '../domain/member-authorization.js'
import {
  mintSessionJwt,
  readSessionArguments,
  renderMemberSession,
  resolveSession,
  revokeSessionsOfMember,
  sessionIdOf,
  sessionOwner,
  verifySessionJwt,
} from '../domain/member-sessions.js'
import { findMember, renderMember } from '../domain/members.js'
import { resolveOrganization } from '../domain/organizations.js'
import { memberGrantingRoles } from '../domain/rbac-policy.js'
import {
  EXCHANGE_LOCALES,
  exactlyOneOf,
  optLocale,
  optObject,
  optSessionDuration,
  optString,
  reqString,
} from '../domain/request-fields.js'
import type { MemberRecord, SessionRecord } from '../store/local-store.js'
import type { RouteHandler } from './handler.js'

/** POST /v1/b2b/sessions/authenticate */
export const authenticate: RouteHandler = (ctx, { body }) => {
  const args = readSessionArguments(body, true)
  const duration = optSessionDuration(body)
  const claims = readCustomClaims(body)
  const check = optObject(body, 'authorization_check')
  const authorization = check && {
    organization_id: reqString(check, 'organization_id'),
    resource_id: reqString(check, 'resource_id'),
    action: reqString(check, 'action'),
  }
  const session = resolveSession(ctx, args)
  const { member, organization } = sessionOwner(ctx, session)
  let verdict: SessionsAuthenticateResponse['verdict'] = null
  if (authorization !== undefined) {
    const target = resolveOrganization(ctx, authorization.organization_id)
    if (target.organization_id !== organization.organization_id) {
      throw new StytchHttpError(
        403,
        'session_authorization_tenancy_error',
        'The authorization check names another organization than the session.',
      )
    }
    const granting = memberGrantingRoles(
      ctx,
      member,
      organization,
      authorization.resource_id,
      authorization.action,
    )
    if (granting.length === 0) {
      throw new StytchHttpError(
        403,
        'session_authorization_error',
        'The member is not authorized for this action on this resource.',
      )
    }
    verdict = { authorized: true, granting_roles: granting }
  }
  const updated: SessionRecord = {
    ...session,
    lastAccessedAtMs: ctx.now(),
    // Without session_duration_minutes the session is not extended.
    expiresAtMs: duration === undefined ? session.expiresAtMs : ctx.now() + duration * 60_000,
    customClaims: mergeCustomClaims(session.customClaims, claims),
  }
  ctx.store.putSession(updated)
  const response: Omit<SessionsAuthenticateResponse, 'request_id' | 'status_code'> = {
    member_session: renderMemberSession(updated, organization, member),
    session_token: updated.token,
    session_jwt: mintSessionJwt(ctx, updated, organization, member),
    member: renderMember(ctx, member, organization),
    organization,
    verdict,
  }
  return { ...response }
}

/**
 * With a member session (https://stytch.com/docs/b2b/api/revoke-session takes the headers), a
 * member may always end its own sessions; ending another member's needs stytch.member:delete
 * (UNCONFIRMED: Stytch documents no action for this call; an admin holds every stytch.member
 * action, a plain member none).
 */
function authorizeRevoke(caller: MemberCaller | undefined, member: MemberRecord): void {
  if (isSelf(caller, member.member.member_id)) return
  authorize(caller, member.member.organization_id, [
    [{ resource: STYTCH_RESOURCE.member, action: 'delete' }],
  ])
}

/** POST /v1/b2b/sessions/revoke: one of member_session_id, session_token, session_jwt, member_id. */
export const revoke: RouteHandler = (ctx, { body, headers }) => {
  const selectors = exactlyOneOf(
    body,
    ['member_session_id', 'session_token', 'session_jwt', 'member_id'],
    'session_revoke',
  )
  const caller = memberCaller(ctx, headers)
  if (selectors.member_id !== undefined) {
    const member = ctx.store.getMember(selectors.member_id)
    if (member === undefined) throw memberNotFound()
    authorizeRevoke(caller, member)
    revokeSessionsOfMember(ctx, member.member.member_id)
    return {}
  }
  let sessionId = selectors.member_session_id
  if (selectors.session_token !== undefined) {
    sessionId = ctx.store.findSessionByToken(selectors.session_token)?.memberSessionId
  } else if (selectors.session_jwt !== undefined) {
    sessionId = sessionIdOf(verifySessionJwt(ctx, selectors.session_jwt))
  }
  const session = sessionId === undefined ? undefined : ctx.store.getSession(sessionId)
  if (session === undefined) throw sessionNotFound()
  const member = ctx.store.getMember(session.memberId)
  if (member !== undefined) authorizeRevoke(caller, member)
  ctx.store.deleteSession(session.memberSessionId)
  return {}
}

/** Factors that prove the email and so carry into another org. */
function carriedFactors(session: SessionRecord): AuthenticationFactor[] {
  return session.factors.filter((f) => f.type === 'email_otp' || f.type === 'magic_link')
}

/** POST /v1/b2b/sessions/exchange: the original session is kept. */
export const exchange: RouteHandler = (ctx, { body }) => {
  const reference = reqString(body, 'organization_id')
  const args = readSessionArguments(body, true)
  const duration = optSessionDuration(body)
  const claims = readCustomClaims(body)
  optLocale(body, EXCHANGE_LOCALES)
  optString(body, 'telemetry_id')
  mergeCustomClaims({}, claims)
  const session = resolveSession(ctx, args)
  const { member } = sessionOwner(ctx, session)
  const target = resolveOrganization(ctx, reference)
  const targetMember: MemberRecord | undefined = visibleMembership(
    ctx,
    target.organization_id,
    member.member.email_address,
  )
  if (targetMember === undefined) {
    throw new StytchHttpError(
      403,
      'invalid_email_for_jit_provisioning',
      'The member has no membership in the target organization; use discovery to join it.',
    )
  }
  const factors = carriedFactors(session)
  if (factors.length === 0) {
    throw new StytchHttpError(
      400,
      'insufficient_factors_for_session_exchange',
      'The session holds no factor that can be carried into another organization.',
    )
  }
  return {
    ...completeLogin(ctx, {
      organization: target,
      member: targetMember,
      factors,
      sessionDurationMinutes: duration,
      customClaims: claims,
    }),
  }
}

/** GET /v1/b2b/sessions/jwks/{project_id}: public keys only, no credentials needed. */
export const jwks: RouteHandler = (ctx, { params }) => {
  if (params.project_id !== ctx.projectId) {
    throw new StytchHttpError(404, 'project_not_found', 'Project could not be found.')
  }
  return { keys: ctx.keys.jwks() }
}

/** GET /v1/b2b/sessions?organization_id=…&member_id=… */
export const list: RouteHandler = (ctx, { query }) => {
  const organizationRef = query.get('organization_id')
  const memberRef = query.get('member_id')
  if (!organizationRef) throw badRequest('organization_id is a required field.')
  if (!memberRef) throw badRequest('member_id is a required field.')
  const organization = resolveOrganization(ctx, organizationRef)
  const member = findMember(ctx, organization.organization_id, memberRef)
  const now = ctx.now()
  return {
    member_sessions: ctx.store
      .listSessionsOfMember(member.member.member_id)
      .filter((s) => s.expiresAtMs > now)
      .map((s) => renderMemberSession(s, organization, member)),
  }
}
