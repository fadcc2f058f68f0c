// What every flow step receives and returns, and the shared handling of a sign-in answer.

import { INTERMEDIATE_SESSION_LIFETIME_SECONDS } from '../../wire/discovery.js'
import type { AuthenticatedResponseBase } from '../../wire/sessions.js'
import type { ResolvedConfig } from '../config.js'
import type { CookieKind } from '../cookies.js'
import { AuthError } from '../errors.js'
import type { AuthRequest, AuthResponse } from '../http.js'
import {
  type AuthDiscoveredOrganization,
  type AuthMember,
  type AuthMemberSession,
  type AuthOrganization,
  type SessionContext,
  sessionFromResponse,
} from '../model.js'
import type { SessionVerifier } from '../session-jwt/verify.js'
import type { StytchB2BApi } from '../stytch-api/endpoints.js'
import type { SessionRefresher } from './refresh.js'

/** The parts of the core a flow uses. */
export interface Engine {
  config: ResolvedConfig
  api: StytchB2BApi
  verifier: SessionVerifier
  refresher: SessionRefresher
}

/** The session found on a request, computed once per request by `authenticateRequest()`. */
export interface SessionCheck {
  session: SessionContext | undefined
  /** Why there is no session, when a token was presented but refused (or could not be checked). */
  failure: AuthError | undefined
  /** The token came from `Authorization: Bearer` (RFC 6750) rather than a cookie. */
  bearer: boolean
  /** The session token cookie, present only when `session` came from cookies. */
  sessionToken: string | undefined
  /** The session JWT that was verified (cookie or bearer). */
  sessionJwt: string | undefined
  /** Cookies to set because of this check (a refresh, or clearing a dead session). */
  setCookies: string[]
}

/** Per-request results the adapters attach to `req` / `ctx.state`. */
export interface StepState {
  session?: SessionContext | undefined
  discoveredOrganizations?: AuthDiscoveredOrganization[] | undefined
  discoveryEmailAddress?: string | undefined
  /**
   * Set by the sign-in steps: true when this step signed the member in, false when more factors
   * (MFA, another primary method) are needed first and the intermediate session was kept.
   */
  memberAuthenticated?: boolean | undefined
}

export interface StepResult extends AuthResponse {
  state: StepState
}

/** What the adapters attach to each request: `req.*` on Express, `ctx.state.*` on Koa. */
export interface RequestFields {
  /** The signed-in member, when the request carries a valid session. */
  member?: AuthMember | undefined
  /** The signed-in member's organization. */
  organization?: AuthOrganization | undefined
  /** The member session (never `req.session` / `ctx.session`, which session libraries own). */
  memberSession?: AuthMemberSession | undefined
  /** Organizations found by a discovery step. */
  discoveredOrganizations?: AuthDiscoveredOrganization[] | undefined
  /** The email address a discovery step was for. */
  discoveryEmailAddress?: string | undefined
  /** After a sign-in step: whether it signed the member in (false: more factors needed). */
  memberAuthenticated?: boolean | undefined
}

/** The per-request fields to set from a step's state; unset ones are absent. */
export function requestFields(state: StepState): RequestFields {
  return {
    ...(state.session ?? {}),
    ...(state.discoveredOrganizations
      ? { discoveredOrganizations: state.discoveredOrganizations }
      : {}),
    ...(state.discoveryEmailAddress ? { discoveryEmailAddress: state.discoveryEmailAddress } : {}),
    ...(state.memberAuthenticated !== undefined
      ? { memberAuthenticated: state.memberAuthenticated }
      : {}),
  }
}

export function cookiesOf(
  request: AuthRequest,
  engine: Engine,
): Partial<Record<CookieKind, string>> {
  const value = request.headers.cookie
  return engine.config.cookies.read(Array.isArray(value) ? value.join('; ') : value, request)
}

