// The error model: one table of stable codes, AuthError for runtime failures, StytchApiError for upstream ones.

import type { CoreResponse } from './http.js'
/**
 * Stable error codes. Callers branch on `err.code`, never on message text (`instanceof` fails when
 * two copies of the package are loaded). Every code is listed with its HTTP status in docs/errors.md.
 */
export type AuthErrorCode =
  | 'ERR_SESSION_MISSING'
  | 'ERR_SESSION_INVALID'
  | 'ERR_SESSION_EXPIRED'
  | 'ERR_INTERMEDIATE_SESSION_MISSING'
  | 'ERR_INTERMEDIATE_SESSION_INVALID'
  | 'ERR_OTP_INVALID'
  | 'ERR_OTP_EXPIRED'
  | 'ERR_ACCOUNT_LOCKED'
  | 'ERR_TOTP_ALREADY_REGISTERED'
  | 'ERR_RATE_LIMITED'
  | 'ERR_ORGANIZATION_NOT_FOUND'
  | 'ERR_ORGANIZATION_FORBIDDEN'
  | 'ERR_ORGANIZATION_SLUG_TAKEN'
  | 'ERR_ROLE_FORBIDDEN'
  | 'ERR_PERMISSION_FORBIDDEN'
  | 'ERR_INVALID_INPUT'
  | 'ERR_BODY_TOO_LARGE'
  | 'ERR_BODY_TIMEOUT'
  | 'ERR_CSRF_REJECTED'
  | 'ERR_STYTCH_API'
  | 'ERR_STYTCH_UNAVAILABLE'

/** A runtime authentication failure. `status` is read by Express's finalhandler and Koa's onerror. */
export class AuthError extends Error {
  override name = 'AuthError'
  readonly code: AuthErrorCode
  readonly status: number
  /** Koa shows the message to the client only when true. */
  readonly expose: boolean
  /**
   * Headers the answer carries, such as `Retry-After` on a 503. Express's finalhandler and Koa's
   * onerror send `err.headers` too, so an unhandled AuthError keeps them.
   */
  readonly headers: Readonly<Record<string, string>> | undefined
  constructor(
    code: AuthErrorCode,
    message: string,
    options: {
      status?: number | undefined
      cause?: unknown
      headers?: Readonly<Record<string, string>> | undefined
    } = {},
  ) {
    super(message, { cause: options.cause })
    this.code = code
    this.status = options.status ?? 401
    this.expose = this.status < 500
    this.headers = options.headers
  }
}

/** A failure answered by Stytch (or the local server). The original error is kept as `cause`. */
export class StytchApiError extends AuthError {
  override name = 'StytchApiError'
  /** Stytch's `error_type`, e.g. `otp_code_not_found`; `undefined` for network failures. */
  readonly stytchErrorType: string | undefined
  /** Stytch's `request_id`, to quote to Stytch support. */
  readonly requestId: string | undefined
  /** The HTTP status Stytch answered with; `undefined` for network failures and timeouts. */
  readonly upstreamStatus: number | undefined
  constructor(
    code: AuthErrorCode,
    message: string,
    options: {
      status: number
      stytchErrorType?: string | undefined
      requestId?: string | undefined
      upstreamStatus?: number | undefined
      cause?: unknown
      headers?: Readonly<Record<string, string>> | undefined
    },
  ) {
    super(code, message, options)
    this.stytchErrorType = options.stytchErrorType
    this.requestId = options.requestId
    this.upstreamStatus = options.upstreamStatus
  }
}

/** True for errors of this package, even when another copy of the package created them. */
export function isAuthError(value: unknown): value is AuthError {
  if (!(value instanceof Error)) return false
  const { code, status } = value as Error & { code?: unknown; status?: unknown }
  return typeof code === 'string' && code.startsWith('ERR_') && typeof status === 'number'
}

/** The JSON body every route error answers with: `{ error: { code, message } }`. */
export function errorBody(error: AuthError): { error: { code: AuthErrorCode; message: string } } {
  return { error: { code: error.code, message: error.message } }
}

/** The JSON answer of a mounted route for an `AuthError`: `{ error: { code, message } }`, never cached. */
export function errorResponse(error: AuthError): CoreResponse {
  return {
    status: error.status,
    headers: { ...error.headers, 'cache-control': 'no-store' },
    setCookies: [],
    body: errorBody(error),
  }
}

/** The answer to a route of ours asked with a method it does not take: 405 with `Allow`. */
export function methodNotAllowed(allow: string): CoreResponse {
  return errorResponse(
    new AuthError('ERR_INVALID_INPUT', `Use ${allow}.`, { status: 405, headers: { allow } }),
  )
}
