// What a step is: a route of the step table, what it receives, and the answer and request fields it produces.

import type { CoreRequest, CoreResponse } from '../kit/http.js'
import type { FieldSpec } from '../kit/input.js'
import type { Backend, SessionCheck } from '../session/backend.js'
import type {
  AuthDiscoveredOrganization,
  AuthMember,
  AuthMemberSession,
  AuthOrganization,
  SessionContext,
} from '../session/model.js'
import type { LimitKind, RateLimits } from '../shared-state/rate-limits.js'

/** Per-request results the adapters attach to `req` / `ctx.state`. */
export interface StepState {
  session?: SessionContext | undefined
  discoveredOrganizations?: AuthDiscoveredOrganization[] | undefined
  discoveryEmailAddress?: string | undefined
  /**
   * Set by the sign-in steps: true when this step signed the member in, false when more factors
   * (MFA, another primary method) are needed first and the intermediate session was kept.
   */
  memberAuthenticated?: boolean | undefined
  /**
   * After a sign-in step that needs a second factor (MFA): who (`organizationId`, `memberId`, what
   * the MFA steps take) and which factors the member has (the answer's `mfa`).
   */
  mfa?: MfaChallenge | undefined
  /** After `createTotpRegistration`: the registration, the only time its secret is shown. */
  totpRegistration?: TotpRegistration | undefined
  /** After `getRecoveryCodes` / `rotateRecoveryCodes`: the signed-in member's recovery codes. */
  recoveryCodes?: string[] | undefined
}

/** Who must pass a second factor, and the factors they have (phone masked but its last 4 digits). */
export interface MfaChallenge {
  organizationId: string
  memberId: string
  phoneNumber: string | null
  totpRegistered: boolean
  smsSent: boolean
}

/** A new authenticator-app registration, as `createTotpRegistration` answers it. */
export interface TotpRegistration {
  totpRegistrationId: string
  secret: string
  qrCode: string
  recoveryCodes: string[]
}

export interface StepResult extends CoreResponse {
  state: StepState
}

/** What the adapters attach to each request: `req.*` on Express, `ctx.state.*` on Koa. */
export interface AuthFields {
  /** The signed-in member, when the request carries a valid session. */
  member?: AuthMember | undefined
  /** The signed-in member's organization. */
  organization?: AuthOrganization | undefined
  /** The member session (never `req.session` / `ctx.session`, which session libraries own). */
  memberSession?: AuthMemberSession | undefined
  /** Organizations found by a discovery step. */
  discoveredOrganizations?: AuthDiscoveredOrganization[] | undefined
  /** The email address a discovery step was for. */
  discoveryEmailAddress?: string | undefined
  /** After a sign-in step: whether it signed the member in (false: more factors needed). */
  memberAuthenticated?: boolean | undefined
  /**
   * After a sign-in step that needs a second factor (MFA): who (`organizationId`, `memberId`, what
   * the MFA steps take) and which factors the member has (the answer's `mfa`).
   */
  mfa?: MfaChallenge | undefined
  /** After `createTotpRegistration`: the registration, the only time its secret is shown. */
  totpRegistration?: TotpRegistration | undefined
  /** After `getRecoveryCodes` / `rotateRecoveryCodes`: the signed-in member's recovery codes. */
  recoveryCodes?: string[] | undefined
}

/** The per-request fields to set from a step's state; unset ones are absent. */
export function authFieldsOf(state: StepState): AuthFields {
  return {
    ...(state.session ?? {}),
    ...(state.discoveredOrganizations
      ? { discoveredOrganizations: state.discoveredOrganizations }
      : {}),
    ...(state.discoveryEmailAddress ? { discoveryEmailAddress: state.discoveryEmailAddress } : {}),
    ...(state.memberAuthenticated !== undefined
      ? { memberAuthenticated: state.memberAuthenticated }
      : {}),
    ...(state.mfa ? { mfa: state.mfa } : {}),
    ...(state.totpRegistration ? { totpRegistration: state.totpRegistration } : {}),
    ...(state.recoveryCodes ? { recoveryCodes: state.recoveryCodes } : {}),
  }
}

/** One route of the step table: its method, path under `basePath`, accepted fields and flow. */
export interface Step<Name extends string = string> {
  name: Name
  method: 'GET' | 'POST'
  /** Path under `basePath`. */
  path: string
  fields: FieldSpec
  /** The rate limits of a step that sends or checks a code (see `runLimited`). */
  limit?: StepLimit
  // biome-ignore lint/suspicious/noExplicitAny: each step validates its own fields before running
  run(backend: Backend, request: CoreRequest, input: any, check: SessionCheck): Promise<StepResult>
}

/**
 * A code `send` or a code `attempt`, counted per client IP before the step runs, and per `subject`
 * of the validated input: before it runs (`'before'`), or only once Stytch has accepted a send or
 * refused a code (`'by-stytch'`), for subjects anyone could name without a credential.
 */
export interface StepLimit {
  count: LimitKind
  // biome-ignore lint/suspicious/noExplicitAny: each step validates its own fields before running
  subject(input: any): string
  subjectCounted: 'before' | 'by-stytch'
}

/**
 * The limit of a step sending or checking a code for the email address in its input: counted
 * before Stytch is asked, for members and strangers alike, so a limit never tells them apart.
 */
export const BY_EMAIL = (count: LimitKind): StepLimit => ({
  count,
  subject: (input: { email_address: string }) => input.email_address,
  subjectCounted: 'before',
})

/**
 * The limit of a second-factor step, per member (an SMS or TOTP code has no email address). A
 * member id is no secret, so counting every request would let anyone who knows it spend the
 * member's budget with no credential at all: only what Stytch accepted (a text sent) or refused
 * on a valid intermediate session or session (a wrong code) counts; a spent budget still refuses
 * before Stytch is asked.
 */
export const BY_MEMBER = (count: LimitKind): StepLimit => ({
  count,
  subject: (input: { member_id: string }) => `member:${input.member_id}`,
  subjectCounted: 'by-stytch',
})

// Stytch's verdicts on a code itself (never on the credential beside it).
const REFUSED_CODE = new Set(['ERR_OTP_INVALID', 'ERR_OTP_EXPIRED'])

/** Runs a step within its rate limits (`limit`), counting its subject when the limit says. */
export async function runLimited<T>(
  limits: RateLimits,
  limit: StepLimit | undefined,
  ip: string | undefined,
  input: unknown,
  run: () => Promise<T>,
): Promise<T> {
  if (limit === undefined) return run()
  const subject = limit.subject(input)
  const afterwards = limit.subjectCounted === 'by-stytch'
  await limits.before(limit.count, ip, subject, !afterwards)
  let result: T
  try {
    result = await run()
  } catch (error) {
    const code = (error as { code?: unknown }).code
    if (afterwards && limit.count === 'attempt' && REFUSED_CODE.has(code as string)) {
      await limits.countAfter('attempt', subject)
    }
    throw error
  }
  if (afterwards && limit.count === 'send') await limits.countAfter('send', subject)
  return result
}

/** Field shapes the steps accept (validated by `validateFields` before a step runs). */
export const FIELD = {
  email: { kind: 'email' },
  code: { kind: 'code' },
  organizationId: { kind: 'organizationId' },
  sessionDuration: { kind: 'sessionDuration', optional: true },
  locale: { kind: 'locale', optional: true },
  memberId: { kind: 'memberId' },
  phoneNumber: { kind: 'phoneNumber', optional: true },
  recoveryCode: { kind: 'recoveryCode' },
} as const
