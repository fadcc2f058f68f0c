// The signed-in member's session: read it, switch organization, log out.

import { isAuthError } from '../../kit/errors.js'
import type { CoreRequest } from '../../kit/http.js'
import type { Backend, SessionCheck } from '../../session/backend.js'
import { missingSession } from '../../session/check.js'
import { refusal } from '../../session/guard.js'
import { clearAllCookies, cookiesOf } from '../../session/session-cookies.js'
import { customClaims, loginResult, sessionDuration } from '../sign-in.js'
import type { StepResult } from '../step.js'

/**
 * GET {basePath}/session: the current member, organization and session; without one, the same 401
 * as `requireSession()` (its `refusal()`, with `WWW-Authenticate`).
 */
export function currentSession(check: SessionCheck): StepResult {
  if (!check.session) return { ...refusal(missingSession(check), check), state: {} }
  return { status: 200, headers: {}, setCookies: [], body: { ...check.session }, state: {} }
}

/**
 * POST {basePath}/sessions/exchange: switch the signed-in member to another organization. The
 * credential is the verified JWT, never the token cookie beside it (which nothing has tied to that
 * JWT), and once the new session is issued the previous one is revoked: Stytch keeps it otherwise.
 */
export async function exchangeSession(
  backend: Backend,
  request: CoreRequest,
  check: SessionCheck,
  input: { organization_id: string; session_duration_minutes?: number; locale?: string },
): Promise<StepResult> {
  if (!check.session || check.sessionJwt === undefined) throw missingSession(check)
  const response = await backend.stytch.call('sessionsExchange', {
    session_jwt: check.sessionJwt,
    organization_id: input.organization_id,
    session_duration_minutes: sessionDuration(backend, input.session_duration_minutes),
    session_custom_claims: await customClaims(backend, 'session-exchange', input.organization_id),
    locale: input.locale,
  })
  const result = loginResult(backend, request, response)
  const previous = check.session.memberSession.memberSessionId
  // With more factors needed the member is still signed in to the previous organization: keep it.
  if (response.member_authenticated && response.member_session?.member_session_id !== previous) {
    await ended(backend, previous, check.sessionToken)
    try {
      await backend.stytch.call('sessionsRevoke', { member_session_id: previous })
    } catch (error) {
      // The switch itself succeeded; the old session then lives until it expires.
      const code = isAuthError(error) ? error.code : 'unknown error'
      backend.config.logger.warn(
        `switching organization: the previous session could not be revoked (${code}); it stays valid until it expires.`,
      )
    }
  }
  return result
}

/**
 * A session ended here: no refresh of it is shared any more, and its JWTs are refused at once in
 * every instance (revocations.ts) rather than until their `exp`. Before Stytch is asked, so that
 * no instance accepts the session while Stytch answers.
 */
async function ended(backend: Backend, sessionId: string, sessionToken: string | undefined) {
  backend.refresher.revoked(sessionId, sessionToken)
  await backend.revocations.revoke(sessionId)
}

/**
 * POST {basePath}/sessions/revoke: log out. Every cookie is cleared even when Stytch cannot be
 * reached; `revoked` says whether Stytch confirmed the revocation. A verified session is revoked by
 * its id; otherwise the JWT cookie names the session, and the token cookie only when it is alone
 * (a token beside a JWT of another session must not choose what gets revoked).
 */
export async function revokeSession(
  backend: Backend,
  request: CoreRequest,
  check: SessionCheck,
): Promise<StepResult> {
  const cookies = check.bearer ? {} : cookiesOf(request, backend)
  const sessionId = check.session?.memberSession.memberSessionId
  const selector =
    sessionId !== undefined
      ? { member_session_id: sessionId }
      : cookies.sessionJwt !== undefined
        ? { session_jwt: cookies.sessionJwt }
        : cookies.sessionToken !== undefined
          ? { session_token: cookies.sessionToken }
          : undefined
  if (sessionId !== undefined) await ended(backend, sessionId, cookies.sessionToken)
  let revoked = false
  if (selector !== undefined) {
    try {
      await backend.stytch.call('sessionsRevoke', selector)
      revoked = true
    } catch (error) {
      // Already gone upstream counts as revoked; an outage does not, but the cookies go anyway.
      revoked = isAuthError(error) && error.code === 'ERR_SESSION_INVALID'
    }
  }
  return {
    status: 200,
    headers: {},
    setCookies: check.bearer ? [] : clearAllCookies(backend, request),
    body: { loggedOut: true, revoked },
    state: {},
  }
}
