// The session of a request: local JWT verification, refresh of an expired JWT, switch organization, log out.
import { AuthError, isAuthError, StytchApiError } from '../errors.js'
import { type AuthRequest, header } from '../http.js'
import { sessionFromClaims, sessionFromResponse } from '../model.js'
import {
  clearAllCookies,
  cookiesOf,
  customClaims,
  type Engine,
  loginResult,
  type RequestAuth,
  type StepResult,
  sessionCookies,
  sessionDuration,
} from './context.js'

const BEARER = /^Bearer +([A-Za-z0-9_\-.]+)$/

/** What is known of a request's session: none by default, `extra` fills in the rest. */
function requestAuth(failure?: AuthError, extra?: Partial<RequestAuth>): RequestAuth {
  const found: RequestAuth = {
    session: undefined,
    failure,
    bearer: false,
    sessionToken: undefined,
    sessionJwt: undefined,
    setCookies: [],
  }
  return extra === undefined ? found : Object.assign(found, extra)
}

/**
 * The session of a request when it can be decided without I/O: no token at all, a JWT already
 * verified and cached, or one checked against a key already at hand. `undefined` means "ask
 * `authenticateRequest()`". Keeps the steady state of every request free of promises.
 */
export function authenticateRequestSync(
  engine: Engine,
  request: AuthRequest,
): RequestAuth | undefined {
  const authorization = header(request, 'authorization')
  if (authorization !== undefined) {
    const jwt = BEARER.exec(authorization)?.[1]
    if (jwt === undefined) return undefined
    const outcome = engine.verifier.verifySync(jwt)
    if (outcome?.status === 'valid') {
      return requestAuth(undefined, {
        session: sessionFromClaims(outcome.claims),
        bearer: true,
        sessionJwt: jwt,
      })
    }
    return outcome?.status === 'invalid'
      ? requestAuth(failureOf('invalid'), { bearer: true })
      : undefined
  }
  const cookies = cookiesOf(request, engine)
  if (cookies.sessionJwt === undefined) return requestAuth()
  const outcome = engine.verifier.verifySync(cookies.sessionJwt)
  if (outcome?.status === 'valid') {
    return requestAuth(undefined, {
      session: sessionFromClaims(outcome.claims),
      sessionToken: cookies.sessionToken,
      sessionJwt: cookies.sessionJwt,
    })
  }
  // Expired (a refresh may follow) or no key at hand: the asynchronous path decides.
  return outcome?.status === 'invalid' ? requestAuth(failureOf('invalid')) : undefined
}

/**
 * Finds and checks the session of a request. The JWT (bearer header first, else cookie) is verified
 * locally. Only a validly signed JWT past its `exp`, sent with a session token cookie, is refreshed
 * upstream; every other failure is decided locally with no upstream call.
 */
export async function authenticateRequest(
  engine: Engine,
  request: AuthRequest,
): Promise<RequestAuth> {
  const authorization = header(request, 'authorization')
  if (authorization !== undefined) {
    const jwt = BEARER.exec(authorization)?.[1]
    if (jwt === undefined) {
      return requestAuth(new AuthError('ERR_SESSION_INVALID', 'The bearer token is malformed.'), {
        bearer: true,
      })
    }
    const outcome = await engine.verifier.verify(jwt)
    if (outcome.status === 'valid') {
      return requestAuth(undefined, {
        session: sessionFromClaims(outcome.claims),
        bearer: true,
        sessionJwt: jwt,
      })
    }
    return requestAuth(failureOf(outcome.status), { bearer: true })
  }

  const cookies = cookiesOf(request, engine)
  const jwt = cookies.sessionJwt
  if (jwt === undefined) return requestAuth()
  const outcome = await engine.verifier.verify(jwt)
  if (outcome.status === 'valid') {
    return requestAuth(undefined, {
      session: sessionFromClaims(outcome.claims),
      sessionToken: cookies.sessionToken,
      sessionJwt: jwt,
    })
  }
  if (outcome.status !== 'expired') return requestAuth(failureOf(outcome.status))

  const sessionToken = cookies.sessionToken
  const sessionId = outcome.claims['https://stytch.com/session'].id
  const sessionEnds = Date.parse(outcome.claims['https://stytch.com/session'].expires_at)
  if (sessionToken === undefined || sessionEnds <= engine.config.now()) {
    return requestAuth(failureOf('expired'), { setCookies: clearAllCookies(engine, request) })
  }

  const refresh = await engine.refresher.refresh(sessionId, sessionEnds, sessionToken)
  switch (refresh.status) {
    case 'refused':
      // Stytch's verdict (or one remembered): the cookies are dead, remove them.
      return requestAuth(
        refresh.reason === 'ended'
          ? failureOf('expired')
          : new AuthError('ERR_SESSION_INVALID', 'The session cookies do not match.'),
        { setCookies: clearAllCookies(engine, request) },
      )
    case 'blocked':
      return requestAuth(
        new AuthError('ERR_SESSION_INVALID', 'The session cannot be refreshed: sign in again.'),
      )
    case 'unavailable':
      // Not a verdict on the session (Stytch rate limiting or failing, or too many refreshes at
      // once): answer 503 and keep the cookies, so nobody is logged out by someone else's flood.
      return requestAuth(
        new StytchApiError('ERR_STYTCH_UNAVAILABLE', 'The session cannot be refreshed right now.', {
          status: 503,
          headers: { 'retry-after': String(refresh.retryAfterSeconds) },
        }),
      )
  }
  const refreshed = refresh.response
  return requestAuth(undefined, {
    session: sessionFromResponse(
      refreshed.member,
      refreshed.organization,
      refreshed.member_session,
    ),
    sessionToken,
    sessionJwt: refreshed.session_jwt,
    setCookies: sessionCookies(
      engine,
      request,
      refreshed.session_token || sessionToken,
      refreshed.session_jwt,
      refreshed.member_session.expires_at,
    ),
  })
}

