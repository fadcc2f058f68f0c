// The RS256 check of a Stytch session JWT with node:crypto: form, header, signature, payload, in that order.
//
// Why not `jose.jwtVerify`: jose verifies through WebCrypto (`crypto.subtle.verify`), which on
// Node 20 is asynchronous and hops to the libuv thread pool: about 110 µs per token against about
// 31 µs for `crypto.verify` with a `KeyObject`, which is synchronous (bench/micro.ts measures both
// in `npm run bench`). Being synchronous also lets a request whose key is at hand finish without a
// single await. jose still does what it does well here: reading the protected header.
//
// What is checked, in this order (the first failure decides, and nothing later runs):
//   1. form: at most 8 KiB, three base64url segments, each in its one canonical encoding;
//   2. header: exactly `{ alg: 'RS256', typ: 'JWT', kid }`, no other parameter (no jwk, jku, x5u,
//      x5c, crit, b64, zip…), so no header can point at another key or change how bytes are read;
//   3. key: the caller looks `kid` up in the JWKS it fetched itself (RSA, >= 2048 bits, `use: sig`);
//   4. signature: RSASSA-PKCS1-v1_5 with SHA-256 over `header.payload`, by `crypto.verify`;
//   5. payload: strict UTF-8 (as jose refuses invalid bytes) holding a JSON object.
// Claims (issuer, audience, times, Stytch's session shape) are checked after this, in verify.ts.
import { type KeyObject, verify as verifySignature } from 'node:crypto'
import { decodeProtectedHeader } from 'jose'

/** No Stytch JWT comes close; longer strings are refused before any parsing. */
export const MAX_JWT_LENGTH = 8192

// Stytch's header is exactly { alg, kid, typ }.
const ALLOWED_HEADER_KEYS = new Set(['alg', 'kid', 'typ'])
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true })

/** A refusal, with a reason for logs and tests (never the token itself). */
export interface Rs256Refusal {
  reason: string
}

/** Steps 1 and 2: the token's form and header, without any key. Returns the `kid` to look up. */
export function readRs256Header(jwt: string): { kid: string } | Rs256Refusal {
  if (jwt.length > MAX_JWT_LENGTH || !COMPACT_JWS.test(jwt) || !isCanonical(jwt)) {
    return { reason: 'not a canonical compact JWS' }
  }
  let header: Record<string, unknown>
  try {
    header = decodeProtectedHeader(jwt) as Record<string, unknown>
  } catch {
    return { reason: 'unreadable header' }
  }
  if (Object.keys(header).some((key) => !ALLOWED_HEADER_KEYS.has(key))) {
    return { reason: 'unexpected header parameter' }
  }
  if (header.alg !== 'RS256' || header.typ !== 'JWT' || typeof header.kid !== 'string') {
    return { reason: 'header is not {alg: RS256, typ: JWT, kid}' }
  }
  return { kid: header.kid }
}

/**
 * Steps 4 and 5, for a token that passed `readRs256Header` and the key its `kid` names: the
 * signature, then the payload as a JSON object (its claims are not checked here).
 */
export function verifyRs256(
  jwt: string,
  key: KeyObject,
): { claims: Record<string, unknown> } | Rs256Refusal {
  const lastDot = jwt.lastIndexOf('.')
  const signatureOk = verifySignature(
    'sha256',
    Buffer.from(jwt.slice(0, lastDot)),
    key,
    Buffer.from(jwt.slice(lastDot + 1), 'base64url'),
  )
  if (!signatureOk) return { reason: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' }
  const claims = decodeClaims(jwt.slice(jwt.indexOf('.') + 1, lastDot))
  return claims === undefined ? { reason: 'payload is not a JSON object' } : { claims }
}

/** The payload segment as a JSON object, refusing invalid UTF-8, or `undefined`. */
function decodeClaims(payload: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(STRICT_UTF8.decode(Buffer.from(payload, 'base64url')))
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/**
 * Base64url segments must be in their one canonical form: otherwise flipping the unused low bits
 * of a segment's last character yields a different string for the same signed bytes, and a
 * token could slip past anything keyed by the token string (caches, deny-lists, logs).
 */
function isCanonical(jwt: string): boolean {
  for (const segment of jwt.split('.')) {
    if (Buffer.from(segment, 'base64url').toString('base64url') !== segment) return false
  }
  return true
}
