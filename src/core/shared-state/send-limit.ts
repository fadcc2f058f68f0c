// The send steps' per-address counter, kept in this process (the interface is what a shared store would implement).
import { LRUCache } from 'lru-cache'

/** Counts sends per email address in fixed windows that start at an address's first send. */
export interface SendLimiter {
  /** Counts one send to `email`; false when the address has used up its window. */
  take(email: string): boolean
}

/** Most addresses tracked at once; the least recently used is forgotten first (bounded memory). */
const MAX_TRACKED_ADDRESSES = 100_000

export function createSendLimiter(options: {
  max: number
  windowMs: number
  now: () => number
}): SendLimiter {
  const { max, windowMs, now } = options
  const windows = new LRUCache<string, { start: number; count: number }>({
    max: MAX_TRACKED_ADDRESSES,
  })
  return {
    take(email) {
      // Addresses differ only in case for Stytch too: one counter for all spellings.
      const key = email.toLowerCase()
      const time = now()
      const entry = windows.get(key)
      if (entry === undefined || time - entry.start >= windowMs || time < entry.start) {
        windows.set(key, { start: time, count: 1 })
        return true
      }
      if (entry.count >= max) return false
      entry.count++
      return true
    },
  }
}
