// Request bodies: read with a size cap, parse JSON or HTML forms, validate every field before any upstream call.
import { parseJsonObject } from '../../wire/json.js'
import {
  ORGANIZATION_NAME_MAX_LENGTH,
  ORGANIZATION_SLUG_PATTERN,
} from '../../wire/organizations.js'
import { OTP_LOCALES } from '../../wire/otp-email.js'
import { SESSION_DURATION_MINUTES } from '../../wire/sessions.js'
import { AuthError } from './errors.js'

/** Field kinds the auth routes accept. */
export type FieldKind =
  | 'email'
  | 'code'
  | 'organizationId'
  | 'organizationName'
  | 'organizationSlug'
  | 'sessionDuration'
  | 'locale'
  | 'memberId'
  | 'phoneNumber'
  | 'recoveryCode'

/** A field spec: kind, and whether the field may be left out. */
export type FieldSpec = Readonly<Record<string, { kind: FieldKind; optional?: boolean }>>

// WHATWG HTML's "valid e-mail address": ASCII only, so IDN domains must arrive in punycode and no
// CR/LF or other control character can reach an email header.
const EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$/
const CODE = /^\d{6}$/
// An organization id (organization-test-<uuid>) or slug: both fit the slug alphabet and length.
const ORGANIZATION_ID = ORGANIZATION_SLUG_PATTERN
// Stytch's organization ids: organization-test-<uuid> and organization-live-<uuid>.
const ORGANIZATION_ID_SHAPE = /^organization-(test|live)-/i
// Stytch's member ids: member-test-<uuid> and member-live-<uuid>.
const MEMBER_ID =
  /^member-(test|live)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
// E.164: a plus, then up to 15 digits, the first not zero.
const PHONE_NUMBER = /^\+[1-9]\d{6,14}$/
// Stytch's recovery codes: three groups of four lowercase letters or digits (`ckss-2skx-ebow`).
const RECOVERY_CODE = /^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/
// Any printable text without control characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/

const invalid = (message: string, status = 400): AuthError =>
  new AuthError('ERR_INVALID_INPUT', message, { status })

/**
 * Reads a body stream up to `limit` bytes within `timeoutMs` and parses it as JSON or an HTML form.
 * The result is a null-prototype object, so no key (not even `__proto__`) can reach a prototype.
 *
 * The deadline covers the whole body, not the gap between chunks: a client dripping one byte at a
 * time would otherwise hold the request open until Node's own 300 s `requestTimeout`. Past it the
 * read is abandoned (the stream is left alone, so the 408 can still be written, with `Connection:
 * close` so Node ends the connection after it).
 */
export async function readBody(
  stream: AsyncIterable<Uint8Array | string>,
  contentType: string | undefined,
  limit: number,
  timeoutMs = 10_000,
): Promise<Record<string, unknown>> {
  const iterator = stream[Symbol.asyncIterator]()
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new AuthError(
            'ERR_BODY_TIMEOUT',
            `The request body did not arrive within ${timeoutMs} ms.`,
            // The rest of the body is never read: Node closes the connection after the answer.
            { status: 408, headers: { connection: 'close' } },
          ),
        ),
      timeoutMs,
    )
  })
  const chunks: Buffer[] = []
  let size = 0
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), deadline])
      if (next.done) break
      const chunk = next.value
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk)
      size += buffer.byteLength
      if (size > limit) {
        // As `for await` did: stop the stream.
        await iterator.return?.()?.catch(() => {})
        throw new AuthError('ERR_BODY_TOO_LARGE', `The request body exceeds ${limit} bytes.`, {
          status: 413,
        })
      }
      chunks.push(buffer)
    }
  } finally {
    clearTimeout(timer)
  }
  return parseBody(Buffer.concat(chunks).toString('utf8'), contentType)
}

/** Parses a raw body by its content type; an empty body is an empty object. */
export function parseBody(text: string, contentType: string | undefined): Record<string, unknown> {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  if (text === '' && type === '') return Object.create(null)
  if (type === 'application/json') {
    const parsed = parseJsonObject(text)
    if (!parsed.ok) throw invalid(parsed.message)
    return Object.assign(Object.create(null), parsed.value) as Record<string, unknown>
  }
  if (type === 'application/x-www-form-urlencoded') {
    const fields: Record<string, unknown> = Object.create(null)
    for (const [key, value] of new URLSearchParams(text)) {
      if (Object.hasOwn(fields, key)) throw invalid(`The field "${safeName(key)}" appears twice.`)
      fields[key] = value
    }
    return fields
  }
  throw invalid('Send application/json or an HTML form (application/x-www-form-urlencoded).', 415)
}

/** Where a step's request body comes from, as the adapter sees it. */
export interface BodySource {
  stream: AsyncIterable<Uint8Array | string>
  contentType: string | undefined
  /** A host body parser (express.json(), @koa/bodyparser) already read the stream. */
  alreadyParsed: boolean
  /** What that parser produced. */
  parsedBody: unknown
}

/**
 * The body of a request to an auth route: empty for GET/HEAD, the host's parsed body when a host
 * body parser already read the stream (`alreadyParsed`), else read from the stream within the
 * configured size (`maxBodyBytes`) and deadline for the whole body (`bodyTimeoutMs`).
 */
