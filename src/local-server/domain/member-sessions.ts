// Member sessions: creation, lookup by token or JWT, the MemberSession view and JWT minting.

import { SESSION_JWT_LIFETIME_SECONDS } from '../../wire/jwt.js'
import type { Organization } from '../../wire/organizations.js'
import {
  type AuthenticationFactor,
  type MemberSession,
  SESSION_DURATION_MINUTES,
} from '../../wire/sessions.js'
import { JwtRejected, signJwt, verifyJwtIgnoringExpiry } from '../signing/jwt.js'
import type { MemberRecord, SessionRecord } from '../store/local-store.js'
import type { ServerContext } from './context.js'
import { badRequest, StytchHttpError, sessionNotFound } from './errors.js'
import { emailKey, looksLikeSessionToken, newId, newSessionToken, rfc3339 } from './ids.js'
import { memberRoleIds } from './members.js'
import { type JsonObject, optString } from './request-fields.js'

export interface SessionArguments {
  session_token?: string | undefined
  session_jwt?: string | undefined
}

/**
 * Reads session_token / session_jwt: with `required`, exactly one must be present
 * (400 `no_session_arguments` / `too_many_session_arguments`); otherwise at most one.
 */
export function readSessionArguments(body: JsonObject, required: boolean): SessionArguments {
  const session_token = optString(body, 'session_token') || undefined
  const session_jwt = optString(body, 'session_jwt') || undefined
  if (session_token !== undefined && session_jwt !== undefined) {
    throw new StytchHttpError(
      400,
      'too_many_session_arguments',
      'Pass either session_token or session_jwt, not both.',
    )
  }
  if (required && session_token === undefined && session_jwt === undefined) {
    throw new StytchHttpError(
      400,
      'no_session_arguments',
      'session_token or session_jwt is required.',
    )
  }
  return { session_token, session_jwt }
}

function live(ctx: ServerContext, record: SessionRecord | undefined): SessionRecord {
  if (record === undefined) throw sessionNotFound()
  if (record.expiresAtMs <= ctx.now()) {
    ctx.store.deleteSession(record.memberSessionId)
    throw sessionNotFound()
  }
  return record
}

/**
 * Payload of a session JWT this server signed, expired or not: 400 `unable_to_parse_session_jwt`
 * for garbage, 404 `session_not_found` for a well-formed token that fails the checks.
 */
export function verifySessionJwt(ctx: ServerContext, token: string): Record<string, unknown> {
  try {
    return verifyJwtIgnoringExpiry(ctx.keys, ctx.projectId, token)
  } catch (error) {
    if (!(error instanceof JwtRejected)) throw error
    if (error.reason === 'invalid') throw sessionNotFound()
    throw new StytchHttpError(400, 'unable_to_parse_session_jwt', 'Unable to parse session JWT.')
  }
}

/** The member_session_id a verified session JWT names (its `https://stytch.com/session` claim). */
export function sessionIdOf(payload: Record<string, unknown>): string | undefined {
  const claim = payload['https://stytch.com/session'] as { id?: unknown } | undefined
  return typeof claim?.id === 'string' ? claim.id : undefined
}

/** The live session named by a token or a (possibly expired-by-exp) JWT; 404 otherwise. */
export function resolveSession(ctx: ServerContext, args: SessionArguments): SessionRecord {
  if (args.session_token !== undefined) {
    if (!looksLikeSessionToken(args.session_token)) throw sessionNotFound()
    return live(ctx, ctx.store.findSessionByToken(args.session_token))
  }
  if (args.session_jwt === undefined) throw badRequest('session_token or session_jwt is required.')
  const payload = verifySessionJwt(ctx, args.session_jwt)
  const sessionId = sessionIdOf(payload)
  if (sessionId === undefined) throw sessionNotFound()
  const record = live(ctx, ctx.store.getSession(sessionId))
  if (record.memberId !== payload.sub) throw sessionNotFound()
  return record
}

