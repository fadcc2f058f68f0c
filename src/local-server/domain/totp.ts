// TOTP registrations (RFC 6238, 30 s steps) and the recovery codes that come with them.
import { createHash, randomInt, timingSafeEqual } from 'node:crypto'
import { Secret, TOTP } from 'otpauth'
import type { Organization } from '../../wire/organizations.js'
import type { MemberRecord, MfaRecord, TotpRegistrationRecord } from '../store/local-store.js'
import type { ServerContext } from './context.js'
import { StytchHttpError } from './errors.js'
import { newId } from './ids.js'
import { seal, unseal } from './mfa-secrets.js'
import { underAttemptLock } from './otp.js'
import { qrCodePngDataUrl } from './qr-png.js'

/** `expiration_minutes` of TOTP create: 5 to 1440, default 1440 (one day). */
export const TOTP_EXPIRATION_MINUTES = { min: 5, max: 1440, default: 1440 } as const
/** Codes of the previous and next step are accepted too ("allows codes from the previous and next 30-second windows"). */
const WINDOW = 1
const PERIOD_SECONDS = 30
const RECOVERY_CODE_COUNT = 10
const RECOVERY_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'

const emptyRecord = (): MfaRecord => ({ totp: null, sealedRecoveryCodes: [] })

/** A recovery code like Stytch's `ckss-2skx-ebow`: three groups of four of [a-z0-9]. */
function newRecoveryCode(): string {
  const group = () =>
    Array.from({ length: 4 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join('')
  return `${group()}-${group()}-${group()}`
}

function newRecoveryCodes(ctx: ServerContext): { codes: string[]; sealed: string[] } {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode)
  return { codes, sealed: codes.map((code) => seal(ctx, code)) }
}

function totpOf(ctx: ServerContext, registration: TotpRegistrationRecord, label = ''): TOTP {
  return new TOTP({
    issuer: 'Stytch local',
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_SECONDS,
    secret: Secret.fromBase32(unseal(ctx, registration.sealedSecret)),
  })
}

/** The member's registration that can still be used: authenticated once, or not yet expired. */
export function liveTotp(ctx: ServerContext, memberId: string): TotpRegistrationRecord | undefined {
  const totp = ctx.store.getMfa(memberId)?.totp ?? undefined
  if (totp === undefined || (totp.expiresAtMs !== null && totp.expiresAtMs <= ctx.now())) {
    return undefined
  }
  return totp
}

/**
 * A new registration for the member, replacing one never authenticated; 400 `active_totp_exists`
 * when it has an authenticated one ("Users may only have one active TOTP at a time").
 */
export function createTotpRegistration(
  ctx: ServerContext,
  organization: Organization,
  member: MemberRecord,
  expirationMinutes: number,
): { registrationId: string; secret: string; qrCode: string; recoveryCodes: string[] } {
  const memberId = member.member.member_id
  if (ctx.store.getMfa(memberId)?.totp?.expiresAtMs === null) {
    throw new StytchHttpError(
      400,
      'active_totp_exists',
      'The member already has an active TOTP registration.',
    )
  }
  const secret = new Secret({ size: 20 }).base32
  const registration: TotpRegistrationRecord = {
    registrationId: newId(ctx, 'member-totp'),
    sealedSecret: seal(ctx, secret),
    expiresAtMs: ctx.now() + expirationMinutes * 60_000,
    lastUsedStep: null,
  }
  const recovery = newRecoveryCodes(ctx)
  ctx.store.putMfa(memberId, { totp: registration, sealedRecoveryCodes: recovery.sealed })
  const uri = totpOf(ctx, registration, member.member.email_address)
  uri.issuer = organization.organization_name || 'Stytch local'
  return {
    registrationId: registration.registrationId,
    secret,
    qrCode: qrCodePngDataUrl(uri.toString()),
    recoveryCodes: recovery.codes,
  }
}

/**
 * Checks a code of the member's registration under the shared failed-attempt lock: 404
 * `totp_not_found` without a usable registration, 401 `unable_to_authenticate_totp` for a wrong
 * code, 401 `totp_code_already_authenticated` for a step already used (so a code is single use).
 * A success makes the registration permanent. Returns its id.
 */
export function authenticateTotp(ctx: ServerContext, member: MemberRecord, code: string): string {
  const memberId = member.member.member_id
  const registration = liveTotp(ctx, memberId)
  if (registration === undefined) {
    throw new StytchHttpError(404, 'totp_not_found', 'The member has no usable TOTP registration.')
  }
  return underAttemptLock(ctx, member.member.email_address, () => {
    const now = ctx.now()
    const delta = /^\d{6}$/.test(code)
      ? totpOf(ctx, registration).validate({ token: code, timestamp: now, window: WINDOW })
      : null
    if (delta === null) {
      throw new StytchHttpError(401, 'unable_to_authenticate_totp', 'The TOTP code is not valid.')
    }
    const step = Math.floor(now / (PERIOD_SECONDS * 1000)) + delta
    if (registration.lastUsedStep !== null && step <= registration.lastUsedStep) {
      throw new StytchHttpError(
        401,
        'totp_code_already_authenticated',
        'This TOTP code has already been authenticated: use the next one.',
      )
    }
    const record = ctx.store.getMfa(memberId) ?? emptyRecord()
    ctx.store.putMfa(memberId, {
      ...record,
      totp: { ...registration, expiresAtMs: null, lastUsedStep: step },
    })
    return registration.registrationId
  })
}

const digest = (code: string) => createHash('sha256').update(code).digest()

/** Recovery codes exist only beside an authenticated registration (before, nothing was enrolled). */
function activeRecord(
  ctx: ServerContext,
  memberId: string,
): MfaRecord & { totp: TotpRegistrationRecord } {
  const record = ctx.store.getMfa(memberId)
  if (record?.totp == null || record.totp.expiresAtMs !== null) {
    throw new StytchHttpError(404, 'totp_not_found', 'The member has no active TOTP registration.')
  }
  return record as MfaRecord & { totp: TotpRegistrationRecord }
}

/**
 * Consumes one recovery code under the shared failed-attempt lock; 401
 * `unable_to_authenticate_recovery_code` when it is not one of the member's unused codes.
 * Returns the registration id and how many codes remain.
 */
export function recoverWithCode(
  ctx: ServerContext,
  member: MemberRecord,
  code: string,
): { registrationId: string; remaining: number } {
  const memberId = member.member.member_id
  return underAttemptLock(ctx, member.member.email_address, () => {
    const record = ctx.store.getMfa(memberId)
    const active = record?.totp != null && record.totp.expiresAtMs === null
    const given = digest(code.trim().toLowerCase())
    const index = active
      ? record.sealedRecoveryCodes.findIndex((sealed) =>
          timingSafeEqual(digest(unseal(ctx, sealed)), given),
        )
      : -1
    if (record === undefined || record.totp === null || index === -1) {
      throw new StytchHttpError(
        401,
        'unable_to_authenticate_recovery_code',
        'The recovery code is not valid.',
      )
    }
    const sealedRecoveryCodes = record.sealedRecoveryCodes.filter((_, i) => i !== index)
    ctx.store.putMfa(memberId, { ...record, sealedRecoveryCodes })
    return { registrationId: record.totp.registrationId, remaining: sealedRecoveryCodes.length }
  })
}

/** The member's unused recovery codes; 404 `totp_not_found` without an active registration. */
export function recoveryCodesOf(ctx: ServerContext, memberId: string): string[] {
  return activeRecord(ctx, memberId).sealedRecoveryCodes.map((sealed) => unseal(ctx, sealed))
}

/** Replaces the member's recovery codes with 10 new ones and returns them. */
export function rotateRecoveryCodes(ctx: ServerContext, memberId: string): string[] {
  const record = activeRecord(ctx, memberId)
  const recovery = newRecoveryCodes(ctx)
  ctx.store.putMfa(memberId, { ...record, sealedRecoveryCodes: recovery.sealed })
  return recovery.codes
}
