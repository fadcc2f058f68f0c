// What the shared-state parts do with the app's Redis client: note an outage once, and end it when Redis is back.

import type { Logger } from '../kit/config.js'
import type { RedisClient } from '../kit/shared-state-options.js'

/** One app's view of its Redis: whether it is out, said once per outage. */
export interface RedisHealth {
  /** Records that `what` fell back to this instance alone; the first call of an outage logs it. */
  fellBack(what: string): void
}

/**
 * Watches `client`: an outage begins at the first fallback and ends when the client is ready again
 * (ioredis reconnects on its own), so a long outage logs one warning, not one per request.
 */
export function watchRedis(client: RedisClient, logger: Logger): RedisHealth {
  let down = false
  client.on('ready', () => {
    if (!down) return
    down = false
    logger.info('Redis is reachable again: rate limits and revocations are shared again.')
  })
  return {
    fellBack(what) {
      if (down) return
      down = true
      logger.warn(
        `Redis is unreachable or slow: ${what} falls back to this instance alone until it is back (see docs/many-instances.md).`,
      )
    },
  }
}

/** `promise`, or a rejection after `ms`: no request waits longer than that for Redis. */
export function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms)
  })
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer))
}
