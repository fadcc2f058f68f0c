// Email OTP routes: org-scoped send and authenticate, discovery send and authenticate.
import {
  OTP_LOCALES,
  type OtpEmailAuthenticateResponse,
  type OtpEmailDiscoveryAuthenticateResponse,
  type OtpEmailLoginOrSignupResponse,
} from '../../wire/otp-email.js'
import { allowsEmailOtp } from '../domain/auth-requirements.js'
import type { ServerContext } from '../domain/context.js'
import { mergeCustomClaims, readCustomClaims } from '../domain/custom-claims.js'
import { discoverOrganizations } from '../domain/discovered-organizations.js'
import { invalidEmailForJitProvisioning, StytchHttpError } from '../domain/errors.js'
import { emailDomain, emailKey, lowerAscii, newId, rfc3339 } from '../domain/ids.js'
import {
  mintIntermediateSession,
  resolveIntermediateSession,
} from '../domain/intermediate-sessions.js'
import { completeLogin, emailOtpFactor } from '../domain/login.js'
import { readSessionArguments, resolveSession } from '../domain/member-sessions.js'
import { newMemberRecord, renderMember } from '../domain/members.js'
import { resolveOrganization } from '../domain/organizations.js'
import { consumeOtp, DEFAULT_OTP_EXPIRATION_MINUTES, issueOtp } from '../domain/otp.js'
import {
  optLocale,
  optOtpExpiration,
  optSessionDuration,
  optString,
  reqEmail,
  reqString,
} from '../domain/request-fields.js'
import { checkSendRate } from '../domain/send-limit.js'
import type { RouteHandler } from './handler.js'

type Body<T> = Omit<T, 'request_id' | 'status_code'>

function send(
  ctx: ServerContext,
  input: {
    to: string
    kind: 'login' | 'signup' | 'discovery'
    organizationId: string | null
    minutes: number | undefined
  },
): void {
  checkSendRate(ctx, input.to)
  const flow = input.kind === 'discovery' ? 'discovery' : 'organization'
  const purpose = { flow, organizationId: input.organizationId, email: input.to } as const
  const code = issueOtp(ctx, purpose, input.minutes ?? DEFAULT_OTP_EXPIRATION_MINUTES)
  ctx.outbox.push({
    to: input.to,
    kind: input.kind,
    code,
    organization_id: input.organizationId,
    sent_at: rfc3339(ctx.now()),
  })
}

/** POST /v1/b2b/otps/email/login_or_signup */
export const loginOrSignup: RouteHandler = (ctx, { body }) => {
  const reference = reqString(body, 'organization_id')
  const email = reqEmail(body)
  optString(body, 'login_template_id')
  optString(body, 'signup_template_id')
  optLocale(body, OTP_LOCALES)
  const loginMinutes = optOtpExpiration(body, 'login_expiration_minutes')
  const signupMinutes = optOtpExpiration(body, 'signup_expiration_minutes')
  const organization = resolveOrganization(ctx, reference)
  const orgId = organization.organization_id
  let record = ctx.store.findMemberByEmail(orgId, emailKey(email))
  let created = false
  if (record === undefined || record.member.status === 'deleted') {
    // Sign-up creates a pending member only where email JIT lets this domain in.
    if (organization.email_jit_provisioning !== 'RESTRICTED') {
      throw new StytchHttpError(
        403,
        'email_jit_provisioning_not_allowed',
        'This organization does not allow sign-up by email.',
      )
    }
    const domain = emailDomain(email)
    if (!organization.email_allowed_domains.some((d) => lowerAscii(d) === domain)) {
      throw invalidEmailForJitProvisioning(
        orgId,
        domain,
        'This email domain may not sign up to this organization.',
      )
    }
    record = newMemberRecord(ctx, orgId, {
      email_address: email,
      status: 'pending',
      email_address_verified: false,
    })
    if (!ctx.store.insertMember(record)) {
      record = ctx.store.findMemberByEmail(orgId, emailKey(email)) ?? record
    } else {
      created = true
    }
  }
  const login = record.member.status === 'active'
  send(ctx, {
    to: email,
    kind: login ? 'login' : 'signup',
    organizationId: orgId,
    minutes: login ? loginMinutes : signupMinutes,
  })
  const response: Body<OtpEmailLoginOrSignupResponse> = {
    member_id: record.member.member_id,
    member_created: created,
    member: renderMember(ctx, record, organization),
    organization,
  }
  return { ...response }
}

