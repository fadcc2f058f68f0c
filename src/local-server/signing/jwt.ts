// Compact RS256 JWS: signs session JWTs and checks incoming ones against the published keys.
import { sign, verify } from 'node:crypto'
import type { SessionJwtHeader } from '../../wire/jwt.js'
import { StytchHttpError, sessionNotFound } from '../domain/errors.js'
import type { KeyRing } from './signing-keys.js'

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** Signs `payload` with the ring's current key; header `{alg: RS256, kid, typ: JWT}`. */
export function signJwt(keys: KeyRing, payload: Record<string, unknown>): string {
  const key = keys.current()
  const header: SessionJwtHeader = { alg: 'RS256', kid: key.kid, typ: 'JWT' }
  const input = `${encode(header)}.${encode(payload)}`
  return `${input}.${sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`
}

function unparsable(): StytchHttpError {
  return new StytchHttpError(400, 'unable_to_parse_session_jwt', 'Unable to parse session JWT.')
}

function decodeJson(part: string): Record<string, unknown> {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) throw unparsable()
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
  } catch {
    throw unparsable()
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw unparsable()
  return value as Record<string, unknown>
}

/**
 * Returns the payload of a JWT that this server signed for this project with a still-published
 * key. `exp` is deliberately not checked: sessions/authenticate accepts an expired JWT while its
 * session lives. Garbage → 400 `unable_to_parse_session_jwt`; a well-formed token
 * that fails the checks → 404 `session_not_found`.
 */
export function verifyJwtIgnoringExpiry(
  keys: KeyRing,
  projectId: string,
  token: string,
): Record<string, unknown> {
  const parts = token.split('.')
  if (parts.length !== 3) throw unparsable()
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string]
  const header = decodeJson(headerPart)
  const payload = decodeJson(payloadPart)
  if (!/^[A-Za-z0-9_-]*$/.test(signaturePart)) throw unparsable()
  if (header.alg !== 'RS256' || header.typ !== 'JWT' || typeof header.kid !== 'string') {
    throw sessionNotFound()
  }
  const publicKey = keys.publicKey(header.kid)
  if (publicKey === undefined) throw sessionNotFound()
  const signature = Buffer.from(signaturePart, 'base64url')
  const signedInput = Buffer.from(`${headerPart}.${payloadPart}`)
  if (!verify('sha256', signedInput, publicKey, signature)) throw sessionNotFound()
  const audience = payload.aud
  const audienceOk = Array.isArray(audience) ? audience.includes(projectId) : audience === projectId
  if (!audienceOk || payload.iss !== `stytch.com/${projectId}`) throw sessionNotFound()
  return payload
}
