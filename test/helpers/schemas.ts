// Validates Stytch wire bodies against the JSON Schemas in test/fixtures/stytch-schemas (Ajv 2020).

import { readdirSync, readFileSync } from 'node:fs'
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js'

const SCHEMA_DIR = new URL('../fixtures/stytch-schemas/', import.meta.url)
const ID_BASE = 'https://stytch-b2b-wire.invalid/schemas/'

interface SchemaIndex {
  success: Record<string, string>
  error: string
  session_jwt_header: string
  session_jwt_payload: string
}

/** Counts of bodies that passed a schema check in this test file (one module instance per file). */
export interface SchemaStats {
  success: number
  error: number
  jwtHeader: number
  jwtPayload: number
  /** Success validations per endpoint key, e.g. `{ 'GET /v1/b2b/sessions': 2 }`. */
  byEndpoint: Record<string, number>
}

const stats: SchemaStats = { success: 0, error: 0, jwtHeader: 0, jwtPayload: 0, byEndpoint: {} }

function readJson(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, SCHEMA_DIR), 'utf8'))
}

const INDEX = readJson('index.json') as SchemaIndex

const ajv = new Ajv2020({ strict: false, allErrors: true })
for (const file of readdirSync(SCHEMA_DIR)) {
  if (file.endsWith('.schema.json')) ajv.addSchema(readJson(file) as object)
}

const compiled = new Map<string, ValidateFunction>()

function validatorFor(file: string): ValidateFunction {
  const cached = compiled.get(file)
  if (cached) return cached
  const fn = ajv.getSchema(ID_BASE + file)
  if (!fn) throw new Error(`schema ${file} is not loaded (looked for $id ${ID_BASE + file})`)
  compiled.set(file, fn)
  return fn
}

function valueAt(body: unknown, pointer: string): unknown {
  let current: unknown = body
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string, unknown>)[key]
  }
  return current
}

function preview(value: unknown): string {
  const text = JSON.stringify(value)
  if (text === undefined) return 'undefined'
  return text.length > 120 ? `${text.slice(0, 117)}...` : text
}

const MAX_LISTED_ERRORS = 25

function formatErrors(errors: ErrorObject[] | null | undefined, body: unknown): string {
  const all = errors ?? []
  const more =
    all.length > MAX_LISTED_ERRORS ? `\n  ... and ${all.length - MAX_LISTED_ERRORS} more` : ''
  return all
    .slice(0, MAX_LISTED_ERRORS)
    .map((e) => {
      const path = e.instancePath === '' ? '(root)' : e.instancePath
      return `  - ${path} ${e.message ?? 'is invalid'} ${JSON.stringify(e.params)} [schema ${e.schemaPath}] got ${preview(valueAt(body, e.instancePath))}`
    })
    .join('\n')
    .concat(more)
}

function check(file: string, label: string, body: unknown): void {
  const validate = validatorFor(file)
  if (!validate(body)) {
    throw new Error(
      `${label} does not match ${file}:\n${formatErrors(validate.errors, body)}\nbody: ${preview(body)}`,
    )
  }
}

/** Every endpoint key listed in index.json (`METHOD path`). */
export const ENDPOINT_KEYS: readonly string[] = Object.keys(INDEX.success)

/**
 * Asserts a success body matches the response schema of `endpointKey` (a key of index.json).
 * @example expectMatchesSchema('POST /v1/b2b/otps/email/authenticate', res.body)
 */
export function expectMatchesSchema(endpointKey: string, body: unknown): void {
  const file = INDEX.success[endpointKey]
  if (!file) throw new Error(`no success schema for "${endpointKey}" in index.json`)
  check(file, `success body of ${endpointKey}`, body)
  stats.success += 1
  stats.byEndpoint[endpointKey] = (stats.byEndpoint[endpointKey] ?? 0) + 1
}

/**
 * Asserts a body is a Stytch error envelope (section 8.1 of the spec).
 * @example expectStytchError(res.body)
 */
export function expectStytchError(body: unknown): void {
  check(INDEX.error, 'error body', body)
  stats.error += 1
}

/** Asserts a decoded `session_jwt` JOSE header matches the header schema. */
export function expectJwtHeader(header: unknown): void {
  check(INDEX.session_jwt_header, 'session_jwt header', header)
  stats.jwtHeader += 1
}

/** Asserts decoded `session_jwt` claims match the payload schema. */
export function expectJwtPayload(payload: unknown): void {
  check(INDEX.session_jwt_payload, 'session_jwt payload', payload)
  stats.jwtPayload += 1
}

/** Decodes (without verifying) the header and payload of a compact JWS. */
export function decodeJwt(jwt: string): {
  header: Record<string, unknown>
  payload: Record<string, unknown>
} {
  const parts = jwt.split('.')
  if (parts.length !== 3) throw new Error(`not a compact JWS: ${parts.length} parts`)
  const part = (i: number): Record<string, unknown> =>
    JSON.parse(Buffer.from(parts[i] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>
  return { header: part(0), payload: part(1) }
}

/** A copy of the counters so far. */
export function schemaStats(): SchemaStats {
  return { ...stats, byEndpoint: { ...stats.byEndpoint } }
}
