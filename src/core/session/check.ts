// The session of a request: local JWT verification, and a refresh when a validly signed JWT has just expired.

import type { SessionJwtPayload } from '../../wire/jwt.js'
import { isCookieValue } from '../kit/cookies.js'
import { AuthError, StytchApiError } from '../kit/errors.js'
import { type CoreRequest, header } from '../kit/http.js'
import type { Backend, SessionCheck } from './backend.js'
import { sessionFromClaims, sessionFromResponse } from './model.js'
import { clearAllCookies, cookiesOf, sessionCookies } from './session-cookies.js'
import type { VerifyOutcome } from './verify.js'

const BEARER = /^Bearer +([A-Za-z0-9_\-.]+)$/

/** What is known of a request's session: none by default, `extra` fills in the rest. */
function sessionCheck(failure?: AuthError, extra?: Partial<SessionCheck>): SessionCheck {
  const check: SessionCheck = {
    session: undefined,
    failure,
    bearer: false,
    sessionToken: undefined,
    sessionJwt: undefined,
    setCookies: [],
  }
  return extra === undefined ? check : Object.assign(check, extra)
}

/** The token a request presents, read once: bearer header first, else the cookies. */
interface Presented {
  jwt: string
  bearer: boolean
  sessionToken: string | undefined
}

/**
 * Checks the session of a request: one decision, taken synchronously whenever the key is at hand
 * (no token, a JWT verified before, or one checked against a fresh key set), so the steady state of
 * every request makes no promise. Only a missing key (a JWKS fetch) or a refresh returns a promise.
 * The JWT is verified locally; only a validly signed JWT past its `exp`, sent with a session token
 * cookie, is refreshed upstream, and every other failure is decided with no upstream call.
 */
export function checkSession(
  backend: Backend,
  request: CoreRequest,
): SessionCheck | Promise<SessionCheck> {
  const authorization = header(request, 'authorization')
  let presented: Presented
  if (authorization !== undefined) {
    // A token verified before was well-formed, so the hit path looks it up first and the pattern
    // (a scan of the whole 1 KB token, some 3 µs) runs only for a token not seen yet.
    const seen = authorization.startsWith('Bearer ') ? afterSpaces(authorization, 7) : undefined
    const claims = seen === undefined ? undefined : backend.verifier.verified(seen)
    if (claims !== undefined) {
      const presented = { jwt: seen as string, bearer: true, sessionToken: undefined }
      return signedIn(backend, request, claims, presented)
    }
    const jwt = BEARER.exec(authorization)?.[1]
    if (jwt === undefined) {
      return sessionCheck(new AuthError('ERR_SESSION_INVALID', 'The bearer token is malformed.'), {
        bearer: true,
      })
    }
    presented = { jwt, bearer: true, sessionToken: undefined }
  } else {
    // As for a bearer token: the cached tokens first, the character check only for a new one.
    const cookies = cookiesOf(request, backend, 'sessionJwt')
    const jwt = cookies.sessionJwt
    if (jwt === undefined) return withoutJwt(cookies.sessionToken)
    presented = { jwt, bearer: false, sessionToken: cookies.sessionToken }
    const claims = backend.verifier.verified(jwt)
    if (claims !== undefined) return signedIn(backend, request, claims, presented)
    if (!isCookieValue(jwt)) return withoutJwt(cookies.sessionToken)
  }
  const outcome = backend.verifier.verify(presented.jwt)
  return outcome instanceof Promise
    ? outcome.then((later) => decide(backend, request, presented, later))
    : decide(backend, request, presented, outcome)
}

/**
 * A request with no usable JWT cookie (absent, or dropped unread: malformed or oversized): no
 * session, and a failure only when a session token cookie came without it. Both cookies are set
 * together with the same lifetime, so a token alone means the JWT cookie was lost (removed by a
 * client, evicted, never stored) or spoiled. The token alone could only be checked by Stytch
 * (sessions/authenticate, an upstream call on every such request, which anyone could then trigger
 * with random tokens), so it is decided locally: the session cannot be resumed here and the member
 * must sign in again, which is what `ERR_SESSION_EXPIRED` tells a client. `ERR_SESSION_MISSING`
 * would say no credential was sent; `ERR_SESSION_INVALID` that a JWT was verified and refused.
 * The token cookie is kept, so that signing out can still revoke the session it names.
 */
function withoutJwt(sessionToken: string | undefined): SessionCheck {
  if (sessionToken === undefined) return sessionCheck()
  return sessionCheck(
    new AuthError(
      'ERR_SESSION_EXPIRED',
      'The session token cookie came without a usable session JWT cookie: sign in again.',
    ),
  )
}

/** `value` from `start` on, past any spaces. */
function afterSpaces(value: string, start: number): string {
  let at = start
  while (value.charCodeAt(at) === 32) at++
  return value.slice(at)
}

