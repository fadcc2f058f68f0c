// Local verification of Stytch session JWTs: RS256 (rs256.ts), then issuer, audience, times and Stytch's claims; verified tokens cached.
import type { KeyObject } from 'node:crypto'
import { LRUCache } from 'lru-cache'
import { SESSION_JWT_LIFETIME_SECONDS, type SessionJwtPayload } from '../../wire/jwt.js'
import { type JwksStore, JwksUnavailableError } from './jwks-store.js'
import { readRs256Header, verifyRs256 } from './rs256.js'

/** How often expired entries are swept out of the verified-token cache. */
const SWEEP_INTERVAL_MS = 60_000

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
  /**
   * The claims of `jwt` when this very token was verified before and still holds (not expired,
   * its key still published): the hit path, with no parsing at all. `undefined` otherwise.
   */
  verified(jwt: string): SessionJwtPayload | undefined
  /**
   * Verifies a session JWT. Synchronous when the answer needs no I/O (a cached token, a malformed
   * one, or a key at hand: node:crypto checks RS256 synchronously); a promise only while the
   * JWKS is fetched, so most requests need no await at all.
   */
  verify(jwt: string): VerifyOutcome | Promise<VerifyOutcome>
  /** Verified tokens held in the cache now (for tests and health checks). */
  cachedTokens(): number
}

interface CachedToken {
  /** The whole token: a hit needs this exact string (see `indexOf`). */
  jwt: string
  claims: SessionJwtPayload
  kid: string
  exp: number
}

/**
 * Where a token sits in the cache: the last 43 characters of its signature (256 bits of it). A
 * lookup hashes this instead of the whole 1 KB token (a fresh string on every request, whose hash
 * V8 computes anew: about 2 µs), and a hit still requires the entry's whole token to equal the one
 * presented. Two tokens with one index only evict each other (a forged one is never stored).
 */
const INDEX_CHARS = 43
const indexOf = (jwt: string): string => jwt.slice(-INDEX_CHARS)

