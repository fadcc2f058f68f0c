// Discovery routes: list organizations, create one, enter one with an IST.
import type { DiscoveryOrganizationsListResponse } from '../../wire/discovery.js'
import { isCommonEmailDomain, type Organization } from '../../wire/organizations.js'
import type { ServerContext } from '../domain/context.js'
import { mergeCustomClaims, readCustomClaims } from '../domain/custom-claims.js'
import {
  discoverOrganizations,
  eligibleByEmailDomain,
  visibleMembership,
} from '../domain/discovered-organizations.js'
import {
  invalidEmailForJitProvisioning,
  StytchHttpError,
  sessionNotFound,
} from '../domain/errors.js'
import { emailDomain, emailKey } from '../domain/ids.js'
import { resolveIntermediateSession } from '../domain/intermediate-sessions.js'
import { completeLogin } from '../domain/login.js'
import { resolveSession } from '../domain/member-sessions.js'
import { ADMIN_ROLE, newMemberRecord } from '../domain/members.js'
import { readNewOrganization } from '../domain/organization-fields.js'
import { createOrganization, resolveOrganization } from '../domain/organizations.js'
import {
  EXCHANGE_LOCALES,
  exactlyOneOf,
  type JsonObject,
  optLocale,
  optSessionDuration,
  optString,
  reqString,
} from '../domain/request-fields.js'
import type { IntermediateSessionRecord, MemberRecord } from '../store/local-store.js'
import type { RouteHandler } from './handler.js'

/** POST /v1/b2b/discovery/organizations: exactly one of IST, session token, session JWT. */
export const listOrganizations: RouteHandler = (ctx, { body }) => {
  const given = exactlyOneOf(
    body,
    ['intermediate_session_token', 'session_token', 'session_jwt'],
    'session',
  )
  const ist = given.intermediate_session_token
  let response: Omit<DiscoveryOrganizationsListResponse, 'request_id' | 'status_code'>
  if (ist !== undefined) {
    const record = resolveIntermediateSession(ctx, ist)
    response = {
      email_address: record.emailAddress,
      discovered_organizations: discoverOrganizations(ctx, record.emailAddress, record.factors, {
        includeEligible: true,
      }),
      organization_id_hint: record.organizationIdHint,
    }
  } else {
    const session = resolveSession(ctx, given)
    const member = ctx.store.getMember(session.memberId)
    if (member === undefined) throw sessionNotFound()
    response = {
      email_address: member.member.email_address,
      discovered_organizations: discoverOrganizations(
        ctx,
        member.member.email_address,
        session.factors,
        { includeEligible: false },
      ),
      organization_id_hint: null,
    }
  }
  return { ...response }
}

/** Name of an organization created without one: the person for consumer and .edu addresses, else the domain. */
function defaultName(email: string): string {
  const domain = emailDomain(email)
  const local = email.slice(0, email.lastIndexOf('@'))
  return isCommonEmailDomain(domain) || domain.endsWith('.edu')
    ? local
    : (domain.split('.')[0] ?? domain)
}

/** POST /v1/b2b/discovery/organizations/create */
export const create: RouteHandler = (ctx, { body }) => {
  const istToken = reqString(body, 'intermediate_session_token')
  const duration = optSessionDuration(body)
  const claims = readCustomClaims(body)
  optString(body, 'telemetry_id')
  const fields = readNewOrganization(body)
  mergeCustomClaims({}, claims)
  const ist = resolveIntermediateSession(ctx, istToken)
  const base = defaultName(ist.emailAddress)
  const organization = createOrganization(ctx, fields, { name: base, slugFrom: base })
  const member = newMemberRecord(ctx, organization.organization_id, {
    email_address: ist.emailAddress,
    status: 'active',
    email_address_verified: true,
    roles: [ADMIN_ROLE],
  })
  ctx.store.insertMember(member)
  return {
    ...loginWithIntermediateSession(ctx, { organization, member, istToken, ist, duration, claims }),
  }
}

/** The member the IST's email becomes in `organization`: existing, or JIT-created. */
function memberForExchange(
  ctx: ServerContext,
  ist: IntermediateSessionRecord,
  organizationId: string,
): MemberRecord {
  const existing = visibleMembership(ctx, organizationId, ist.emailAddress)
  if (existing !== undefined) return existing
  const organization = resolveOrganization(ctx, organizationId)
  if (organization.email_jit_provisioning !== 'RESTRICTED') {
    throw new StytchHttpError(
      403,
      'email_jit_provisioning_not_allowed',
      'This organization does not allow joining by email domain.',
    )
  }
  if (
    ctx.store.findMemberByEmail(organizationId, emailKey(ist.emailAddress)) !== undefined ||
    !eligibleByEmailDomain(ctx, organization, ist.emailAddress)
  ) {
    throw invalidEmailForJitProvisioning(
      organization.organization_id,
      emailDomain(ist.emailAddress),
      'This email may not join this organization.',
    )
  }
  // Created pending; completeLogin activates it once the org's primary requirements are met.
  const record = newMemberRecord(ctx, organizationId, {
    email_address: ist.emailAddress,
    status: 'pending',
    email_address_verified: false,
  })
  ctx.store.insertMember(record)
  return record
}

/** Completes a login with the IST's factors; a full login consumes the IST. */
function loginWithIntermediateSession(
  ctx: ServerContext,
  input: {
    organization: Organization
    member: MemberRecord
    istToken: string
    ist: IntermediateSessionRecord
    duration: number | undefined
    claims: JsonObject | undefined
  },
) {
  return completeLogin(ctx, {
    organization: input.organization,
    member: input.member,
    factors: input.ist.factors,
    sessionDurationMinutes: input.duration,
    customClaims: input.claims,
    intermediateSession: { token: input.istToken, record: input.ist },
  })
}

/** POST /v1/b2b/discovery/intermediate_sessions/exchange */
export const exchangeIntermediateSession: RouteHandler = (ctx, { body }) => {
  const istToken = reqString(body, 'intermediate_session_token')
  const reference = reqString(body, 'organization_id')
  const duration = optSessionDuration(body)
  const claims: JsonObject | undefined = readCustomClaims(body)
  optLocale(body, EXCHANGE_LOCALES)
  optString(body, 'telemetry_id')
  mergeCustomClaims({}, claims)
  const ist = resolveIntermediateSession(ctx, istToken)
  const organization = resolveOrganization(ctx, reference)
  if (ist.organizationIdHint !== null && ist.organizationIdHint !== organization.organization_id) {
    throw new StytchHttpError(
      400,
      'invalid_intermediate_session_token_for_organization',
      'The intermediate session cannot be used for this organization.',
    )
  }
  const member = memberForExchange(ctx, ist, organization.organization_id)
  return {
    ...loginWithIntermediateSession(ctx, { organization, member, istToken, ist, duration, claims }),
  }
}
