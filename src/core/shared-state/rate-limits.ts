// Rate limits of the auth routes per client IP and per email address (or member), in memory or shared through Redis.

import { createHmac } from 'node:crypto'
import { isIP } from 'node:net'
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  RLWrapperTimeouts,
} from 'rate-limiter-flexible'
import { AuthError } from '../kit/errors.js'
import type {
  RateLimitName,
  ResolvedRateLimits,
  ResolvedSharedState,
} from '../kit/shared-state-options.js'
import type { RedisHealth } from './redis.js'

/** A code send, or a code attempt. */
export type LimitKind = 'send' | 'attempt'

/** The limits a step passes before it sends or checks a code. */
export interface RateLimits {
  /**
   * Counts a send or attempt from `ip`, and for `subject` counts it too (`countSubject`) or only
   * checks that its budget is not spent; throws 429 `ERR_RATE_LIMITED` with `Retry-After` past a limit.
   */
  before(
    kind: LimitKind,
    ip: string | undefined,
    subject: string,
    countSubject: boolean,
  ): Promise<void>
  /** Counts one against `subject` after the fact (a member's code refused, a text sent). */
  countAfter(kind: LimitKind, subject: string): Promise<void>
}

type Limiter = RateLimiterMemory | RLWrapperTimeouts

/**
 * Builds the four limits with rate-limiter-flexible: `RateLimiterMemory` in this process, or
 * `RateLimiterRedis` (one atomic script per count, so N instances together allow exactly `max`)
 * behind `RLWrapperTimeouts` (the deadline) with a `RateLimiterMemory` as insurance, which decides
 * while Redis is not ready or too slow: limits per instance, bounded, instead of none or a hang.
 */
export function createRateLimits(
  limits: ResolvedRateLimits,
  redis: ResolvedSharedState['redis'],
  health: RedisHealth | undefined,
  projectSecret: string,
): RateLimits {
  // An email address or member is keyed by a keyed hash: Redis and memory dumps hold no address,
  // nor one that can be checked against a list of addresses without the project secret. Every
  // instance of the project derives the same key, so they count an address alike; lower case, as
  // Stytch compares addresses.
  const addressKey = createHmac('sha256', projectSecret)
    .update('stytch-b2b-middleware/rate-limit-keys/v1')
    .digest()
  const subjectKey = (subject: string) =>
    createHmac('sha256', addressKey).update(subject.toLowerCase()).digest('base64url').slice(0, 22)
  const limiter = (name: RateLimitName): Limiter | undefined => {
    const limit = limits[name]
    if (limit === undefined) return undefined
    const options = { points: limit.max, duration: limit.windowSeconds, keyPrefix: name }
    if (redis === undefined) return new RateLimiterMemory(options)
    const insurance = new FallbackLimiter(options, () => health?.fellBack('rate limiting'))
    return new RLWrapperTimeouts({
      limiter: new RateLimiterRedis({
        ...options,
        keyPrefix: `${redis.keyPrefix}limit:${name}`,
        storeClient: redis.client,
        rejectIfRedisNotReady: true,
      }),
      timeoutMs: redis.timeoutMs,
      // On the wrapper only: it decides once per request, whether Redis refused, failed or was
      // too slow. Given to the Redis limiter too, a command failing after the deadline had passed
      // (its connection dropped) would count the same request a second time.
      insuranceLimiter: insurance,
    })
  }
  const pair = (perIp: RateLimitName, perSubject: RateLimitName, message: string) => ({
    perIp: limiter(perIp),
    perSubject: limiter(perSubject),
    subjectMax: limits[perSubject]?.max ?? 0,
    message,
  })
  const byKind = {
    send: pair('sendsPerIp', 'sendsPerEmail', 'Too many codes requested: try again later.'),
    attempt: pair('attemptsPerIp', 'attemptsPerEmail', 'Too many attempts: try again later.'),
  }
  return {
    async before(kind, ip, subject, countSubject) {
      const { perIp, perSubject, subjectMax, message } = byKind[kind]
      await take(perIp, ipKey(ip), message)
      if (countSubject) await take(perSubject, subjectKey(subject), message)
      else await spent(perSubject, subjectMax, subjectKey(subject), message)
    },
    async countAfter(kind, subject) {
      // Over the limit already is fine: the next request is refused by `before`.
      await byKind[kind].perSubject?.consume(subjectKey(subject)).catch(() => {})
    },
  }
}

