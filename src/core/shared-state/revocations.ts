// Sessions ended through the middleware, refused at once: an in-memory set, fed across instances by Redis pub/sub.

import { SESSION_JWT_LIFETIME_SECONDS } from '../../wire/jwt.js'
import type { RedisClient, ResolvedSharedState } from '../kit/shared-state-options.js'
import { type RedisHealth, withDeadline } from './redis.js'

/** The member sessions whose JWTs are refused although they still verify. */
export interface Revocations {
  /** True when `sessionId` was ended through the middleware and a JWT of it may still verify. */
  isRevoked(sessionId: string): boolean
  /**
   * Ends `sessionId` here at once, and in every instance sharing Redis; resolves when Redis has it
   * (or could not take it within its deadline: then this instance alone refuses it, and it says so).
   */
  revoke(sessionId: string): Promise<void>
  /** Stops listening to Redis. */
  close(): void
}

const DISABLED: Revocations = {
  isRevoked: () => false,
  revoke: async () => {},
  close() {},
}

// What a member session id can be (Stytch's are `member-session-test-<uuid>`): anything else
// read from Redis is ignored, and no id holds the space that separates the fields of a message.
const SESSION_ID = /^[A-Za-z0-9_-]{1,128}$/

/**
 * Revocations in a Map of session id → the time until which a JWT of it can verify: the newest
 * JWT of a session was issued at most now, and lives `SESSION_JWT_LIFETIME_SECONDS` plus the
 * clock tolerance. Past that, the JWT's own `exp` refuses it and the entry is dropped.
 *
 * With Redis, a revocation is one MULTI: ZADD to a sorted set scored by that time (what an
 * instance that (re)connects reads back), PUBLISH to every subscribed instance, ZREMRANGEBYSCORE
 * of the ended ones, PEXPIRE of the set. Requests only read the Map: no Redis call per request.
 */
export function createRevocations(options: {
  /** `revocation: false`: nothing is held, every JWT lives until its `exp`. */
  enabled: boolean
  redis: ResolvedSharedState['redis']
  health: RedisHealth | undefined
  clockToleranceSeconds: number
  now: () => number
}): Revocations {
  if (!options.enabled) return DISABLED
  const { redis, now } = options
  const lifetimeMs = (SESSION_JWT_LIFETIME_SECONDS + options.clockToleranceSeconds) * 1000
  const revoked = new Map<string, number>()

  // Past this size, ended entries are swept before the Map grows further (amortized: the bar
  // doubles), so ids published for sessions nobody presents do not pile up between logouts.
  let sweepAt = 1024

  /**
   * Holds `sessionId` until `until`, at most one JWT lifetime from now whatever Redis says: no
   * message or set entry (another writer of this Redis) can refuse a session for longer than its
   * JWTs live, nor keep an entry that never ends.
   */
  function hold(sessionId: string, until: number): void {
    if (!SESSION_ID.test(sessionId) || !Number.isFinite(until) || until <= now()) return
    const bounded = Math.min(until, now() + lifetimeMs)
    if ((revoked.get(sessionId) ?? 0) < bounded) revoked.set(sessionId, bounded)
    if (revoked.size >= sweepAt) {
      dropEnded()
      sweepAt = Math.max(1024, revoked.size * 2)
    }
  }
  function dropEnded(): void {
    const time = now()
    for (const [sessionId, until] of revoked) if (until <= time) revoked.delete(sessionId)
  }

  const key = redis && `${redis.keyPrefix}revoked`
  const subscriber = redis && listen(redis.client, key as string, redis.timeoutMs)

  /** Puts `sessionIds` in the set and tells every instance; within the deadline, or says it could not. */
  async function share(sessionIds: readonly string[]): Promise<void> {
    if (redis === undefined || key === undefined || sessionIds.length === 0) return
    const batch = redis.client.multi()
    for (const sessionId of sessionIds) {
      const until = revoked.get(sessionId)
      if (until !== undefined)
        batch.zadd(key, until, sessionId).publish(key, `${sessionId} ${until}`)
    }
    const sent = batch.zremrangebyscore(key, '-inf', now()).pexpire(key, lifetimeMs).exec()
    try {
      await withDeadline(sent, redis.timeoutMs)
    } catch {
      options.health?.fellBack('revocation')
    }
  }

  /** Subscribes on a connection of its own, and reads the set back whenever it (re)connects. */
  function listen(client: RedisClient, channel: string, timeoutMs: number): RedisClient {
    const connection = client.duplicate()
    connection.on('message', (from: string, message: string) => {
      if (from !== channel) return
      const [sessionId = '', until = ''] = message.split(' ')
      hold(sessionId, Number(until))
    })
    connection.on('error', () => options.health?.fellBack('revocation'))
    connection.on('ready', () => {
      // What this instance holds goes back in: revocations Redis missed while it was out, and the
      // whole set after a restart of a Redis that keeps nothing on disk.
      dropEnded()
      void share([...revoked.keys()])
      // Subscribed again by ioredis before 'ready'; what was published meanwhile is in the set.
      withDeadline(client.zrangebyscore(channel, now(), '+inf', 'WITHSCORES'), timeoutMs).then(
        (entries) => {
          for (let at = 0; at + 1 < entries.length; at += 2) {
            hold(entries[at] as string, Number(entries[at + 1]))
          }
        },
        () => options.health?.fellBack('revocation'),
      )
    })
    connection.subscribe(channel).catch(() => options.health?.fellBack('revocation'))
    return connection
  }

  return {
    isRevoked(sessionId) {
      if (revoked.size === 0) return false
      const until = revoked.get(sessionId)
      if (until === undefined) return false
      if (until > now()) return true
      revoked.delete(sessionId)
      return false
    },
    async revoke(sessionId) {
      // No sweep here: hold() sweeps ended entries as the Map grows, not once per logout.
      hold(sessionId, now() + lifetimeMs)
      await share([sessionId])
    },
    close() {
      subscriber?.disconnect()
    },
  }
}
