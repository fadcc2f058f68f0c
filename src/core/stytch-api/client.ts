// request(): one call to the Stytch API with Basic auth, a deadline, and upstream error mapping.

import type { StytchErrorBody } from '../../wire/errors.js'
import { STYTCH_PATHS, type StytchCalls } from '../../wire/paths.js'
import { type AuthErrorCode, StytchApiError } from '../kit/errors.js'

export interface StytchCredentials {
  projectId: string
  secret: string
  baseUrl: string
}

export interface StytchClient {
  readonly projectId: string
  readonly baseUrl: string
  /**
   * Sends one request; resolves with the parsed JSON body of a 2xx answer, rejects with
   * StytchApiError. `limits` tighten the deadline and the answer's size for one call.
   */
  request<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    limits?: RequestLimits,
  ): Promise<T>
  /** POSTs one of the calls of the path table, typed by its wire shapes. */
  call<Name extends keyof StytchCalls>(
    name: Name,
    body: StytchCalls[Name][0],
  ): Promise<StytchCalls[Name][1]>
}

/** A deadline and a size cap of one call, instead of the client's. */
export interface RequestLimits {
  timeoutMs?: number | undefined
  maxBytes?: number | undefined
}

/** Largest answer read from Stytch; real answers are a few kilobytes. */
const MAX_RESPONSE_BYTES = 1_048_576

// Stytch error types that users can act on, each with its stable code. Everything else in the
// 4xx range is ERR_STYTCH_API; 5xx, timeouts and network failures are ERR_STYTCH_UNAVAILABLE.
const CODE_BY_ERROR_TYPE: Record<string, AuthErrorCode> = {
  otp_code_not_found: 'ERR_OTP_INVALID',
  unable_to_auth_otp_code: 'ERR_OTP_EXPIRED',
  // Second factors: a wrong code of any kind is one answer, so a guesser learns nothing more.
  unable_to_authenticate_totp: 'ERR_OTP_INVALID',
  unable_to_authenticate_recovery_code: 'ERR_OTP_INVALID',
  totp_not_found: 'ERR_OTP_INVALID',
  totp_code_already_authenticated: 'ERR_OTP_EXPIRED',
  active_totp_exists: 'ERR_TOTP_ALREADY_REGISTERED',
  invalid_phone_number: 'ERR_INVALID_INPUT',
  session_member_mismatch: 'ERR_ORGANIZATION_FORBIDDEN',
  action_available_only_once_primary_authentication_is_met: 'ERR_ORGANIZATION_FORBIDDEN',
  user_lock_limit_reached: 'ERR_ACCOUNT_LOCKED',
  too_many_requests: 'ERR_RATE_LIMITED',
  intermediate_session_not_found: 'ERR_INTERMEDIATE_SESSION_INVALID',
  session_not_found: 'ERR_SESSION_INVALID',
  unable_to_parse_session_jwt: 'ERR_SESSION_INVALID',
  organization_not_found: 'ERR_ORGANIZATION_NOT_FOUND',
  organization_slug_already_used: 'ERR_ORGANIZATION_SLUG_TAKEN',
  invalid_intermediate_session_token_for_organization: 'ERR_ORGANIZATION_FORBIDDEN',
  email_jit_provisioning_not_allowed: 'ERR_ORGANIZATION_FORBIDDEN',
  invalid_email_for_jit_provisioning: 'ERR_ORGANIZATION_FORBIDDEN',
  insufficient_factors_for_session_exchange: 'ERR_ORGANIZATION_FORBIDDEN',
  operation_restricted_by_organization_auth_methods: 'ERR_ORGANIZATION_FORBIDDEN',
  organization_suspended: 'ERR_ORGANIZATION_FORBIDDEN',
  action_not_allowed_email_domain_is_claimed: 'ERR_ORGANIZATION_FORBIDDEN',
  invalid_email: 'ERR_INVALID_INPUT',
  invalid_organization_slug: 'ERR_INVALID_INPUT',
  invalid_organization_name: 'ERR_INVALID_INPUT',
  organization_name_missing: 'ERR_INVALID_INPUT',
  organization_settings_domain_too_common: 'ERR_INVALID_INPUT',
  invalid_session_duration_minutes: 'ERR_INVALID_INPUT',
}

