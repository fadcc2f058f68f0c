// Finishing a login: a session when the organization's requirements are met, else an IST.
import type { Organization } from '../../wire/organizations.js'
import type { AuthenticatedResponseBase, AuthenticationFactor } from '../../wire/sessions.js'
import type {
  IntermediateSessionRecord,
  MemberRecord,
  SessionRecord,
} from '../store/local-store.js'
import { evaluateRequirements } from './auth-requirements.js'
import type { ServerContext } from './context.js'
import { mergeCustomClaims } from './custom-claims.js'
import { emailKey, rfc3339 } from './ids.js'
import { mintIntermediateSession } from './intermediate-sessions.js'
import {
  createSession,
  mergeFactors,
  mintSessionJwt,
  renderMemberSession,
} from './member-sessions.js'
import { renderMember, saveMember } from './members.js'
import type { JsonObject } from './request-fields.js'
import { autoSendSmsOtp } from './sms-otp.js'

export interface LoginInput {
  organization: Organization
  member: MemberRecord
  /** Factors proven by this call plus those carried in (IST, exchanged session). */
  factors: AuthenticationFactor[]
  sessionDurationMinutes?: number | undefined
  /** Validated request claims; merged into a new or existing session. */
  customClaims?: JsonObject | undefined
  /** A valid session passed in: factors are added to it and MFA is not demanded. */
  existingSession?: SessionRecord | undefined
  /** The IST passed in: consumed on a full login, returned unchanged otherwise. */
  intermediateSession?: { token: string; record: IntermediateSessionRecord } | undefined
}

export type LoginResult = Omit<AuthenticatedResponseBase, 'request_id' | 'status_code'>

/** Rewrites email factors of the member's address to carry the member's email id. */
function forMember(member: MemberRecord, factors: AuthenticationFactor[]): AuthenticationFactor[] {
  return factors.map((factor) =>
    factor.email_factor && emailKey(factor.email_factor.email_address) === member.emailKey
      ? { ...factor, email_factor: { ...factor.email_factor, email_id: member.emailId } }
      : factor,
  )
}

/**
 * Evaluates the org's requirements for `input.factors`. Satisfied: activates the member, creates
 * (or extends) the session, consumes the IST. Not satisfied: returns an IST holding the factors,
 * with `session_duration_minutes` and custom claims ignored.
 */
export function completeLogin(ctx: ServerContext, input: LoginInput): LoginResult {
  const { organization } = input
  let member = input.member
  const factors = forMember(member, input.factors)
  const verdict = evaluateRequirements(organization, member, factors, {
    skipMfa: input.existingSession !== undefined,
  })
  if (verdict.primary_required === null) {
    // Email factors prove the address: pending/invited members become active.
    const proves = factors.some(
      (f) =>
        f.email_factor !== null &&
        f.email_factor !== undefined &&
        emailKey(f.email_factor.email_address) === member.emailKey,
    )
    if (member.member.status !== 'active' || (proves && !member.member.email_address_verified)) {
      member = saveMember(ctx, member, {
        status: 'active',
        email_address_verified: member.member.email_address_verified || proves,
      })
    }
  }
  const base = {
    member_id: member.member.member_id,
    member: renderMember(ctx, member, organization),
    organization,
    member_device: null,
  }
  if (!verdict.member_authenticated) {
    let token: string
    let expiresAtMs: number
    if (input.intermediateSession !== undefined) {
      const record = {
        ...input.intermediateSession.record,
        factors: mergeFactors(input.intermediateSession.record.factors, factors),
        organizationIdHint: organization.organization_id,
      }
      ctx.store.putIntermediateSession(record)
      token = input.intermediateSession.token
      expiresAtMs = record.expiresAtMs
    } else {
      const minted = mintIntermediateSession(ctx, {
        emailAddress: member.member.email_address,
        factors,
        organizationIdHint: organization.organization_id,
      })
      token = minted.token
      expiresAtMs = minted.record.expiresAtMs
    }
    const mfaRequired =
      verdict.mfa_required !== null &&
      verdict.primary_required === null &&
      autoSendSmsOtp(ctx, organization, member)
        ? { ...verdict.mfa_required, secondary_auth_initiated: 'sms_otp' }
        : verdict.mfa_required
    return {
      ...base,
      session_token: '',
      session_jwt: '',
      intermediate_session_token: token,
      intermediate_session_token_expires_at: rfc3339(expiresAtMs),
      member_authenticated: false,
      member_session: null,
      primary_required: verdict.primary_required,
      mfa_required: mfaRequired,
    }
  }
  let session: SessionRecord
  if (input.existingSession !== undefined) {
    const existing = input.existingSession
    session = {
      ...existing,
      factors: mergeFactors(existing.factors, factors),
      lastAccessedAtMs: ctx.now(),
      expiresAtMs:
        input.sessionDurationMinutes === undefined
          ? existing.expiresAtMs
          : ctx.now() + input.sessionDurationMinutes * 60_000,
      customClaims: mergeCustomClaims(existing.customClaims, input.customClaims),
    }
    ctx.store.putSession(session)
  } else {
    session = createSession(
      ctx,
      member,
      factors,
      input.sessionDurationMinutes,
      mergeCustomClaims({}, input.customClaims),
    )
  }
  if (input.intermediateSession !== undefined) {
    ctx.store.deleteIntermediateSession(input.intermediateSession.record.tokenHash)
  }
  return {
    ...base,
    session_token: session.token,
    session_jwt: mintSessionJwt(ctx, session, organization, member),
    intermediate_session_token: '',
    intermediate_session_token_expires_at: null,
    member_authenticated: true,
    member_session: renderMemberSession(session, organization, member),
    primary_required: null,
    mfa_required: null,
  }
}

/** An email OTP factor verified now. */
export function emailOtpFactor(
  ctx: ServerContext,
  emailAddress: string,
  emailId: string,
): AuthenticationFactor {
  const now = rfc3339(ctx.now())
  return {
    type: 'email_otp',
    delivery_method: 'email',
    last_authenticated_at: now,
    created_at: now,
    updated_at: now,
    email_factor: { email_id: emailId, email_address: emailAddress },
    sequence_order: 'PRIMARY',
  }
}
