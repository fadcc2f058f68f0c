// Identifier, opaque token and timestamp formats of the local server (spec 1.4, 1.5).
import { createHash, randomBytes, randomUUID } from 'node:crypto'

/** `<kind>-test-<uuid v4>`, e.g. `member-test-…`. */
export function newId(kind: string): string {
  return `${kind}-test-${randomUUID()}`
}

/** `request-id-test-<uuid v4>`. */
export function newRequestId(): string {
  return newId('request-id')
}

/**
 * Session token: 33 CSPRNG bytes as 44 URL-safe base64 characters, never padded (spec 1.5).
 * The IST format below always ends in `=`, so the two kinds cannot be confused.
 */
export function newSessionToken(): string {
  return randomBytes(33).toString('base64url')
}

/** Intermediate session token: 32 CSPRNG bytes as 44 characters of padded base64 (spec 1.5). */
export function newIntermediateSessionToken(): string {
  return randomBytes(32).toString('base64')
}

export function looksLikeSessionToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{44}$/.test(token)
}

export function looksLikeIntermediateSessionToken(token: string): boolean {
  return /^[A-Za-z0-9+/]{43}=$/.test(token)
}

/** SHA-256 hex digest, used to index secrets (ISTs) without storing them. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}

/** RFC 3339 UTC with whole seconds, like Stytch's documented examples: `2023-01-09T07:41:52Z`. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** Lower-cased email, the key under which emails are compared (spec 6: case-insensitive). */
export function emailKey(email: string): string {
  return email.trim().toLowerCase()
}

/** Domain part of an email, lower-cased. */
export function emailDomain(email: string): string {
  const at = email.lastIndexOf('@')
  return email.slice(at + 1).toLowerCase()
}
