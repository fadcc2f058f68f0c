// What the shared-state parts do with the app's Redis client: note an outage once, and end it when Redis answers again.

import type { Logger } from '../kit/config.js'
import type { RedisClient } from '../kit/shared-state-options.js'

/** One app's view of its Redis: whether it is out, said once per outage. */
export interface RedisHealth {
  /** Records that `what` fell back to this instance alone; the first call of an outage logs it. */
  fellBack(what: string): void
  /** Stops watching the client (which stays the app's, open). */
  close(): void
}

/** How often Redis is asked whether it answers again, during an outage. */
const PROBE_MS = 1000

/**
 * Watches `client`: an outage begins at the first fallback and ends when Redis answers again, so a
 * long outage logs one warning, not one per request. A lost connection ends with the client ready
 * again (ioredis reconnects on its own); a frozen or slow Redis keeps its connection, so during an
 * outage it is also pinged now and then, or the next outage would go unsaid.
 */
export function watchRedis(client: RedisClient, logger: Logger, timeoutMs: number): RedisHealth {
  let down = false
  let probe: NodeJS.Timeout | undefined
  const back = () => {
    clearInterval(probe)
    probe = undefined
    if (!down) return
    down = false
    logger.info('Redis is reachable again: rate limits and revocations are shared again.')
  }
  client.on('ready', back)
  return {
    fellBack(what) {
      if (down) return
      down = true
      logger.warn(
        `Redis is unreachable or slow: ${what} falls back to this instance alone until it is back (see docs/many-instances.md).`,
      )
      probe = setInterval(() => {
        // While disconnected, 'ready' says it: a ping would only wait in ioredis's queue.
        if (client.status === 'ready') withDeadline(client.ping(), timeoutMs).then(back, () => {})
      }, PROBE_MS)
      probe.unref()
    },
    close() {
      clearInterval(probe)
      client.off('ready', back)
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
