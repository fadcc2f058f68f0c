// Rate limits of the auth routes per client IP and per email address (or member), in memory or shared through Redis.

import { createHash } from 'node:crypto'
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

/** The limits a step passes before it sends or checks a code. */
export interface RateLimits {
  /** Counts a code send from `ip` to `subject`; throws 429 `ERR_RATE_LIMITED` past a limit. */
  send(ip: string | undefined, subject: string): Promise<void>
  /** Counts a code attempt from `ip` for `subject`; throws 429 `ERR_RATE_LIMITED` past a limit. */
  attempt(ip: string | undefined, subject: string): Promise<void>
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
): RateLimits {
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
        insuranceLimiter: insurance,
      }),
      timeoutMs: redis.timeoutMs,
      insuranceLimiter: insurance,
    })
  }
  const sendsPerIp = limiter('sendsPerIp')
  const sendsPerEmail = limiter('sendsPerEmail')
  const attemptsPerIp = limiter('attemptsPerIp')
  const attemptsPerEmail = limiter('attemptsPerEmail')
  const tooManySends = 'Too many codes requested: try again later.'
  const tooManyAttempts = 'Too many attempts: try again later.'
  return {
    async send(ip, subject) {
      await take(sendsPerIp, ipKey(ip), tooManySends)
      await take(sendsPerEmail, subjectKey(subject), tooManySends)
    },
    async attempt(ip, subject) {
      await take(attemptsPerIp, ipKey(ip), tooManyAttempts)
      await take(attemptsPerEmail, subjectKey(subject), tooManyAttempts)
    },
  }
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
    const waitMs = refusal instanceof RateLimiterRes ? refusal.msBeforeNext : 1000
    throw new AuthError('ERR_RATE_LIMITED', message, {
      status: 429,
      headers: { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) },
    })
  }
}

/**
 * The key of an email address or member: hashed, so that Redis and memory dumps hold no address,
 * and case-insensitive, as Stytch compares addresses.
 */
function subjectKey(subject: string): string {
  return createHash('sha256').update(subject.toLowerCase()).digest('base64url').slice(0, 22)
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