/**
 * Member and organization of a live session. A session whose member was deleted (or whose
 * organization is gone) is over: it is removed and answers 404 `session_not_found`, so it can
 * neither authenticate nor refresh.
 */
export function sessionOwner(
  ctx: ServerContext,
  session: SessionRecord,
): { member: MemberRecord; organization: Organization } {
  const member = ctx.store.getMember(session.memberId)
  const organization = ctx.store.getOrganization(session.organizationId)
  if (member === undefined || organization === undefined || member.member.status === 'deleted') {
    ctx.store.deleteSession(session.memberSessionId)
    throw sessionNotFound()
  }
  return { member, organization }
}

/** Ends every session of the member (delete, revoke by member_id). */
export function revokeSessionsOfMember(ctx: ServerContext, memberId: string): void {
  for (const session of ctx.store.listSessionsOfMember(memberId)) {
    ctx.store.deleteSession(session.memberSessionId)
  }
}

/** Adds or refreshes factors: one entry per (type, delivery method, email). */
export function mergeFactors(
  existing: AuthenticationFactor[],
  added: AuthenticationFactor[],
): AuthenticationFactor[] {
  const keyOf = (f: AuthenticationFactor) =>
    `${f.type}|${f.delivery_method}|${emailKey(f.email_factor?.email_address ?? '')}`
  const result = existing.filter((f) => !added.some((a) => keyOf(a) === keyOf(f)))
  return [...result, ...added]
}

export function createSession(
  ctx: ServerContext,
  member: MemberRecord,
  factors: AuthenticationFactor[],
  durationMinutes: number | undefined,
  customClaims: Record<string, unknown>,
): SessionRecord {
  const now = ctx.now()
  const record: SessionRecord = {
    memberSessionId: newId(ctx, 'session'),
    token: newSessionToken(),
    memberId: member.member.member_id,
    organizationId: member.member.organization_id,
    startedAtMs: now,
    lastAccessedAtMs: now,
    expiresAtMs: now + (durationMinutes ?? SESSION_DURATION_MINUTES.default) * 60_000,
    factors,
    customClaims,
  }
  ctx.store.putSession(record)
  return record
}

export function renderMemberSession(
  record: SessionRecord,
  organization: Organization,
  member: MemberRecord,
): MemberSession {
  return {
    member_session_id: record.memberSessionId,
    member_id: record.memberId,
    started_at: rfc3339(record.startedAtMs),
    last_accessed_at: rfc3339(record.lastAccessedAtMs),
    expires_at: rfc3339(record.expiresAtMs),
    authentication_factors: structuredClone(record.factors),
    organization_id: record.organizationId,
    roles: memberRoleIds(member, organization),
    organization_slug: organization.organization_slug,
    custom_claims: { ...record.customClaims },
  }
}

/** A fresh JWT for the session: iat = nbf = now, exp = iat + 300. */
export function mintSessionJwt(
  ctx: ServerContext,
  record: SessionRecord,
  organization: Organization,
  member: MemberRecord,
): string {
  const iat = Math.floor(ctx.now() / 1000)
  const view = renderMemberSession(record, organization, member)
  // Prototype-less so that a custom claim named `__proto__` stays a plain data key.
  const payload: Record<string, unknown> = Object.create(null)
  for (const [key, value] of Object.entries(record.customClaims)) payload[key] = value
  payload.aud = [ctx.projectId]
  payload.exp = iat + SESSION_JWT_LIFETIME_SECONDS
  payload.iat = iat
  payload.iss = `stytch.com/${ctx.projectId}`
  payload.nbf = iat
  payload.sub = record.memberId
  payload['https://stytch.com/session'] = {
    id: view.member_session_id,
    started_at: view.started_at,
    last_accessed_at: view.last_accessed_at,
    expires_at: view.expires_at,
    attributes: { user_agent: '', ip_address: '' },
    authentication_factors: view.authentication_factors,
    roles: view.roles,
  }
  payload['https://stytch.com/organization'] = {
    organization_id: organization.organization_id,
    slug: organization.organization_slug,
  }
  return signJwt(ctx.keys, payload)
}