/** Set-Cookie values that remove all three cookies. */
export function clearAllCookies(engine: Engine, request: AuthRequest): string[] {
  const { cookies } = engine.config
  return [
    cookies.clear('sessionToken', request),
    cookies.clear('sessionJwt', request),
    cookies.clear('intermediateSession', request),
  ]
}

/** Cookies that store a member session until it expires. */
export function sessionCookies(
  engine: Engine,
  request: AuthRequest,
  sessionToken: string,
  sessionJwt: string,
  expiresAt: string,
): string[] {
  const maxAge = (Date.parse(expiresAt) - engine.config.now()) / 1000
  const { cookies } = engine.config
  return [
    cookies.serialize('sessionToken', sessionToken, maxAge, request),
    // The JWT cookie outlives the 5-minute JWT on purpose: an expired JWT next to the session
    // token is what allows a refresh.
    cookies.serialize('sessionJwt', sessionJwt, maxAge, request),
  ]
}

/**
 * Turns an answer that may log the member in (OTP authenticate, IST exchange, discovery create,
 * session exchange) into cookies and a body. Logged in: session cookies set, IST cookie cleared.
 * More factors needed (MFA or a primary method): the IST is kept in its cookie.
 */
export function loginResult(
  engine: Engine,
  request: AuthRequest,
  response: AuthenticatedResponseBase,
): StepResult {
  const { cookies, exposeTokens, now } = engine.config
  if (response.member_authenticated) {
    if (!response.session_token || !response.session_jwt || !response.member_session) {
      throw new AuthError('ERR_STYTCH_UNAVAILABLE', 'Stytch answered without a session.', {
        status: 503,
      })
    }
    const session = sessionFromResponse(
      response.member,
      response.organization,
      response.member_session,
    )
    engine.refresher.confirm(response.member_session.member_session_id, response.session_token)
    return {
      status: 200,
      headers: {},
      setCookies: [
        ...sessionCookies(
          engine,
          request,
          response.session_token,
          response.session_jwt,
          response.member_session.expires_at,
        ),
        cookies.clear('intermediateSession', request),
      ],
      body: {
        memberAuthenticated: true,
        ...session,
        ...(exposeTokens
          ? { sessionToken: response.session_token, sessionJwt: response.session_jwt }
          : {}),
      },
      state: { session, memberAuthenticated: true },
    }
  }
  if (!response.intermediate_session_token) {
    throw new AuthError('ERR_STYTCH_UNAVAILABLE', 'Stytch answered without a session.', {
      status: 503,
    })
  }
  const expiresAt = Date.parse(response.intermediate_session_token_expires_at ?? '')
  const maxAge = Number.isNaN(expiresAt)
    ? INTERMEDIATE_SESSION_LIFETIME_SECONDS
    : (expiresAt - now()) / 1000
  return {
    status: 200,
    headers: {},
    setCookies: [
      cookies.serialize(
        'intermediateSession',
        response.intermediate_session_token,
        maxAge,
        request,
      ),
    ],
    body: {
      memberAuthenticated: false,
      organizationId: response.organization.organization_id,
      mfaRequired: response.mfa_required != null,
      primaryRequired: response.primary_required?.allowed_auth_methods ?? null,
      ...(exposeTokens ? { intermediateSessionToken: response.intermediate_session_token } : {}),
    },
    state: { memberAuthenticated: false },
  }
}

/** Session duration to ask Stytch for: the browser's choice within bounds, else the default. */
export function sessionDuration(engine: Engine, requested: number | undefined): number {
  return requested ?? engine.config.sessionDurationMinutes
}

/** Custom claims from the host's server-side hook (never from the browser). */
export async function customClaims(
  engine: Engine,
  step: 'otp-authenticate' | 'discovery-exchange' | 'discovery-create' | 'session-exchange',
  organizationId: string | undefined,
): Promise<Record<string, unknown> | undefined> {
  const hook = engine.config.sessionCustomClaims
  return hook ? await hook({ step, organizationId }) : undefined
}
