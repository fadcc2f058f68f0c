// Local verification of Stytch session JWTs: pinned RS256, issuer, audience, typ and Stytch's claims; verified tokens cached.
import { decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose'
import { LRUCache } from 'lru-cache'
import type { SessionJwtPayload } from '../stytch-api/wire.js'
import { type JwksStore, JwksUnavailableError } from './jwks-store.js'

/** Stytch session JWTs live exactly this long (spec 9.1). */
export const SESSION_JWT_LIFETIME_SECONDS = 300
/** No Stytch JWT comes close; longer strings are refused before any parsing. */
export const MAX_JWT_LENGTH = 8192

export type VerifyOutcome =
  /** Signed, current and shaped like a Stytch session JWT. */
  | { status: 'valid'; claims: SessionJwtPayload }
  /** Validly signed and Stytch-shaped, but past `exp`: the only case a refresh may follow. */
  | { status: 'expired'; claims: SessionJwtPayload }
  /** Anything else: refused locally, never sent upstream. `reason` is for logs and tests. */
  | { status: 'invalid'; reason: string }
  /** No key set can be had (JWKS down past the stale window): fail closed. */
  | { status: 'unavailable' }

export interface SessionVerifierOptions {
  projectId: string
  baseUrl: string
  jwks: JwksStore
  clockToleranceSeconds: number
  cacheSize: number
  now: () => number
}

export interface SessionVerifier {
  verify(jwt: string): Promise<VerifyOutcome>
}

interface CachedToken {
  claims: SessionJwtPayload
  kid: string
  exp: number
}

// Stytch's header is exactly { alg, kid, typ }. Anything else (jwk, jku, x5u, x5c, crit, b64, zip…)
// is refused outright, so no header can point us at another key or change how the payload is read.
const ALLOWED_HEADER_KEYS = new Set(['alg', 'kid', 'typ'])
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/

export function createSessionVerifier(options: SessionVerifierOptions): SessionVerifier {
  const tolerance = options.clockToleranceSeconds
  const issuers = [`stytch.com/${options.projectId}`, options.baseUrl.replace(/\/+$/, '')]
  const cache =
    options.cacheSize > 0
      ? new LRUCache<string, CachedToken>({
          max: options.cacheSize,
          maxSize: options.cacheSize * 2048,
          sizeCalculation: (_value, key) => key.length + 512,
          perf: { now: options.now },
        })
      : undefined

  async function verify(jwt: string): Promise<VerifyOutcome> {
    const nowSeconds = options.now() / 1000
    const hit = cache?.get(jwt)
    // A key removed from the JWKS takes its tokens with it, even cached ones.
    if (hit && hit.exp > nowSeconds - tolerance && options.jwks.hasKey(hit.kid)) {
      return { status: 'valid', claims: hit.claims }
    }

    if (jwt.length > MAX_JWT_LENGTH || !COMPACT_JWS.test(jwt) || !isCanonical(jwt)) {
      return { status: 'invalid', reason: 'not a canonical compact JWS' }
    }
    let header: Record<string, unknown>
    try {
      header = decodeProtectedHeader(jwt) as Record<string, unknown>
    } catch {
      return { status: 'invalid', reason: 'unreadable header' }
    }
    if (Object.keys(header).some((key) => !ALLOWED_HEADER_KEYS.has(key))) {
      return { status: 'invalid', reason: 'unexpected header parameter' }
    }
    if (header.alg !== 'RS256' || header.typ !== 'JWT' || typeof header.kid !== 'string') {
      return { status: 'invalid', reason: 'header is not {alg: RS256, typ: JWT, kid}' }
    }
    const kid = header.kid

    let key: Awaited<ReturnType<JwksStore['getKey']>>
    try {
      key = await options.jwks.getKey(kid)
    } catch (error) {
      if (error instanceof JwksUnavailableError) return { status: 'unavailable' }
      throw error
    }
    if (key === undefined) return { status: 'invalid', reason: 'unknown kid' }

    let claims: Record<string, unknown>
    try {
      const result = await jwtVerify(jwt, key, {
        algorithms: ['RS256'],
        issuer: issuers,
        audience: options.projectId,
        typ: 'JWT',
        requiredClaims: ['exp', 'iat', 'nbf', 'sub'],
        maxTokenAge: SESSION_JWT_LIFETIME_SECONDS + tolerance,
        clockTolerance: tolerance,
        currentDate: new Date(options.now()),
      })
      claims = result.payload
    } catch (error) {
      // jose checks the signature before any claim, so an `exp` failure means a validly signed
      // token whose issuer and audience already passed. `iat` failures are not expiry.
      if (error instanceof joseErrors.JWTExpired && error.claim === 'exp') {
        const problem = stytchClaimsProblem(error.payload, nowSeconds, tolerance)
        return problem === undefined
          ? { status: 'expired', claims: error.payload as SessionJwtPayload }
          : { status: 'invalid', reason: problem }
      }
      return {
        status: 'invalid',
        reason: (error as { code?: string }).code ?? 'verification failed',
      }
    }

    const problem = stytchClaimsProblem(claims, nowSeconds, tolerance)
    if (problem !== undefined) return { status: 'invalid', reason: problem }
    const verified = claims as SessionJwtPayload
    const ttlMs = (verified.exp + tolerance - nowSeconds) * 1000
    if (ttlMs > 0)
      cache?.set(jwt, { claims: verified, kid, exp: verified.exp }, { ttl: Math.ceil(ttlMs) })
    return { status: 'valid', claims: verified }
  }

  return { verify }
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

/**
 * Checks what jose does not: the token is shaped like a Stytch session JWT (both Stytch claims,
 * a member subject, Stytch's fixed lifetime). Machine-to-machine tokens fail here.
 */
function stytchClaimsProblem(
  claims: Record<string, unknown>,
  nowSeconds: number,
  tolerance: number,
): string | undefined {
  const { iat, nbf, exp, sub } = claims
  if (typeof iat !== 'number' || typeof nbf !== 'number' || typeof exp !== 'number') {
    return 'iat, nbf and exp must be numbers'
  }
  if (exp - iat > SESSION_JWT_LIFETIME_SECONDS || exp <= iat || nbf < iat - tolerance) {
    return 'lifetime differs from Stytch session JWTs'
  }
  if (iat > nowSeconds + tolerance) return 'issued in the future'
  if (typeof sub !== 'string' || !sub.startsWith('member-')) return 'subject is not a member'
  const session = claims['https://stytch.com/session'] as Record<string, unknown> | undefined
  const organization = claims['https://stytch.com/organization'] as
    | Record<string, unknown>
    | undefined
  if (typeof session !== 'object' || session === null) return 'missing Stytch session claim'
  if (typeof organization !== 'object' || organization === null) {
    return 'missing Stytch organization claim'
  }
  if (
    typeof session.id !== 'string' ||
    typeof session.started_at !== 'string' ||
    typeof session.last_accessed_at !== 'string' ||
    typeof session.expires_at !== 'string' ||
    Number.isNaN(Date.parse(session.expires_at)) ||
    !Array.isArray(session.roles) ||
    !session.roles.every((role) => typeof role === 'string') ||
    !Array.isArray(session.authentication_factors)
  ) {
    return 'malformed Stytch session claim'
  }
  if (typeof organization.organization_id !== 'string' || typeof organization.slug !== 'string') {
    return 'malformed Stytch organization claim'
  }
  return undefined
}
