// The three cookies of a member session as a request carries them and as answers set or clear them.

import type { CookieKind } from '../kit/cookies.js'
import { type CoreRequest, cookieHeader } from '../kit/http.js'
import type { Backend } from './backend.js'

/** The cookies of ours a request carries, read through the configured cookie policy. */
export function cookiesOf(
  request: CoreRequest,
  backend: Backend,
  unchecked?: CookieKind,
): Partial<Record<CookieKind, string>> {
  return backend.config.cookies.read(cookieHeader(request), request, unchecked)
}

/** Set-Cookie values that remove all three cookies. */
export function clearAllCookies(backend: Backend, request: CoreRequest): string[] {
  const { cookies } = backend.config
  return [
    cookies.clear('sessionToken', request),
    cookies.clear('sessionJwt', request),
    cookies.clear('intermediateSession', request),
  ]
}

/** Cookies that store a member session until it expires. */
export function sessionCookies(
  backend: Backend,
  request: CoreRequest,
  sessionToken: string,
  sessionJwt: string,
  expiresAt: string,
): string[] {
  const maxAge = (Date.parse(expiresAt) - backend.config.now()) / 1000
  const { cookies } = backend.config
  return [
    cookies.serialize('sessionToken', sessionToken, maxAge, request),
    // The JWT cookie outlives the 5-minute JWT on purpose: an expired JWT next to the session
    // token is what allows a refresh.
    cookies.serialize('sessionJwt', sessionJwt, maxAge, request),
  ]
}
