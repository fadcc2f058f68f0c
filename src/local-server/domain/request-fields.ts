// Typed readers for request fields: absent and null are alike, wrong types are 400s.
import { OTP_LOCALES } from '../../wire/otp-email.js'
import { SESSION_DURATION_MINUTES } from '../../wire/sessions.js'
import { badRequest, StytchHttpError } from './errors.js'

/** A parsed JSON request body (always an object). */
export type JsonObject = Record<string, unknown>

function has(body: JsonObject, field: string): boolean {
  return Object.hasOwn(body, field) && body[field] !== null && body[field] !== undefined
}

export function optString(body: JsonObject, field: string): string | undefined {
  if (!has(body, field)) return undefined
  const value = body[field]
  if (typeof value !== 'string') throw badRequest(`${field} must be a string.`)
  return value
}

/** Required string; the empty string counts as missing. */
export function reqString(body: JsonObject, field: string): string {
  const value = optString(body, field)
  if (value === undefined || value === '') throw badRequest(`${field} is a required field.`)
  return value
}

export function optBoolean(body: JsonObject, field: string): boolean | undefined {
  if (!has(body, field)) return undefined
  const value = body[field]
  if (typeof value !== 'boolean') throw badRequest(`${field} must be a boolean.`)
  return value
}

export function optNumber(body: JsonObject, field: string): number | undefined {
  if (!has(body, field)) return undefined
  const value = body[field]
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw badRequest(`${field} must be a number.`)
  }
  return value
}

/** Optional integer within [min, max]; out of range answers `rangeErrorType`. */
export function optIntInRange(
  body: JsonObject,
  field: string,
  min: number,
  max: number,
  rangeErrorType: string,
): number | undefined {
  const value = optNumber(body, field)
  if (value === undefined) return undefined
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new StytchHttpError(
      400,
      rangeErrorType,
      `${field} must be an integer between ${min} and ${max}.`,
    )
  }
  return value
}

export function optStringArray(body: JsonObject, field: string): string[] | undefined {
  if (!has(body, field)) return undefined
  const value = body[field]
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw badRequest(`${field} must be an array of strings.`)
  }
  return [...(value as string[])]
}

/** Optional plain JSON object (not an array). */
export function optObject(body: JsonObject, field: string): JsonObject | undefined {
  if (!has(body, field)) return undefined
  const value = body[field]
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest(`${field} must be an object.`)
  }
  return value as JsonObject
}

/** Optional string restricted to a closed set of values. */
export function optEnum<T extends string>(
  body: JsonObject,
  field: string,
  allowed: readonly T[],
): T | undefined {
  const value = optString(body, field)
  if (value === undefined) return undefined
  if (!(allowed as readonly string[]).includes(value)) {
    throw badRequest(`${field} must be one of ${allowed.join(', ')}.`)
  }
  return value as T
}

const EMAIL_PATTERN =
  /^[^\s@"(),:;<>[\\\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/

/** Printable ASCII, no space. */
const ASCII_ONLY = /^[\x21-\x7e]*$/

/**
 * Required, syntactically valid email address (400 `invalid_email` otherwise). ASCII only, as the
 * middleware accepts (WHATWG's valid e-mail address): a non-ASCII local part such as
 * `\u212Aate@corp.test` (KELVIN SIGN) is another mailbox than `kate@corp.test`, and refusing it
 * outright keeps any later case folding from merging the two. IDN domains arrive in punycode.
 */
export function reqEmail(body: JsonObject, field = 'email_address'): string {
  const value = reqString(body, field)
  if (value.length > 254 || !ASCII_ONLY.test(value) || !EMAIL_PATTERN.test(value)) {
    throw new StytchHttpError(400, 'invalid_email', 'Email format is invalid.')
  }
  return value
}

/** Locales accepted by the exchange endpoints (SDK 14.2.0 list). */
export const EXCHANGE_LOCALES = [
  ...OTP_LOCALES,
  'it',
  'de-DE',
  'zh-Hans',
  'ca-ES',
  'ja',
  'ru',
  'nl',
  'pl',
  'tr',
  'fa',
  'vi',
  'cs',
] as const

/** Optional locale from a closed list (400 `invalid_locale` otherwise). */
export function optLocale(body: JsonObject, allowed: readonly string[]): string | undefined {
  const value = optString(body, 'locale')
  if (value === undefined) return undefined
  if (!allowed.includes(value)) {
    throw new StytchHttpError(400, 'invalid_locale', `locale must be one of ${allowed.join(', ')}.`)
  }
  return value
}

/** `session_duration_minutes` within Stytch's bounds (5..527040). */
export function optSessionDuration(body: JsonObject): number | undefined {
  return optIntInRange(
    body,
    'session_duration_minutes',
    SESSION_DURATION_MINUTES.min,
    SESSION_DURATION_MINUTES.max,
    'invalid_session_duration_minutes',
  )
}

/** `*_expiration_minutes` of OTP sends: 2..15. */
export function optOtpExpiration(body: JsonObject, field: string): number | undefined {
  return optIntInRange(body, field, 2, 15, 'invalid_expiration_otp')
}

/**
 * Reads string fields of which exactly one must be given (an empty string counts as absent):
 * 400 `no_<kind>_arguments` when none is, `too_many_<kind>_arguments` when several are.
 */
export function exactlyOneOf<F extends string>(
  body: JsonObject,
  fields: readonly F[],
  kind: 'session' | 'session_revoke',
): Partial<Record<F, string>> {
  const given: Partial<Record<F, string>> = {}
  for (const field of fields) {
    const value = optString(body, field) || undefined
    if (value !== undefined) given[field] = value
  }
  const count = Object.keys(given).length
  const names = `${fields.slice(0, -1).join(', ')} or ${fields[fields.length - 1]}`
  if (count === 0) {
    throw new StytchHttpError(400, `no_${kind}_arguments`, `One of ${names} is required.`)
  }
  if (count > 1) {
    throw new StytchHttpError(400, `too_many_${kind}_arguments`, `Pass only one of ${names}.`)
  }
  return given
}
