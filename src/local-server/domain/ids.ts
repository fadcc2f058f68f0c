// Identifier, opaque token and timestamp formats of the local server.
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { environmentOfProject } from '../../wire/common.js'
import { StytchHttpError } from './errors.js'

/** What an id depends on: the project, whose id says its environment. */
export interface IdScope {
  projectId: string
}

/**
 * `<kind>-<environment>-<uuid v4>`: `member-test-…` in a test project, `member-live-…` in a
 * `project-live-…` one, as Stytch mints them.
 */
export function newId(scope: IdScope, kind: string): string {
  return `${kind}-${environmentOfProject(scope.projectId)}-${randomUUID()}`
}

/**
 * True when `value` has the shape of an id of this kind, test or live (`organization-test-…`,
 * `organization-live-…`), in any case. Such a value is only ever looked up as an id, never as a
 * slug or external id, and may not become one: otherwise an organization could take a slug that
 * reads as another organization's id.
 */
export function looksLikeId(kind: string, value: string): boolean {
  const prefix = value.slice(0, kind.length + 6).toLowerCase()
  return prefix === `${kind}-test-` || prefix === `${kind}-live-`
}

/** `request-id-<environment>-<uuid v4>`. */
export function newRequestId(scope: IdScope): string {
  return newId(scope, 'request-id')
}

/** Request fields (body, query or path) that name an id of one kind, and that kind. */
const ID_FIELDS: ReadonlyMap<string, string> = new Map([
  ['organization_id', 'organization'],
  ['member_id', 'member'],
  ['member_session_id', 'session'],
  ['email_id', 'email'],
])

/**
 * Refuses an id of the other environment in a request's id fields: 400
 * `test_id_used_in_live_environment` in a live project, `live_id_used_in_test_environment` in a
 * test one (both are Stytch error types: stytchauth/stytch-android
 * `source/sdk/src/main/java/com/stytch/sdk/common/errors/StytchAPIErrorType.kt`; the status is
 * ours). Only a value shaped like an id of the field's own kind counts: `organization_id` also
 * takes slugs and external ids, and neither may take an organization id's shape.
 */
export function checkIdEnvironments(scope: IdScope, fields: Iterable<[string, unknown]>): void {
  const environment = environmentOfProject(scope.projectId)
  const other = environment === 'live' ? 'test' : 'live'
  for (const [field, value] of fields) {
    const kind = ID_FIELDS.get(field)
    if (kind === undefined || typeof value !== 'string') continue
    if (value.slice(0, kind.length + 6).toLowerCase() === `${kind}-${other}-`) {
      throw new StytchHttpError(
        400,
        `${other}_id_used_in_${environment}_environment`,
        `${field} is a ${other} id; this is a ${environment} project.`,
      )
    }
  }
}

/**
 * Session token: 33 CSPRNG bytes as 44 URL-safe base64 characters, never padded.
 * The IST format below always ends in `=`, so the two kinds cannot be confused.
 */
export function newSessionToken(): string {
  return randomBytes(33).toString('base64url')
}

/** Intermediate session token: 32 CSPRNG bytes as 44 characters of padded base64. */
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

/**
 * Lowers ASCII letters only. `String#toLowerCase()` also folds other characters onto ASCII ones
 * (U+212A KELVIN SIGN becomes `k`, U+0130 becomes `i̇`), which would make two different mailboxes
 * one key: a code sent to `\u212Aate@corp.test` would sign in `kate@corp.test`.
 */
export function lowerAscii(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase())
}

/**
 * The key under which emails are compared: trimmed, ASCII letters lower-cased, nothing else
 * folded. Request fields are ASCII-only (`reqEmail` refuses the rest, like the middleware), so
 * on the wire this is plain case-insensitive comparison; a non-ASCII address (seeded, or in a
 * data dir from an older version) never shares a key with an ASCII one.
 */
export function emailKey(email: string): string {
  return lowerAscii(email.trim())
}

/** Domain part of an email, ASCII letters lower-cased. */
export function emailDomain(email: string): string {
  const at = email.lastIndexOf('@')
  return lowerAscii(email.slice(at + 1))
}