/** Refuses when `key` has used its `max`, without counting this request. */
async function spent(
  limiter: Limiter | undefined,
  max: number,
  key: string,
  message: string,
): Promise<void> {
  if (limiter === undefined) return
  // Both stores failing: no answer, no refusal (the per-IP count before it still applies).
  const state = await limiter.get(key).catch(() => null)
  if (state !== null && state.consumedPoints >= max) throw tooMany(message, state.msBeforeNext)
}

/** 429 `ERR_RATE_LIMITED`, with the seconds until the window lets the next request through. */
function tooMany(message: string, waitMs: number): AuthError {
  return new AuthError('ERR_RATE_LIMITED', message, {
    status: 429,
    headers: { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) },
  })
}

/** The in-memory limiter that decides while Redis cannot; says so once per outage. */
class FallbackLimiter extends RateLimiterMemory {
  readonly #onUse: () => void
  constructor(options: { points: number; duration: number; keyPrefix: string }, onUse: () => void) {
    super(options)
    this.#onUse = onUse
  }
  override consume(...args: Parameters<RateLimiterMemory['consume']>) {
    this.#onUse()
    return super.consume(...args)
  }
}

async function take(
  limiter: Limiter | undefined,
  key: string | undefined,
  message: string,
): Promise<void> {
  if (limiter === undefined || key === undefined) return
  try {
    await limiter.consume(key)
  } catch (refusal) {
    // A RateLimiterRes is "over the limit"; anything else is a fault of both stores, answered
    // as a refusal too: a limit that cannot count must not let everything through.
    throw tooMany(message, refusal instanceof RateLimiterRes ? refusal.msBeforeNext : 1000)
  }
}

/**
 * The key of a client IP: IPv4 as is (however IPv6 embeds it), IPv6 by its /64 network, since one
 * client commonly holds a whole /64. A port some proxies append (`1.2.3.4:5678`, `[::1]:443`) is
 * dropped, or each connection would be a new client. A request without an IP (a `CoreRequest`
 * built by hand without `ip`) is not limited per IP: one key for all of them would let anyone lock
 * everyone out.
 */
export function ipKey(ip: string | undefined): string | undefined {
  const address = withoutPort(ip?.trim() ?? '')
  if (address === '') return undefined
  // What is no address (a proxy's `unknown`, or a forged header when the proxy setting trusts too
  // much) shares one key: no new client per value, and no key as long as a header.
  const version = isIP(address)
  if (version === 0) return 'ip:unknown'
  if (version === 4) return `ip:${address}`
  // The URL parser writes IPv6 one way: lower case, zeros compressed, an embedded IPv4 in hex.
  const canonical = new URL(`http://[${address.replace(/%.*$/, '')}]`).hostname.slice(1, -1)
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical)
  if (mapped !== null) {
    const bytes = [mapped[1], mapped[2]].flatMap((group) => {
      const value = Number.parseInt(group as string, 16)
      return [value >> 8, value & 255]
    })
    return `ip:${bytes.join('.')}`
  }
  const [head = '', tail = ''] = canonical.split('::')
  const left = head === '' ? [] : head.split(':')
  const right = tail === '' ? [] : tail.split(':')
  const groups = canonical.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left
  return `ip:${groups.slice(0, 4).join(':')}::/64`
}

function withoutPort(address: string): string {
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(address)
  if (v4 !== null) return v4[1] as string
  const v6 = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(address)
  return v6 === null ? address : (v6[1] as string)
}
