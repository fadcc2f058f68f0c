// Compact RS256 JWS: signs session JWTs and checks incoming ones against the published keys.
import { sign, verify } from 'node:crypto'
import type { SessionJwtHeader } from '../../wire/jwt.js'
import type { KeyRing } from './signing-keys.js'

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** Signs `payload` with the ring's current key; header `{alg: RS256, kid, typ: JWT}`. */
export function signJwt(keys: KeyRing, payload: Record<string, unknown>): string {
  const key = keys.current()
  const header: SessionJwtHeader = { alg: 'RS256', kid: key.kid, typ: 'JWT' }
  const input = `${encode(header)}.${encode(payload)}`
  return `${input}.${sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`
}

/**
 * Why a token was refused: `unparsable` (not a compact JWS of JSON objects) or `invalid` (wrong
 * algorithm, unknown key, bad signature, another audience or issuer). The caller picks the answer.
 */
export class JwtRejected extends Error {
  override name = 'JwtRejected'
  readonly reason: 'unparsable' | 'invalid'
  constructor(reason: 'unparsable' | 'invalid') {
    super(reason === 'unparsable' ? 'Unable to parse the JWT.' : 'The JWT is not valid.')
    this.reason = reason
  }
}

const unparsable = () => new JwtRejected('unparsable')
const invalid = () => new JwtRejected('invalid')

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
 * session lives. Throws a JwtRejected.
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
    throw invalid()
  }
  const publicKey = keys.publicKey(header.kid)
  if (publicKey === undefined) throw invalid()
  const signature = Buffer.from(signaturePart, 'base64url')
  const signedInput = Buffer.from(`${headerPart}.${payloadPart}`)
  if (!verify('sha256', signedInput, publicKey, signature)) throw invalid()
  const audience = payload.aud
  const audienceOk = Array.isArray(audience) ? audience.includes(projectId) : audience === projectId
  if (!audienceOk || payload.iss !== `stytch.com/${projectId}`) throw invalid()
  return payload
}
