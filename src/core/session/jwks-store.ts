// The JWKS of one Stytch project: one download in flight, a TTL, stale keys during outages, a refetch budget for new kids.
import { createPublicKey, type KeyObject } from 'node:crypto'
import { readLimited } from '../stytch-api/client.js'

export interface JwksStoreOptions {
  /** `{baseUrl}/v1/b2b/sessions/jwks/{projectId}`. */
  url: string
  requestTimeoutMs: number
  ttlMs: number
  refetchCooldownMs: number
  maxStaleMs: number
  maxBytes: number
  now: () => number
}

export interface JwksStats {
  /** JWKS downloads started. */
  fetches: number
  /** Downloads that failed (network, status, body or key errors). */
  failures: number
  /** `kid`s of the keys in use. */
  kids: string[]
}

export interface JwksStore {
  /**
   * The verification key for `kid`. An unknown `kid` waits for the download in flight or spends
   * one refetch from a small budget (a burst of 2, then one per cooldown).
   * Resolves `undefined` when no published key has that `kid`; rejects when no key set can be had.
   */
  getKey(kid: string): Promise<KeyObject | undefined>
  /**
   * Whether `kid` is in a key set still inside its stale window, without any I/O (used by the
   * verified-token cache).
   */
  hasKey(kid: string): boolean
  /** The key for `kid` when the key set is fresh and has it, without any I/O; else `undefined`. */
  keyNow(kid: string): KeyObject | undefined
  stats(): JwksStats
}

/** Raised when no usable key set can be had (endpoint down past the stale window). */
export class JwksUnavailableError extends Error {
  override name = 'JwksUnavailableError'
}

// Stytch signs with 2048-bit RSA keys; anything smaller is refused.
const MIN_RSA_BITS = 2048
const KID = /^[A-Za-z0-9._:-]{1,256}$/
/** Unknown-`kid` refetches allowed back to back before the one-per-cooldown rate applies. */
const REFETCH_BURST = 2

/**
 * The key set as one small state machine, in the manner of jose's `createRemoteJWKSet`:
 * `keys` and `fetchedAt` (the last good download), `pending` (the one download in flight).
 *
 * - fresh (age < TTL): keys are used as they are, synchronously (`keyNow`);
 * - stale (TTL <= age < TTL + max stale): keys are still used, and a download is started in the
 *   background at most once per cooldown;
 * - none, or past the stale window: the request waits for a download; if it fails, fail closed.
 *
 * An unknown `kid` waits for the download in flight, if any; otherwise it spends one unit of a
 * refetch budget (a burst of 2, refilled at one per cooldown). A key published just after a
 * download is therefore accepted at once, while a flood of made-up `kid`s still costs about one
 * download per cooldown. A failed download keeps the previous keys (their age decides their use);
 * a successful one replaces them whole, so a key removed from the JWKS is refused at once.
 */
export function createJwksStore(options: JwksStoreOptions): JwksStore {
  const { now, ttlMs, maxStaleMs, refetchCooldownMs } = options
  const stats = { fetches: 0, failures: 0 }
  let keys: ReadonlyMap<string, KeyObject> | undefined
  let fetchedAt = Number.NEGATIVE_INFINITY
  let pending: Promise<void> | undefined
  let lastAttemptAt = Number.NEGATIVE_INFINITY
  const budget = refetchBudget(REFETCH_BURST, refetchCooldownMs, now)

  const isFresh = () => now() - fetchedAt < ttlMs
  // Past the stale window the key set is no longer trusted, for cached tokens as for new ones.
  const isUsable = () => now() - fetchedAt < ttlMs + maxStaleMs

  /** Starts a download unless one is in flight; resolves when it settles (never rejects). */
  function reload(): Promise<void> {
    pending ??= (async () => {
      lastAttemptAt = now()
      stats.fetches++
      try {
        keys = await download(options)
        fetchedAt = now()
      } catch {
        stats.failures++
      } finally {
        pending = undefined
      }
    })()
    return pending
  }

  return {
    async getKey(kid) {
      if (!KID.test(kid)) return undefined
      let reloaded = false
      if (!isFresh()) {
        if (isUsable()) {
          // Stale but inside the window: answer now, revalidate in the background.
          if (now() - lastAttemptAt >= refetchCooldownMs) void reload()
        } else {
          await reload()
          reloaded = true
          if (!isUsable()) {
            throw new JwksUnavailableError(
              'the JWKS endpoint is unavailable and no usable keys are cached',
            )
          }
        }
      }
      const key = keys?.get(kid)
      if (key !== undefined || reloaded) return key
      // A download already on its way may bring the key: wait for it rather than refuse.
      if (pending !== undefined) await pending
      else if (budget.take()) await reload()
      else return undefined
      return isUsable() ? keys?.get(kid) : undefined
    },
    hasKey: (kid) => isUsable() && keys?.has(kid) === true,
    keyNow: (kid) => (isFresh() ? keys?.get(kid) : undefined),
    stats: () => ({ ...stats, kids: [...(keys?.keys() ?? [])] }),
  }
}

/** A token bucket: `burst` takes at once, refilled at one per `periodMs` (0: unlimited). */
function refetchBudget(burst: number, periodMs: number, now: () => number): { take(): boolean } {
  let tokens = burst
  let at = now()
  return {
    take() {
      if (periodMs === 0) return true
      const t = now()
      tokens = Math.min(burst, tokens + Math.max(0, t - at) / periodMs)
      at = t
      if (tokens < 1) return false
      tokens -= 1
      return true
    },
  }
}

async function download(options: JwksStoreOptions): Promise<ReadonlyMap<string, KeyObject>> {
  // One deadline for connect, headers and body: a drip-fed answer cannot hold us longer.
  const response = await fetch(options.url, {
    headers: { accept: 'application/json' },
    signal: AbortSignal.timeout(options.requestTimeoutMs),
    redirect: 'error',
  })
  const text = await readLimited(response, options.maxBytes)
  if (response.status !== 200) throw new Error(`JWKS answered HTTP ${response.status}`)
  const body: unknown = JSON.parse(text)
  const list = (body as { keys?: unknown } | null)?.keys
  if (!Array.isArray(list)) throw new Error('JWKS body has no "keys" array')
  const keys = new Map<string, KeyObject>()
  for (const jwk of list) {
    const imported = importRsaKey(jwk)
    if (imported) keys.set(imported.kid, imported.key)
  }
  if (keys.size === 0) throw new Error('JWKS has no usable RS256 key')
  return keys
}

/** Imports one JWK if it is an RS256 signing key of at least 2048 bits; otherwise `undefined`. */
function importRsaKey(jwk: unknown): { kid: string; key: KeyObject } | undefined {
  if (typeof jwk !== 'object' || jwk === null) return undefined
  const { kty, kid, use, alg, key_ops: keyOps, n, e } = jwk as Record<string, unknown>
  if (kty !== 'RSA' || typeof kid !== 'string' || !KID.test(kid)) return undefined
  if (use !== undefined && use !== 'sig') return undefined
  if (alg !== undefined && alg !== 'RS256') return undefined
  if (keyOps !== undefined && !(Array.isArray(keyOps) && keyOps.includes('verify')))
    return undefined
  if (typeof n !== 'string' || typeof e !== 'string') return undefined
  try {
    const key = createPublicKey({ key: { kty: 'RSA', n, e }, format: 'jwk' })
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0
    return bits >= MIN_RSA_BITS ? { kid, key } : undefined
  } catch {
    return undefined
  }
}