/** POST /v1/b2b/otps/email/authenticate */
export const authenticate: RouteHandler = (ctx, { body }) => {
  const reference = reqString(body, 'organization_id')
  const email = reqEmail(body)
  const code = reqString(body, 'code')
  const sessionArgs = readSessionArguments(body, false)
  const istToken = optString(body, 'intermediate_session_token') || undefined
  const duration = optSessionDuration(body)
  const claims = readCustomClaims(body)
  optLocale(body, OTP_LOCALES)
  optString(body, 'telemetry_id')
  if (istToken !== undefined && (sessionArgs.session_token || sessionArgs.session_jwt)) {
    throw new StytchHttpError(
      400,
      'too_many_session_arguments',
      'Pass a session or an intermediate_session_token, not both.',
    )
  }
  // Everything that can fail without the code is checked before the code is consumed.
  const organization = resolveOrganization(ctx, reference)
  const orgId = organization.organization_id
  const existingSession =
    sessionArgs.session_token || sessionArgs.session_jwt
      ? resolveSession(ctx, sessionArgs)
      : undefined
  const ist = istToken === undefined ? undefined : resolveIntermediateSession(ctx, istToken)
  if (ist && ist.organizationIdHint !== null && ist.organizationIdHint !== orgId) {
    throw new StytchHttpError(
      400,
      'invalid_intermediate_session_token_for_organization',
      'The intermediate session belongs to another organization.',
    )
  }
  if (ist && ist.emailKey !== emailKey(email)) {
    throw new StytchHttpError(
      400,
      'invalid_intermediate_session_token_for_organization',
      'The intermediate session belongs to another email address.',
    )
  }
  const record = ctx.store.findMemberByEmail(orgId, emailKey(email))
  if (existingSession && existingSession.memberId !== record?.member.member_id) {
    throw new StytchHttpError(
      400,
      'session_member_mismatch',
      'The session belongs to another member or organization.',
    )
  }
  if (!allowsEmailOtp(organization, record ?? null)) {
    throw new StytchHttpError(
      403,
      'operation_restricted_by_organization_auth_methods',
      'This organization does not allow email OTP.',
    )
  }
  mergeCustomClaims(existingSession?.customClaims ?? {}, claims) // 4 KB check before consuming
  consumeOtp(ctx, { flow: 'organization', organizationId: orgId, email }, code)
  if (record === undefined || record.member.status === 'deleted') {
    throw new StytchHttpError(404, 'member_not_found', 'Member could not be found.')
  }
  const factor = emailOtpFactor(ctx, record.member.email_address, record.emailId)
  const result = completeLogin(ctx, {
    organization,
    member: record,
    factors: ist ? [...ist.factors, factor] : [factor],
    sessionDurationMinutes: duration,
    customClaims: claims,
    existingSession,
    intermediateSession: ist && istToken ? { token: istToken, record: ist } : undefined,
  })
  const response: Body<OtpEmailAuthenticateResponse> = {
    ...result,
    method_id: record.emailId,
    organization_id: orgId,
  }
  return { ...response }
}

/** POST /v1/b2b/otps/email/discovery/send: same answer whether or not the email is known. */
export const discoverySend: RouteHandler = (ctx, { body }) => {
  const email = reqEmail(body)
  optString(body, 'login_template_id')
  optLocale(body, OTP_LOCALES)
  const minutes = optOtpExpiration(body, 'discovery_expiration_minutes')
  send(ctx, { to: email, kind: 'discovery', organizationId: null, minutes })
  return {}
}

/** POST /v1/b2b/otps/email/discovery/authenticate */
export const discoveryAuthenticate: RouteHandler = (ctx, { body }) => {
  const email = reqEmail(body)
  const code = reqString(body, 'code')
  consumeOtp(ctx, { flow: 'discovery', organizationId: null, email }, code)
  const factor = emailOtpFactor(ctx, email, newId(ctx, 'email'))
  const { token, record } = mintIntermediateSession(ctx, {
    emailAddress: email,
    factors: [factor],
    organizationIdHint: null,
  })
  const response: Body<OtpEmailDiscoveryAuthenticateResponse> = {
    intermediate_session_token: token,
    email_address: email,
    discovered_organizations: discoverOrganizations(ctx, email, [factor], {
      includeEligible: true,
    }),
    intermediate_session_token_expires_at: rfc3339(record.expiresAtMs),
  }
  return { ...response }
}
