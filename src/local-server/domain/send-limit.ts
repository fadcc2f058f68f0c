// Rate limit on sending codes per email address: per minute and per hour, in fixed windows like
// Stytch's (which reset at the top of each minute). Stytch's own figures are not published; these
// are ours.
import type { ServerContext } from './context.js'
import { StytchHttpError } from './errors.js'
import { emailKey } from './ids.js'

/** Codes one address may be sent per minute. */
export const MAX_SENDS_PER_MINUTE = 30
/** Codes one address may be sent per hour, whatever the minutes: 100 tries is plenty by hand. */
export const MAX_SENDS_PER_HOUR = 100
/**
 * Addresses tracked before some are forgotten. Only counters that no longer limit anything go:
 * those whose hour has passed, then the lowest counts. A counter at either limit is never
 * forgotten, so spraying fresh addresses cannot reset a victim's; such counters cost at least
 * MAX_SENDS_PER_MINUTE sends each, which bounds what they can add to memory.
 */
export const MAX_TRACKED_ADDRESSES = 10_000
/** Share of the tracked addresses forgotten at once when full, so that sweeps stay rare. */
const EVICT_FRACTION = 0.25
const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS

interface Counter {
  minute: number
  perMinute: number
  hour: number
  perHour: number
}

// Hand-written rather than lru-cache or rate-limiter-flexible: an LRU forgets the least recently
// *used* key, which is exactly a victim's blocked counter once an attacker sprays fresh addresses;
// rate-limiter-flexible reads Date.now() (not the server's injectable clock) and has no bound on
// keys. Kept beside the context, not in the store: a restart may forget an hour of counts.
const counters = new WeakMap<ServerContext, Limiter>()

interface Limiter {
  counts: Map<string, Counter>
  /** Size at which the next sweep runs: sweeps stay rare even when few counters can go. */
  sweepAt: number
}

function atLimit(counter: Counter, minute: number, hour: number): boolean {
  return (
    (counter.minute === minute && counter.perMinute >= MAX_SENDS_PER_MINUTE) ||
    (counter.hour === hour && counter.perHour >= MAX_SENDS_PER_HOUR)
  )
}

/** Frees room: counters of past hours first, then the lowest counts not at a limit. */
function evict(limiter: Limiter, minute: number, hour: number): void {
  const { counts } = limiter
  const goal = Math.ceil(MAX_TRACKED_ADDRESSES * EVICT_FRACTION)
  for (const [key, counter] of counts) {
    if (counter.hour !== hour) counts.delete(key)
  }
  if (counts.size > MAX_TRACKED_ADDRESSES - goal) {
    const candidates = [...counts].filter(([, counter]) => !atLimit(counter, minute, hour))
    // Stable sort: among equal counts the oldest-tracked address goes first.
    candidates.sort(([, a], [, b]) => a.perHour - b.perHour)
    const excess = counts.size - (MAX_TRACKED_ADDRESSES - goal)
    for (const [key] of candidates.slice(0, excess)) counts.delete(key)
  }
  limiter.sweepAt = Math.max(MAX_TRACKED_ADDRESSES, counts.size + goal)
}

/**
 * Counts one send to `email`; past either limit, refuses with 429 `too_many_requests` (nothing
 * is counted for a refused send).
 */
export function checkSendRate(ctx: ServerContext, email: string): void {
  let limiter = counters.get(ctx)
  if (limiter === undefined) {
    limiter = { counts: new Map(), sweepAt: MAX_TRACKED_ADDRESSES }
    counters.set(ctx, limiter)
  }
  const { counts } = limiter
  const now = ctx.now()
  const minute = Math.floor(now / MINUTE_MS)
  const hour = Math.floor(now / HOUR_MS)
  const key = emailKey(email)
  let counter = counts.get(key)
  if (counter === undefined) {
    if (counts.size >= limiter.sweepAt) evict(limiter, minute, hour)
    counter = { minute, perMinute: 0, hour, perHour: 0 }
    counts.set(key, counter)
  }
  if (counter.minute !== minute) {
    counter.minute = minute
    counter.perMinute = 0
  }
  if (counter.hour !== hour) {
    counter.hour = hour
    counter.perHour = 0
  }
  if (counter.perMinute >= MAX_SENDS_PER_MINUTE) {
    throw new StytchHttpError(
      429,
      'too_many_requests',
      'Too many codes sent to this address: wait a minute.',
    )
  }
  if (counter.perHour >= MAX_SENDS_PER_HOUR) {
    throw new StytchHttpError(
      429,
      'too_many_requests',
      'Too many codes sent to this address this hour: try again later.',
    )
  }
  counter.perMinute += 1
  counter.perHour += 1
}
