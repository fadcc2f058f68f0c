// Rate limit on sending codes: a few per email address per minute, in fixed windows like Stytch's (spec 12.2).
import type { ServerContext } from './context.js'
import { StytchHttpError } from './errors.js'
import { emailKey } from './ids.js'

/** Codes one address may be sent per window. Stytch's own figure is UNCONFIRMED; this is ours. */
export const MAX_SENDS_PER_WINDOW = 30
const WINDOW_MS = 60_000

// Kept beside the context, not in the store: a restart may forget a minute of counts.
const windows = new WeakMap<ServerContext, Map<string, { window: number; count: number }>>()

/** Counts one send to `email`; past the limit, refuses with 429 `too_many_requests`. */
export function checkSendRate(ctx: ServerContext, email: string): void {
  let counts = windows.get(ctx)
  if (counts === undefined) {
    counts = new Map()
    windows.set(ctx, counts)
  }
  // Fixed windows that reset at the top of each minute, as Stytch's limits do.
  const window = Math.floor(ctx.now() / WINDOW_MS)
  const key = emailKey(email)
  const entry = counts.get(key)
  if (entry === undefined || entry.window !== window) {
    if (counts.size > 10_000) counts.clear()
    counts.set(key, { window, count: 1 })
    return
  }
  if (entry.count >= MAX_SENDS_PER_WINDOW) {
    throw new StytchHttpError(
      429,
      'too_many_requests',
      'Too many codes sent to this address: wait a minute.',
    )
  }
  entry.count++
}
