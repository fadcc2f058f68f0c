// One-time passcodes: generation, hashed storage, single-use checks and the failed-attempt lock.
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto'
import type { ServerContext } from './context.js'
import { StytchHttpError } from './errors.js'
import { emailKey, rfc3339 } from './ids.js'

/** Consecutive failures before a lock, and its length. */
export const MAX_FAILED_ATTEMPTS = 10
export const LOCK_DURATION_MS = 60 * 60 * 1000
export const DEFAULT_OTP_EXPIRATION_MINUTES = 10

export type OtpFlow = 'organization' | 'discovery'

/** A code is bound to (flow, organization, email): each slot holds only its latest code. */
export function otpSlot(flow: OtpFlow, organizationId: string | null, email: string): string {
  return JSON.stringify([flow, organizationId ?? '', emailKey(email)])
}

function hashCode(ctx: ServerContext, slot: string, code: string): string {
  return createHmac('sha256', ctx.otpKey).update(slot).update('\0').update(code).digest('hex')
}

/** Stores a fresh 6-digit CSPRNG code for the slot (superseding any earlier one) and returns it. */
export function issueOtp(ctx: ServerContext, slot: string, expirationMinutes: number): string {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
  ctx.store.putOtp(slot, {
    codeHash: hashCode(ctx, slot, code),
    expiresAtMs: ctx.now() + expirationMinutes * 60_000,
    used: false,
  })
  return code
}

/** Lock state of an email at `now`, for `Member.is_locked`. */
export function lockState(
  ctx: ServerContext,
  email: string,
): { locked: boolean; createdAt: string | null; expiresAt: string | null } {
  const attempts = ctx.store.getAttempts(emailKey(email))
  const expires = attempts?.lockExpiresAtMs ?? null
  if (attempts === undefined || expires === null || expires <= ctx.now()) {
    return { locked: false, createdAt: null, expiresAt: null }
  }
  return {
    locked: true,
    createdAt: rfc3339(attempts.lockCreatedAtMs ?? 0),
    expiresAt: rfc3339(expires),
  }
}

function recordFailure(ctx: ServerContext, key: string): void {
  const failures = (ctx.store.getAttempts(key)?.failures ?? 0) + 1
  const locks = failures >= MAX_FAILED_ATTEMPTS
  ctx.store.putAttempts(key, {
    failures,
    lockCreatedAtMs: locks ? ctx.now() : null,
    lockExpiresAtMs: locks ? ctx.now() + LOCK_DURATION_MS : null,
  })
}

/**
 * Checks `code` against the slot's latest code and consumes it. Synchronous from the lock check
 * to the counter write, so parallel guesses cannot exceed MAX_FAILED_ATTEMPTS. Every failure
 * (wrong, expired, used or superseded code) counts; a success resets the counter.
 */
export function consumeOtp(ctx: ServerContext, email: string, slot: string, code: string): void {
  const key = emailKey(email)
  const attempts = ctx.store.getAttempts(key)
  if (attempts?.lockExpiresAtMs != null) {
    if (attempts.lockExpiresAtMs > ctx.now()) {
      throw new StytchHttpError(
        429,
        'user_lock_limit_reached',
        'Too many failed authentication attempts; this email is temporarily locked.',
      )
    }
    ctx.store.deleteAttempts(key) // the lock ran out: start counting afresh
  }
  const record = ctx.store.getOtp(slot)
  const expected = record === undefined ? undefined : Buffer.from(record.codeHash, 'hex')
  const given = Buffer.from(hashCode(ctx, slot, code), 'hex')
  if (record === undefined || expected === undefined || !timingSafeEqual(expected, given)) {
    recordFailure(ctx, key)
    throw new StytchHttpError(
      404,
      'otp_code_not_found',
      'The passcode could not be found: it is wrong or no longer the latest one sent.',
    )
  }
  if (record.used || record.expiresAtMs <= ctx.now()) {
    recordFailure(ctx, key)
    throw new StytchHttpError(
      401,
      'unable_to_auth_otp_code',
      'The passcode has expired or was already used.',
    )
  }
  ctx.store.putOtp(slot, { ...record, used: true })
  ctx.store.deleteAttempts(key)
}
