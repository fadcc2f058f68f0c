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
  /**
   * The rate limits the step passes before it runs: a code `send` or a code `attempt`, counted per
   * client IP and per `subject` of the validated input (an email address, or `member:<id>`).
   */
  // biome-ignore lint/suspicious/noExplicitAny: each step validates its own fields before running
  limit?: { count: 'send' | 'attempt'; subject(input: any): string }
  // biome-ignore lint/suspicious/noExplicitAny: each step validates its own fields before running
  run(backend: Backend, request: CoreRequest, input: any, check: SessionCheck): Promise<StepResult>
}

/** The limit of a step sending or checking a code for the email address in its input. */
export const BY_EMAIL = (count: 'send' | 'attempt') => ({
  count,
  subject: (input: { email_address: string }) => input.email_address,
})

/** The limit of a second-factor step: per member, since an SMS or TOTP code has no email address. */
export const BY_MEMBER = (count: 'send' | 'attempt') => ({
  count,
  subject: (input: { member_id: string }) => `member:${input.member_id}`,
})

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