// Our own wording: Stytch's messages are not forwarded, so nothing upstream can leak through them.
const MESSAGE_BY_CODE: Partial<Record<AuthErrorCode, string>> = {
  ERR_OTP_INVALID: 'The code is not valid.',
  ERR_TOTP_ALREADY_REGISTERED: 'An authenticator app is already registered for this member.',
  ERR_OTP_EXPIRED: 'The code has expired or was already used.',
  ERR_ACCOUNT_LOCKED: 'Too many failed attempts: this account is locked for a while.',
  ERR_RATE_LIMITED: 'Too many requests: try again later.',
  ERR_INTERMEDIATE_SESSION_INVALID: 'The sign-in step has expired: start again.',
  ERR_SESSION_INVALID: 'The session is no longer valid.',
  ERR_ORGANIZATION_NOT_FOUND: 'The organization does not exist.',
  ERR_ORGANIZATION_SLUG_TAKEN: 'This organization slug is already taken.',
  ERR_ORGANIZATION_FORBIDDEN: 'This account may not sign in to that organization.',
  ERR_INVALID_INPUT: 'Stytch refused the input.',
}

/** Creates the client; every call gets `AbortSignal.timeout(timeoutMs)` over the whole exchange. */
export function createStytchClient(
  credentials: StytchCredentials,
  timeoutMs: number,
): StytchClient {
  const authorization = `Basic ${Buffer.from(`${credentials.projectId}:${credentials.secret}`).toString('base64')}`

  async function request<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    limits?: RequestLimits,
  ): Promise<T> {
    const url = new URL(path, credentials.baseUrl)
    const signal = AbortSignal.timeout(limits?.timeoutMs ?? timeoutMs)
    let response: Response
    let text: string
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        redirect: 'error',
      })
      text = await readLimited(response, limits?.maxBytes ?? MAX_RESPONSE_BYTES)
    } catch (cause) {
      throw unavailable(`Stytch did not answer ${method} ${path} in time`, { cause })
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (cause) {
      throw unavailable(`Stytch answered ${method} ${path} with a body that is not JSON`, {
        cause,
        upstreamStatus: response.status,
      })
    }
    if (response.status >= 200 && response.status < 300 && isObject(parsed)) return parsed as T
    if (response.status >= 500 || response.status < 400 || !isObject(parsed)) {
      throw unavailable(`Stytch failed ${method} ${path} with HTTP ${response.status}`, {
        upstreamStatus: response.status,
        requestId: stringField(parsed, 'request_id'),
      })
    }
    throw toApiError(parsed as Partial<StytchErrorBody>, response.status, path)
  }

  return {
    projectId: credentials.projectId,
    baseUrl: credentials.baseUrl,
    request,
    call: (name, body) => request('POST', STYTCH_PATHS[name], body),
  }
}

function toApiError(body: Partial<StytchErrorBody>, status: number, path: string): StytchApiError {
  const errorType = typeof body.error_type === 'string' ? body.error_type : undefined
  const requestId = typeof body.request_id === 'string' ? body.request_id : undefined
  const common = { stytchErrorType: errorType, requestId, upstreamStatus: status }
  if (errorType === 'unauthorized_credentials') {
    // The app's credentials are wrong: a server fault, not the user's, so not a 401 to the browser.
    return new StytchApiError('ERR_STYTCH_API', 'Stytch rejected the project credentials.', {
      ...common,
      status: 502,
    })
  }
  const code = (errorType && CODE_BY_ERROR_TYPE[errorType]) || 'ERR_STYTCH_API'
  const message =
    MESSAGE_BY_CODE[code] ?? `Stytch refused ${path} (${errorType ?? `HTTP ${status}`}).`
  // A dead session is the caller's credential problem whatever Stytch's status (404): 401, so
  // clients re-authenticate. Other client errors keep Stytch's status.
  return new StytchApiError(code, message, {
    ...common,
    status: code === 'ERR_SESSION_INVALID' ? 401 : status,
  })
}

function unavailable(
  message: string,
  options: { cause?: unknown; upstreamStatus?: number; requestId?: string | undefined },
): StytchApiError {
  return new StytchApiError('ERR_STYTCH_UNAVAILABLE', `${message}.`, { ...options, status: 503 })
}

/** Reads a body as text, refusing more than `limit` bytes. */
export async function readLimited(response: Response, limit: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'))
  if (declared > limit) throw new RangeError(`body larger than ${limit} bytes`)
  if (!response.body) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of response.body) {
    size += chunk.byteLength
    if (size > limit) throw new RangeError(`body larger than ${limit} bytes`)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function stringField(value: unknown, key: string): string | undefined {
  return isObject(value) && typeof value[key] === 'string' ? value[key] : undefined
}