export function readBodyFields(
  body: BodySource,
  method: string,
  limits: { maxBodyBytes: number; bodyTimeoutMs: number },
): Promise<Record<string, unknown>> {
  if (method === 'GET' || method === 'HEAD') return Promise.resolve(Object.create(null))
  if (body.alreadyParsed) return Promise.resolve(adoptParsedBody(body.parsedBody))
  return readBody(body.stream, body.contentType, limits.maxBodyBytes, limits.bodyTimeoutMs)
}

/** Turns a body already parsed by the host (e.g. express.json()) into our null-prototype form. */
export function adoptParsedBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return Object.create(null)
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw invalid('The request body must be a JSON object or an HTML form.')
  }
  const fields: Record<string, unknown> = Object.create(null)
  for (const key of Object.keys(body)) fields[key] = (body as Record<string, unknown>)[key]
  return fields
}

export interface FieldLimits {
  maxSessionDurationMinutes: number
}

/**
 * Validates `body` against `spec`: unknown fields, missing required fields and wrongly typed values
 * are refused with `ERR_INVALID_INPUT` naming the field. Numbers may arrive as form strings.
 */
export function validateFields<T extends Record<string, unknown>>(
  body: Record<string, unknown>,
  spec: FieldSpec,
  limits: FieldLimits,
): T {
  for (const key of Object.keys(body)) {
    if (!Object.hasOwn(spec, key)) throw invalid(`Unknown field "${safeName(key)}".`)
  }
  const result: Record<string, unknown> = {}
  for (const [name, { kind, optional }] of Object.entries(spec)) {
    const value = body[name]
    if (value === undefined || value === '') {
      if (!optional) throw invalid(`The field "${name}" is required.`)
      continue
    }
    result[name] = checkField(name, kind, value, limits)
  }
  return result as T
}

function checkField(name: string, kind: FieldKind, value: unknown, limits: FieldLimits): unknown {
  if (kind === 'sessionDuration') {
    const number = typeof value === 'string' && /^\d{1,7}$/.test(value) ? Number(value) : value
    if (
      typeof number !== 'number' ||
      !Number.isInteger(number) ||
      number < SESSION_DURATION_MINUTES.min ||
      number > limits.maxSessionDurationMinutes
    ) {
      throw invalid(
        `"${name}" must be an integer from ${SESSION_DURATION_MINUTES.min} to ${limits.maxSessionDurationMinutes} minutes.`,
      )
    }
    return number
  }
  if (typeof value !== 'string') throw invalid(`"${name}" must be a string.`)
  switch (kind) {
    case 'email': {
      // Only spaces are trimmed: a CR, LF or tab anywhere refuses the address.
      const email = value.replace(/^ +| +$/g, '')
      if (email.length > 254 || !EMAIL.test(email) || (email.split('@')[0]?.length ?? 0) > 64) {
        throw invalid(`"${name}" must be a valid email address.`)
      }
      return email
    }
    case 'code':
      if (!CODE.test(value)) throw invalid(`"${name}" must be 6 digits.`)
      return value
    case 'organizationId':
    case 'organizationSlug':
      if (!ORGANIZATION_ID.test(value)) {
        throw invalid(`"${name}" must be 2 to 128 of the characters A-Z a-z 0-9 - . _ ~`)
      }
      // A slug shaped like an organization id could pass for another organization wherever a value
      // may be "an id or a slug": such a value is only ever an id.
      if (kind === 'organizationSlug' && ORGANIZATION_ID_SHAPE.test(value)) {
        throw invalid(`"${name}" must not look like an organization id (organization-test-…).`)
      }
      return value
    case 'organizationName': {
      const trimmed = value.trim()
      if (
        trimmed.length < 1 ||
        trimmed.length > ORGANIZATION_NAME_MAX_LENGTH ||
        CONTROL.test(trimmed)
      ) {
        throw invalid(
          `"${name}" must be 1 to ${ORGANIZATION_NAME_MAX_LENGTH} printable characters.`,
        )
      }
      return trimmed
    }
    case 'memberId':
      if (!MEMBER_ID.test(value)) throw invalid(`"${name}" must be a member id (member-test-…).`)
      return value
    case 'phoneNumber':
      if (!PHONE_NUMBER.test(value)) {
        throw invalid(`"${name}" must be a phone number in E.164 form, such as +15555550123.`)
      }
      return value
    case 'recoveryCode': {
      // Typed codes arrive with stray spaces or capitals; the code itself is lowercase.
      const code = value.trim().toLowerCase()
      if (!RECOVERY_CODE.test(code)) throw invalid(`"${name}" must look like xxxx-xxxx-xxxx.`)
      return code
    }
    case 'locale':
      if (!(OTP_LOCALES as readonly string[]).includes(value)) {
        throw invalid(`"${name}" must be one of ${OTP_LOCALES.join(', ')}.`)
      }
      return value
  }
}

/** A field name safe to echo in a message: printable, short. */
function safeName(key: string): string {
  const clean = key.replace(/[^\x20-\x7e]/g, '?')
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean
}
