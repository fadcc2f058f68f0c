// Shared injectable test clock: pass `clock.now` wherever code takes `now?: () => number`.
import { vi } from 'vitest'

/** A manual clock in epoch milliseconds. */
export interface TestClock {
  now: () => number
  advance(ms: number): void
  set(ms: number): void
}

/**
 * Creates a clock that only moves when told to.
 * @example const clock = createTestClock(); clock.advance(11 * 60_000)
 */
export function createTestClock(startMs: number = Date.now()): TestClock {
  let current = startMs
  return {
    now: () => current,
    advance(ms: number): void {
      current += ms
    },
    set(ms: number): void {
      current = ms
    },
  }
}

/**
 * Moves `Date.now()` forward by `ms` until `vi.useRealTimers()`: the rate limits count in
 * rate-limiter-flexible, on the wall clock (an injected `now` does not reach it). Only `Date` is
 * faked; timers and I/O run as usual.
 */
export function advanceWallClock(ms: number): void {
  vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + ms })
}