/**
 * The check of a request whose JWT holds: one object, nothing else built per request. A session
 * ended through the middleware (here, or in another instance sharing Redis) is refused although
 * its JWT still verifies, as Stytch would refuse it: ended, cookies cleared.
 */
function signedIn(
  backend: Backend,
  request: CoreRequest,
  claims: SessionJwtPayload,
  presented: Presented,
): SessionCheck {
  const session = sessionFromClaims(claims)
  if (backend.revocations.isRevoked(session.memberSession.memberSessionId)) {
    return sessionCheck(
      new AuthError('ERR_SESSION_EXPIRED', 'The session has ended: sign in again.'),
      {
        bearer: presented.bearer,
        setCookies: presented.bearer ? [] : clearAllCookies(backend, request),
      },
    )
  }
  return {
    session,
    failure: undefined,
    bearer: presented.bearer,
    sessionToken: presented.sessionToken,
    sessionJwt: presented.jwt,
    setCookies: [],
  }
}

/** What a verification outcome means for the request; a promise only when a refresh follows. */
function decide(
  backend: Backend,
  request: CoreRequest,
  presented: Presented,
  outcome: VerifyOutcome,
): SessionCheck | Promise<SessionCheck> {
  const { bearer, sessionToken } = presented
  switch (outcome.status) {
    case 'valid':
      return signedIn(backend, request, outcome.claims, presented)
    case 'invalid':
      return sessionCheck(
        new AuthError(
          'ERR_SESSION_INVALID',
          bearer ? 'The bearer token is not valid.' : 'The session cookie is not valid.',
        ),
        { bearer },
      )
    case 'unavailable':
      return sessionCheck(failureOf('unavailable'), { bearer })
    case 'expired':
      // A bearer JWT has no session token beside it: it cannot be refreshed here.
      if (bearer) return sessionCheck(failureOf('expired'), { bearer })
      return refreshSession(backend, request, outcome.claims, sessionToken)
  }
}

/** Refreshes a validly signed, expired cookie JWT through its session token (bounded: refresh.ts). */
async function refreshSession(
  backend: Backend,
  request: CoreRequest,
  claims: SessionJwtPayload,
  sessionToken: string | undefined,
): Promise<SessionCheck> {
  const sessionId = claims['https://stytch.com/session'].id
  // A JWT without the session's end (optional on the wire) may still be refreshed: Stytch decides.
  const expiresAt = claims['https://stytch.com/session'].expires_at
  const sessionEnds = expiresAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(expiresAt)
  if (
    sessionToken === undefined ||
    sessionEnds <= backend.config.now() ||
    backend.revocations.isRevoked(sessionId)
  ) {
    return sessionCheck(failureOf('expired'), { setCookies: clearAllCookies(backend, request) })
  }
  const refresh = await backend.refresher.refresh(sessionId, sessionEnds, sessionToken)
  switch (refresh.status) {
    case 'refused':
      // Stytch's verdict (or one remembered): the cookies are dead, remove them.
      return sessionCheck(
        refresh.reason === 'ended'
          ? failureOf('expired')
          : new AuthError('ERR_SESSION_INVALID', 'The session cookies do not match.'),
        { setCookies: clearAllCookies(backend, request) },
      )
    case 'blocked':
      return sessionCheck(
        new AuthError('ERR_SESSION_INVALID', 'The session cannot be refreshed: sign in again.'),
      )
    case 'unavailable':
      // Not a verdict on the session (Stytch rate limiting or failing, or too many refreshes at
      // once): answer 503 and keep the cookies, so nobody is logged out by someone else's flood.
      return sessionCheck(
        new StytchApiError('ERR_STYTCH_UNAVAILABLE', 'The session cannot be refreshed right now.', {
          status: 503,
          headers: { 'retry-after': String(refresh.retryAfterSeconds) },
        }),
      )
  }
  const refreshed = refresh.response
  return sessionCheck(undefined, {
    session: sessionFromResponse(
      refreshed.member,
      refreshed.organization,
      refreshed.member_session,
    ),
    sessionToken,
    sessionJwt: refreshed.session_jwt,
    setCookies: sessionCookies(
      backend,
      request,
      refreshed.session_token || sessionToken,
      refreshed.session_jwt,
      refreshed.member_session.expires_at,
    ),
  })
}

function failureOf(status: 'expired' | 'unavailable'): AuthError {
  switch (status) {
    case 'expired':
      return new AuthError('ERR_SESSION_EXPIRED', 'The session has expired: sign in again.')
    case 'unavailable':
      return new StytchApiError(
        'ERR_STYTCH_UNAVAILABLE',
        'Session keys cannot be fetched from Stytch right now.',
        { status: 503 },
      )
  }
}

/** The error to answer when a route needs a session and the request has none. */
export function missingSession(check: SessionCheck): AuthError {
  return check.failure ?? new AuthError('ERR_SESSION_MISSING', 'Sign in to continue.')
}