function failureOf(status: 'expired' | 'invalid' | 'unavailable'): AuthError {
  switch (status) {
    case 'expired':
      return new AuthError('ERR_SESSION_EXPIRED', 'The session has expired: sign in again.')
    case 'invalid':
      return new AuthError('ERR_SESSION_INVALID', 'The session token is not valid.')
    case 'unavailable':
      return new StytchApiError(
        'ERR_STYTCH_UNAVAILABLE',
        'Session keys cannot be fetched from Stytch right now.',
        { status: 503 },
      )
  }
}

/** The error to answer when a route needs a session and the request has none. */
export function missingSession(auth: RequestAuth): AuthError {
  return auth.failure ?? new AuthError('ERR_SESSION_MISSING', 'Sign in to continue.')
}

/** GET {basePath}/session: the current member, organization and session. */
export function currentSession(auth: RequestAuth): StepResult {
  if (!auth.session) throw missingSession(auth)
  return { status: 200, headers: {}, setCookies: [], body: { ...auth.session }, state: {} }
}

/**
 * POST {basePath}/sessions/exchange: switch the signed-in member to another organization. The
 * credential is the verified JWT, never the token cookie beside it (which nothing has tied to that
 * JWT), and once the new session is issued the previous one is revoked: Stytch keeps it otherwise.
 */
export async function exchangeSession(
  engine: Engine,
  request: AuthRequest,
  auth: RequestAuth,
  input: { organization_id: string; session_duration_minutes?: number; locale?: string },
): Promise<StepResult> {
  if (!auth.session || auth.sessionJwt === undefined) throw missingSession(auth)
  const response = await engine.api.sessionsExchange({
    session_jwt: auth.sessionJwt,
    organization_id: input.organization_id,
    session_duration_minutes: sessionDuration(engine, input.session_duration_minutes),
    session_custom_claims: await customClaims(engine, 'session-exchange', input.organization_id),
    locale: input.locale,
  })
  const result = loginResult(engine, request, response)
  const previous = auth.session.memberSession.memberSessionId
  // With more factors needed the member is still signed in to the previous organization: keep it.
  if (response.member_authenticated && response.member_session?.member_session_id !== previous) {
    engine.refresher.revoked(previous, auth.sessionToken)
    try {
      await engine.api.sessionsRevoke({ member_session_id: previous })
    } catch (error) {
      // The switch itself succeeded; the old session then lives until it expires.
      const code = isAuthError(error) ? error.code : 'unknown error'
      engine.config.logger.warn(
        `switching organization: the previous session could not be revoked (${code}); it stays valid until it expires.`,
      )
    }
  }
  return result
}

/**
 * POST {basePath}/sessions/revoke: log out. Every cookie is cleared even when Stytch cannot be
 * reached; `revoked` says whether Stytch confirmed the revocation. A verified session is revoked by
 * its id; otherwise the JWT cookie names the session, and the token cookie only when it is alone
 * (a token beside a JWT of another session must not choose what gets revoked).
 */
export async function revokeSession(
  engine: Engine,
  request: AuthRequest,
  auth: RequestAuth,
): Promise<StepResult> {
  const cookies = auth.bearer ? {} : cookiesOf(request, engine)
  const sessionId = auth.session?.memberSession.memberSessionId
  const selector =
    sessionId !== undefined
      ? { member_session_id: sessionId }
      : cookies.sessionJwt !== undefined
        ? { session_jwt: cookies.sessionJwt }
        : cookies.sessionToken !== undefined
          ? { session_token: cookies.sessionToken }
          : undefined
  if (sessionId !== undefined) engine.refresher.revoked(sessionId, cookies.sessionToken)
  let revoked = false
  if (selector !== undefined) {
    try {
      await engine.api.sessionsRevoke(selector)
      revoked = true
    } catch (error) {
      // Already gone upstream counts as revoked; an outage does not, but the cookies go anyway.
      revoked = isAuthError(error) && error.code === 'ERR_SESSION_INVALID'
    }
  }
  return {
    status: 200,
    headers: {},
    setCookies: auth.bearer ? [] : clearAllCookies(engine, request),
    body: { loggedOut: true, revoked },
    state: {},
  }
}
