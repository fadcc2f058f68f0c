// One-time passcodes: generation, hashed storage, single-use checks and the failed-attempt lock.
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto'
import type { ServerContext } from './context.js'
import { StytchHttpError } from './errors.js'
import { emailKey, rfc3339 } from './ids.js'

/** Consecutive failures before a lock, and its length. */
export const MAX_FAILED_ATTEMPTS = 10
export const LOCK_DURATION_MS = 60 * 60 * 1000
export const DEFAULT_OTP_EXPIRATION_MINUTES = 10

/** SMS codes expire after two minutes (https://stytch.com/docs/b2b/api/otp-sms-send). */
export const SMS_OTP_EXPIRATION_MINUTES = 2

export type OtpFlow = 'organization' | 'discovery' | 'sms'

/**
 * What a code was sent for: a flow, its organization (none for discovery) and an address. For
 * `sms`, `email` is the member's address (its failures count against the same lock as its email
 * codes) and `memberId` the member the code was sent for.
 */
export interface OtpPurpose {
  flow: OtpFlow
  organizationId: string | null
  email: string
  memberId?: string | undefined
}

/**
 * One code per email address: sending any OTP to an address invalidates every code sent to it
 * before, whatever the flow or organization, even unused and unexpired ones. Stytch's docs for
 * discovery send and login_or_signup say so ("when an OTP is sent, all OTPs previously sent to the
 * same email address are invalidated, even if unused or unexpired"):
 * https://stytch.com/docs/b2b/api/send-discovery-email-otp and
 * https://stytch.com/docs/b2b/api/send-login-signup-email-otp
 */
function otpSlot(purpose: OtpPurpose): string {
  // A member holds one live SMS code ("A given Member may only have a single active OTP code at
  // any given time": https://stytch.com/docs/b2b/api/authenticate-sms-otp).
  return purpose.flow === 'sms' ? `sms:${purpose.memberId}` : emailKey(purpose.email)
}

/** The code's hash binds it to its purpose: a discovery code never signs in to an organization. */
function hashCode(ctx: ServerContext, purpose: OtpPurpose, code: string): string {
  const bound = JSON.stringify([
    purpose.flow,
    purpose.organizationId ?? '',
    emailKey(purpose.email),
    purpose.memberId ?? '',
  ])
  return createHmac('sha256', ctx.otpKey).update(bound).update('\0').update(code).digest('hex')
}

/** Stores a fresh 6-digit CSPRNG code for the address (superseding any earlier one) and returns it. */
export function issueOtp(
  ctx: ServerContext,
  purpose: OtpPurpose,
  expirationMinutes: number,
): string {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
  ctx.store.putOtp(otpSlot(purpose), {
    codeHash: hashCode(ctx, purpose, code),
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
 * Runs `check` (which throws on a wrong, expired or used secret) under the failed-attempt lock of
 * the address: 429 `user_lock_limit_reached` while locked, a failure counted when `check` throws,
 * the counter reset when it returns. Email codes, SMS codes, TOTP codes and recovery codes of
 * one address share the counter, so guessing across factors gets no more tries. Synchronous from
 * the lock check to the counter write, so parallel guesses cannot exceed MAX_FAILED_ATTEMPTS.
 */
export function underAttemptLock<T>(ctx: ServerContext, email: string, check: () => T): T {
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
  let result: T
  try {
    result = check()
  } catch (error) {
    if (error instanceof StytchHttpError) recordFailure(ctx, key)
    throw error
  }
  ctx.store.deleteAttempts(key)
  return result
}

/**
 * Checks `code` against the latest code sent to the address (or, for SMS, the member), for this
 * purpose, and consumes it. Every failure (wrong, expired, used, superseded code, or one sent for
 * another flow or organization) counts; a success resets the counter.
 */
export function consumeOtp(ctx: ServerContext, purpose: OtpPurpose, code: string): void {
  underAttemptLock(ctx, purpose.email, () => {
    const slot = otpSlot(purpose)
    const record = ctx.store.getOtp(slot)
    const expected = record === undefined ? undefined : Buffer.from(record.codeHash, 'hex')
    const given = Buffer.from(hashCode(ctx, purpose, code), 'hex')
    if (record === undefined || expected === undefined || !timingSafeEqual(expected, given)) {
      throw new StytchHttpError(
        404,
        'otp_code_not_found',
        'The passcode could not be found: it is wrong or no longer the latest one sent.',
      )
    }
    if (record.used || record.expiresAtMs <= ctx.now()) {
      throw new StytchHttpError(
        401,
        'unable_to_auth_otp_code',
        'The passcode has expired or was already used.',
      )
    }
    ctx.store.putOtp(slot, { ...record, used: true })
  })
}
