// The three cookies of a member session as a request carries them and as answers set or clear them.

import type { CookieKind } from '../kit/cookies.js'
import type { AuthRequest } from '../kit/http.js'
import type { Engine } from './backend.js'

/** The cookies of ours a request carries, read through the configured cookie policy. */
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
