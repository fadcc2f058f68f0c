// Who a second-factor call acts for, and with what: an intermediate session or a member session.
import { MFA_DELIVERY_METHODS } from '../../wire/mfa.js'
import type { Organization } from '../../wire/organizations.js'
import type { AuthenticationFactor } from '../../wire/sessions.js'
import type {
  IntermediateSessionRecord,
  MemberRecord,
  SessionRecord,
} from '../store/local-store.js'
import { evaluateRequirements } from './auth-requirements.js'
import type { ServerContext } from './context.js'
import { memberNotFound, StytchHttpError } from './errors.js'
import { newId, rfc3339 } from './ids.js'
import { resolveIntermediateSession } from './intermediate-sessions.js'
import { readSessionArguments, resolveSession } from './member-sessions.js'
import { findMember } from './members.js'
import { resolveOrganization } from './organizations.js'
import { type JsonObject, optString, reqString } from './request-fields.js'

export interface MfaSubject {
  organization: Organization
  member: MemberRecord
  ist?: { token: string; record: IntermediateSessionRecord } | undefined
  session?: SessionRecord | undefined
}

/**
 * Reads organization_id, member_id and the credentials of a second-factor call. `required`: exactly
 * one of intermediate_session_token, session_token, session_jwt ("Exactly one … must be provided":
 * https://stytch.com/docs/b2b/api/authenticate-sms-otp); otherwise at most one. An IST must be
 * this member's (its email for a discovery IST) and organization's, and must already meet the
 * organization's primary requirements; a session must be this member's.
 */
export function resolveMfaSubject(
  ctx: ServerContext,
  body: JsonObject,
  required: boolean,
): MfaSubject {
  const organizationRef = reqString(body, 'organization_id')
  const memberRef = reqString(body, 'member_id')
  const istToken = optString(body, 'intermediate_session_token') || undefined
  const sessionArgs = readSessionArguments(body, false)
  const hasSession =
    sessionArgs.session_token !== undefined || sessionArgs.session_jwt !== undefined
  if (istToken !== undefined && hasSession) {
    throw new StytchHttpError(
      400,
      'too_many_session_arguments',
      'Pass a session or an intermediate_session_token, not both.',
    )
  }
  if (required && istToken === undefined && !hasSession) {
    throw new StytchHttpError(
      400,
      'no_session_arguments',
      'intermediate_session_token, session_token or session_jwt is required.',
    )
  }
  const organization = resolveOrganization(ctx, organizationRef)
  const member = findMember(ctx, organization.organization_id, memberRef)
  if (member.member.status === 'deleted') throw memberNotFound()
  if (istToken !== undefined) {
    const record = resolveIntermediateSession(ctx, istToken)
    const otherOrganization =
      record.organizationIdHint !== null &&
      record.organizationIdHint !== organization.organization_id
    if (otherOrganization || record.emailKey !== member.emailKey) {
      throw new StytchHttpError(
        400,
        'invalid_intermediate_session_token_for_organization',
        'The intermediate session belongs to another member or organization.',
      )
    }
    if (evaluateRequirements(organization, member, record.factors).primary_required !== null) {
      throw new StytchHttpError(
        400,
        'action_available_only_once_primary_authentication_is_met',
        'Complete a primary authentication the organization allows first.',
      )
    }
    return { organization, member, ist: { token: istToken, record } }
  }
  if (hasSession) {
    const session = resolveSession(ctx, sessionArgs)
    if (session.memberId !== member.member.member_id) {
      throw new StytchHttpError(
        400,
        'session_member_mismatch',
        'The session belongs to another member or organization.',
      )
    }
    return { organization, member, session }
  }
  return { organization, member }
}

/**
 * 403 when the organization's `mfa_methods: "RESTRICTED"` leaves `method` out: such a factor would
 * not satisfy its MFA requirement. Recovery codes belong to TOTP. The error type is modelled on
 * `operation_restricted_by_organization_auth_methods` (the primary-method refusal).
 */
export function requireMfaMethod(organization: Organization, method: 'sms_otp' | 'totp'): void {
  if (organization.mfa_methods !== 'RESTRICTED') return
  if (organization.allowed_mfa_methods.includes(method)) return
  throw new StytchHttpError(
    403,
    'operation_restricted_by_organization_mfa_methods',
    `This organization does not allow ${method} as a second factor.`,
  )
}

function factor(ctx: ServerContext, type: string, deliveryMethod: string, detail: object) {
  const now = rfc3339(ctx.now())
  return {
    type,
    delivery_method: deliveryMethod,
    last_authenticated_at: now,
    created_at: now,
    updated_at: now,
    ...detail,
    sequence_order: 'SECONDARY',
  } satisfies AuthenticationFactor
}

/** The session factors of the three second factors, as Stytch's AuthenticationFactor names them. */
export const mfaFactor = {
  sms: (ctx: ServerContext, phoneNumber: string): AuthenticationFactor =>
    factor(ctx, 'otp', MFA_DELIVERY_METHODS.sms, {
      phone_number_factor: { phone_id: newId(ctx, 'phone-number'), phone_number: phoneNumber },
    }),
  totp: (ctx: ServerContext, registrationId: string): AuthenticationFactor =>
    factor(ctx, 'totp', MFA_DELIVERY_METHODS.totp, {
      authenticator_app_factor: { totp_id: registrationId },
    }),
  recoveryCode: (ctx: ServerContext, registrationId: string): AuthenticationFactor =>
    factor(ctx, 'recovery_codes', MFA_DELIVERY_METHODS.recoveryCode, {
      recovery_code_factor: { totp_recovery_code_id: registrationId },
    }),
}
