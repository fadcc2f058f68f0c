// session_custom_claims rules: reserved keys ignored, null deletes, 4 KB cap.
import { StytchHttpError } from './errors.js'
import { type JsonObject, optObject } from './request-fields.js'

/** Registered JWT claims: silently dropped from custom claims. */
export const RESERVED_CLAIMS = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti'])
/** Serialized size limit of the merged claims, in UTF-8 bytes. */
export const MAX_CUSTOM_CLAIMS_BYTES = 4096
const STYTCH_PREFIX = 'https://stytch.com/'

/**
 * Reads `session_custom_claims`: an object whose keys may not start with `https://stytch.com/`
 * (400 `stytch_claims_in_custom_claims`). Values stay plain JSON data.
 */
export function readCustomClaims(body: JsonObject): JsonObject | undefined {
  const claims = optObject(body, 'session_custom_claims')
  if (claims === undefined) return undefined
  for (const key of Object.keys(claims)) {
    if (key.startsWith(STYTCH_PREFIX)) {
      throw new StytchHttpError(
        400,
        'stytch_claims_in_custom_claims',
        `Custom claims may not use the ${STYTCH_PREFIX} namespace.`,
      )
    }
  }
  return claims
}

/**
 * Merges `input` into `existing` and returns a new prototype-less object, so keys such as
 * `__proto__` or `constructor` are only ever own data properties. Throws 400
 * `custom_claims_too_large` when the result exceeds 4 KB of JSON.
 */
export function mergeCustomClaims(
  existing: Record<string, unknown>,
  input: JsonObject | undefined,
): Record<string, unknown> {
  const merged: Record<string, unknown> = Object.create(null)
  for (const [key, value] of Object.entries(existing)) merged[key] = value
  for (const [key, value] of Object.entries(input ?? {})) {
    if (RESERVED_CLAIMS.has(key)) continue
    if (value === null) delete merged[key]
    else merged[key] = value
  }
  if (Buffer.byteLength(JSON.stringify(merged)) > MAX_CUSTOM_CLAIMS_BYTES) {
    throw new StytchHttpError(
      400,
      'custom_claims_too_large',
      `session_custom_claims may not exceed ${MAX_CUSTOM_CLAIMS_BYTES} bytes.`,
    )
  }
  return merged
}
