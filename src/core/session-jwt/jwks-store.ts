// The JWKS of one Stytch project, held in lru-cache: one fetch in flight, a TTL, stale keys during outages.
import { createPublicKey, type KeyObject } from 'node:crypto'
import { LRUCache } from 'lru-cache'
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
   * The verification key for `kid`. An unknown `kid` refetches the JWKS at most once per cooldown.
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

interface KeySet {
  keys: Map<string, KeyObject>
  fetchedAt: number
}

/** Raised when no usable key set can be had (endpoint down past the stale window). */
export class JwksUnavailableError extends Error {
  override name = 'JwksUnavailableError'
}

// Stytch signs with 2048-bit RSA keys; anything smaller is refused.
const MIN_RSA_BITS = 2048
const KID = /^[A-Za-z0-9._:-]{1,256}$/

export function createJwksStore(options: JwksStoreOptions): JwksStore {
  const stats = { fetches: 0, failures: 0 }
  let lastFetchStartedAt = Number.NEGATIVE_INFINITY
  let current: KeySet | undefined

  // One entry (this project's key set); lru-cache gives one fetch in flight and keeps the stale
  // value when a refetch fails (allowStaleOnFetchRejection).
  const cache = new LRUCache<string, KeySet>({
    max: 1,
    ttl: options.ttlMs,
    perf: { now: options.now },
    allowStaleOnFetchRejection: true,
    noDeleteOnFetchRejection: true,
    fetchMethod: async (url) => {
      lastFetchStartedAt = options.now()
      stats.fetches++
      try {
        const set = await download(url, options)
        current = set
        return set
      } catch (error) {
        stats.failures++
        throw error
      }
    },
  })

  let inflight: Promise<KeySet | undefined> | undefined
  const refresh = (): Promise<KeySet | undefined> => {
    inflight ??= cache
      .fetch(options.url, { forceRefresh: true })
      .catch(() => current)
      .finally(() => {
        inflight = undefined
      })
    return inflight
  }

  const usable = async (): Promise<KeySet> => {
    const now = options.now()
    const age = current === undefined ? Number.POSITIVE_INFINITY : now - current.fetchedAt
    if (current !== undefined && age < options.ttlMs) return current
    if (current !== undefined && age < options.ttlMs + options.maxStaleMs) {
      // Stale but inside the window: answer now, revalidate in the background (once per cooldown).
      if (now - lastFetchStartedAt >= options.refetchCooldownMs) void refresh()
      return current
    }
    const set = await refresh()
    if (set === undefined || now - set.fetchedAt >= options.ttlMs + options.maxStaleMs) {
      throw new JwksUnavailableError(
        'the JWKS endpoint is unavailable and no usable keys are cached',
      )
    }
    return set
  }

  return {
    async getKey(kid) {
      if (!KID.test(kid)) return undefined
      let set = await usable()
      let key = set.keys.get(kid)
      // A fetch already on its way may bring the key: wait for it rather than refuse.
      if (
        key === undefined &&
        (inflight !== undefined || options.now() - lastFetchStartedAt >= options.refetchCooldownMs)
      ) {
        set = (await refresh()) ?? set
        key = set.keys.get(kid)
      }
      return key
    },
    // Past the stale window the key set is no longer trusted, for cached tokens as for new ones.
    hasKey: (kid) =>
      current !== undefined &&
      options.now() - current.fetchedAt < options.ttlMs + options.maxStaleMs &&
      current.keys.has(kid),
    keyNow: (kid) =>
      current !== undefined && options.now() - current.fetchedAt < options.ttlMs
        ? current.keys.get(kid)
        : undefined,
    stats: () => ({ ...stats, kids: [...(current?.keys.keys() ?? [])] }),
  }
}

async function download(url: string, options: JwksStoreOptions): Promise<KeySet> {
  // One deadline for connect, headers and body: a drip-fed answer cannot hold us longer.
  const response = await fetch(url, {
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
  return { keys, fetchedAt: options.now() }
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
