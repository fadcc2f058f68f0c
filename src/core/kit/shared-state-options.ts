// The options of what app instances share: rate limits on the auth routes, revocation, and the Redis client that shares them.

import { boolean, integer } from './option-values.js'

/**
 * The part of an ioredis client (https://github.com/redis/ioredis, v5 or later) the middleware
 * uses; pass the app's own `new Redis(url)`. Rate limits go through rate-limiter-flexible's
 * `RateLimiterRedis`, revocation through a sorted set and a pub/sub channel on a duplicate
 * connection (a subscribed connection can run no other command).
 */
export interface RedisClient {
  /** ioredis's connection state: commands are sent only while it is `'ready'`. */
  readonly status: string
  duplicate(): RedisClient
  // biome-ignore lint/suspicious/noExplicitAny: ioredis's own listener types differ per event
  on(event: string, listener: (...args: any[]) => void): unknown
  // biome-ignore lint/suspicious/noExplicitAny: as above
  off(event: string, listener: (...args: any[]) => void): unknown
  subscribe(channel: string): Promise<unknown>
  zrangebyscore(
    key: string,
    min: number | string,
    max: number | string,
    withScores: 'WITHSCORES',
  ): Promise<string[]>
  multi(): RedisPipeline
  /** Asked during an outage whether Redis answers again. */
  ping(): Promise<unknown>
  disconnect(): void
}

/** The commands of one revocation, sent together (MULTI … EXEC). */
export interface RedisPipeline {
  zadd(key: string, score: number, member: string): RedisPipeline
  zremrangebyscore(key: string, min: number | string, max: number | string): RedisPipeline
  pexpire(key: string, milliseconds: number): RedisPipeline
  publish(channel: string, message: string): RedisPipeline
  exec(): Promise<unknown>
}

/** The `redis` option: the client, where its keys live, and how long a request waits for it. */
export interface RedisOptions {
  client: RedisClient
  /** Prefix of every key and channel, so several apps can share one Redis. @default 'stytch-b2b:' */
  keyPrefix?: string | undefined
  /**
   * Longest wait for Redis within a request, in milliseconds; past it (or while Redis is
   * unreachable) the per-instance fallback decides. @default 250
   */
  timeoutMs?: number | undefined
}

/** One limit: at most `max` requests per `windowSeconds`, counted from a key's first request. */
export interface RateLimit {
  max?: number | undefined
  windowSeconds?: number | undefined
}

/**
 * The `rateLimits` option: requests the auth routes accept per client IP and per email address
 * (second factors: per member), for code sends and for code attempts. `false` turns one off.
 */
export interface RateLimitOptions {
  /** Code sends per email address (SMS codes: per member). @default { max: 10, windowSeconds: 600 } */
  sendsPerEmail?: RateLimit | false | undefined
  /** Code sends per client IP. @default { max: 60, windowSeconds: 600 } */
  sendsPerIp?: RateLimit | false | undefined
  /** Code attempts per email address (second factors: per member). @default { max: 20, windowSeconds: 600 } */
  attemptsPerEmail?: RateLimit | false | undefined
  /** Code attempts per client IP. @default { max: 120, windowSeconds: 600 } */
  attemptsPerIp?: RateLimit | false | undefined
}

export type RateLimitName = keyof RateLimitOptions

/** A limit after defaults; `undefined` when turned off. */
export type ResolvedRateLimits = Record<
  RateLimitName,
  { max: number; windowSeconds: number } | undefined
>

export interface ResolvedSharedState {
  redis: { client: RedisClient; keyPrefix: string; timeoutMs: number } | undefined
  rateLimits: ResolvedRateLimits
  /** Whether sessions ended through the middleware refuse their JWTs at once. */
  revocation: boolean
}

const DEFAULT_LIMITS: Record<RateLimitName, { max: number; windowSeconds: number }> = {
  sendsPerEmail: { max: 10, windowSeconds: 600 },
  sendsPerIp: { max: 60, windowSeconds: 600 },
  attemptsPerEmail: { max: 20, windowSeconds: 600 },
  attemptsPerIp: { max: 120, windowSeconds: 600 },
}

/** Validates `redis`, `rateLimits` and `revocation`; bad values throw a TypeError naming them. */
export function resolveSharedState(options: {
  redis?: RedisOptions | undefined
  rateLimits?: RateLimitOptions | false | undefined
  revocation?: boolean | undefined
}): ResolvedSharedState {
  return {
    redis: redis(options.redis),
    rateLimits: rateLimits(options.rateLimits),
    revocation: boolean(options.revocation, 'revocation', true),
  }
}

function redis(value: RedisOptions | undefined): ResolvedSharedState['redis'] {
  if (value === undefined) return undefined
  const client = (value as Partial<RedisOptions> | null)?.client
  if (
    typeof client !== 'object' ||
    client === null ||
    typeof client.duplicate !== 'function' ||
    typeof client.multi !== 'function'
  ) {
    throw new TypeError('"redis" must be { client } with an ioredis client (new Redis(url))')
  }
  const keyPrefix = value.keyPrefix ?? 'stytch-b2b:'
  if (typeof keyPrefix !== 'string' || !/^[A-Za-z0-9:_.-]{0,64}$/.test(keyPrefix)) {
    throw new TypeError('"redis.keyPrefix" must be up to 64 letters, digits or : _ . -')
  }
  const timeoutMs = integer(value.timeoutMs, 'redis.timeoutMs', {
    min: 1,
    max: 10_000,
    fallback: 250,
  })
  return { client, keyPrefix, timeoutMs }
}

function rateLimits(value: RateLimitOptions | false | undefined): ResolvedRateLimits {
  if (value !== undefined && value !== false && (typeof value !== 'object' || value === null)) {
    throw new TypeError('"rateLimits" must be an object or false')
  }
  const resolved = {} as ResolvedRateLimits
  for (const name of Object.keys(DEFAULT_LIMITS) as RateLimitName[]) {
    resolved[name] = value === false ? undefined : rateLimit(value?.[name], name)
  }
  if (value !== undefined && value !== false) {
    const unknown = Object.keys(value).filter((key) => !(key in DEFAULT_LIMITS))
    if (unknown.length > 0) throw new TypeError(`"rateLimits.${unknown[0]}" is not an option`)
  }
  return resolved
}

function rateLimit(value: RateLimit | false | undefined, name: RateLimitName) {
  if (value === false) return undefined
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw new TypeError(`"rateLimits.${name}" must be { max, windowSeconds } or false`)
  }
  const standard = DEFAULT_LIMITS[name]
  return {
    max: integer(value?.max, `rateLimits.${name}.max`, {
      min: 1,
      max: 1_000_000,
      fallback: standard.max,
    }),
    windowSeconds: integer(value?.windowSeconds, `rateLimits.${name}.windowSeconds`, {
      min: 1,
      max: 86_400,
      fallback: standard.windowSeconds,
    }),
  }
}