export function createSessionVerifier(options: SessionVerifierOptions): SessionVerifier {
  const tolerance = options.clockToleranceSeconds
  const issuers = [`stytch.com/${options.projectId}`, options.baseUrl.replace(/\/+$/, '')]
  const cache =
    options.cacheSize > 0
      ? new LRUCache<string, CachedToken>({
          max: options.cacheSize,
          maxSize: options.cacheSize * 2048,
          sizeCalculation: (value) => value.jwt.length + 512,
          // No per-entry TTL: `hit.exp` is checked on every hit, so expired entries are refused
          // anyway and simply age out of the LRU (saves lru-cache's TTL bookkeeping on each get).
        })
      : undefined

  // Expired entries are dropped by a sweep at most once a minute, run by the next verification,
  // so memory returns to its baseline after a flood of tokens instead of waiting for eviction.
  let nextSweepAt = options.now() + SWEEP_INTERVAL_MS
  function sweep(nowMs: number): void {
    nextSweepAt = nowMs + SWEEP_INTERVAL_MS
    if (cache === undefined) return
    const oldest = nowMs / 1000 - tolerance
    const dead: string[] = []
    for (const [index, entry] of cache.entries()) if (entry.exp <= oldest) dead.push(index)
    for (const index of dead) cache.delete(index)
  }

  function verified(jwt: string): SessionJwtPayload | undefined {
    const nowMs = options.now()
    if (nowMs >= nextSweepAt) sweep(nowMs)
    // `peek`, not `get`: no recency bookkeeping per hit, so the cache evicts in insertion order,
    // which for tokens that all live 5 minutes is also the order in which they expire.
    const hit = cache?.peek(indexOf(jwt))
    // A key removed from the JWKS takes its tokens with it, even cached ones.
    if (
      hit !== undefined &&
      hit.jwt === jwt &&
      hit.exp > nowMs / 1000 - tolerance &&
      options.jwks.hasKey(hit.kid)
    ) {
      return hit.claims
    }
    return undefined
  }

  function verify(jwt: string): VerifyOutcome | Promise<VerifyOutcome> {
    const hit = verified(jwt)
    if (hit !== undefined) return { status: 'valid', claims: hit }
    // Everything decidable without a key: the token's form and header.
    const header = readRs256Header(jwt)
    if ('reason' in header) return { status: 'invalid', reason: header.reason }
    const key = options.jwks.keyNow(header.kid)
    return key === undefined ? verifyAfterFetch(jwt, header.kid) : checkSigned(jwt, header.kid, key)
  }

  /** The slow path: the key set is stale or lacks the kid, so the JWKS store may fetch. */
  async function verifyAfterFetch(jwt: string, kid: string): Promise<VerifyOutcome> {
    let key: KeyObject | undefined
    try {
      key = await options.jwks.getKey(kid)
    } catch (error) {
      if (error instanceof JwksUnavailableError) return { status: 'unavailable' }
      throw error
    }
    if (key === undefined) return { status: 'invalid', reason: 'unknown kid' }
    return checkSigned(jwt, kid, key)
  }

  /** The signature with `key` (rs256.ts), then the claims; caches what passes. */
  function checkSigned(jwt: string, kid: string, key: KeyObject): VerifyOutcome {
    const nowSeconds = options.now() / 1000
    const signed = verifyRs256(jwt, key)
    if ('reason' in signed) return { status: 'invalid', reason: signed.reason }
    const { claims } = signed
    // The checks jwtVerify made, in its order: issuer, audience, required claims, nbf, exp, age.
    const { iss, aud, exp, iat, nbf, sub } = claims
    if (typeof iss !== 'string' || !issuers.includes(iss)) {
      return { status: 'invalid', reason: 'unexpected "iss" claim value' }
    }
    if (!(aud === options.projectId || (Array.isArray(aud) && aud.includes(options.projectId)))) {
      return { status: 'invalid', reason: 'unexpected "aud" claim value' }
    }
    if (typeof exp !== 'number' || typeof iat !== 'number' || typeof sub !== 'string') {
      return { status: 'invalid', reason: 'missing exp, iat or sub' }
    }
    // `nbf` is optional (RFC 7519 4.1.5); when present it must be a number and must have passed.
    if (nbf !== undefined && typeof nbf !== 'number') {
      return { status: 'invalid', reason: '"nbf" must be a number' }
    }
    if (nbf !== undefined && nbf > nowSeconds + tolerance) {
      return { status: 'invalid', reason: '"nbf" check failed' }
    }
    if (exp <= nowSeconds - tolerance) {
      // Validly signed, right issuer and audience, past exp: the only case a refresh may follow.
      const problem = stytchClaimsProblem(claims, nowSeconds, tolerance)
      return problem === undefined
        ? { status: 'expired', claims: claims as SessionJwtPayload }
        : { status: 'invalid', reason: problem }
    }
    if (nowSeconds - iat - tolerance > SESSION_JWT_LIFETIME_SECONDS + tolerance) {
      return { status: 'invalid', reason: '"iat" too far in the past' }
    }

    const problem = stytchClaimsProblem(claims, nowSeconds, tolerance)
    if (problem !== undefined) return { status: 'invalid', reason: problem }
    const payload = claims as SessionJwtPayload
    cache?.set(indexOf(jwt), { jwt, claims: payload, kid, exp: payload.exp })
    return { status: 'valid', claims: payload }
  }

  return { verified, verify, cachedTokens: () => cache?.size ?? 0 }
}

/**
 * Checks that the token is shaped like a Stytch session JWT (both Stytch claims,
 * a member subject, Stytch's fixed lifetime). Machine-to-machine tokens fail here.
 */
function stytchClaimsProblem(
  claims: Record<string, unknown>,
  nowSeconds: number,
  tolerance: number,
): string | undefined {
  const { iat, nbf, exp, sub } = claims
  if (typeof iat !== 'number' || typeof exp !== 'number') return 'iat and exp must be numbers'
  if (typeof nbf === 'number' && nbf < iat - tolerance) {
    return 'lifetime differs from Stytch session JWTs'
  }
  if (exp - iat > SESSION_JWT_LIFETIME_SECONDS || exp <= iat) {
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
    // Optional on the wire (the SDK's own fixtures omit them), checked when present.
    (session.expires_at !== undefined &&
      (typeof session.expires_at !== 'string' || Number.isNaN(Date.parse(session.expires_at)))) ||
    (session.roles !== undefined &&
      (!Array.isArray(session.roles) ||
        !session.roles.every((role) => typeof role === 'string'))) ||
    !Array.isArray(session.authentication_factors)
  ) {
    return 'malformed Stytch session claim'
  }
  if (typeof organization.organization_id !== 'string' || typeof organization.slug !== 'string') {
    return 'malformed Stytch organization claim'
  }
  return undefined
}
