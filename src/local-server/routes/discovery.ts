// Discovery routes: list organizations (3.5), create one (3.6), enter one with an IST (3.7).
import type { DiscoveryOrganizationsListResponse } from '../../wire/discovery.js'
import type { ServerContext } from '../domain/context.js'
import { mergeCustomClaims, readCustomClaims } from '../domain/custom-claims.js'
import {
  discoverOrganizations,
  eligibleByEmailDomain,
  visibleMembership,
} from '../domain/discovered-organizations.js'
import { StytchHttpError } from '../domain/errors.js'
import { emailDomain, emailKey } from '../domain/ids.js'
import { resolveIntermediateSession } from '../domain/intermediate-sessions.js'
import { completeLogin } from '../domain/login.js'
import { resolveSession } from '../domain/member-sessions.js'
import { ADMIN_ROLE, newMemberRecord } from '../domain/members.js'
import {
  buildOrganization,
  COMMON_EMAIL_DOMAINS,
  checkExternalId,
  checkOrganizationName,
  checkOrganizationSlug,
  insertOrganization,
  readOrganizationSettings,
  resolveOrganization,
  slugify,
  unusedSlug,
} from '../domain/organizations.js'
import {
  EXCHANGE_LOCALES,
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
  const ist = optString(body, 'intermediate_session_token') || undefined
  const session_token = optString(body, 'session_token') || undefined
  const session_jwt = optString(body, 'session_jwt') || undefined
  const given = [ist, session_token, session_jwt].filter((v) => v !== undefined).length
  if (given === 0) {
    throw new StytchHttpError(
      400,
      'no_session_arguments',
      'One of intermediate_session_token, session_token or session_jwt is required.',
    )
  }
  if (given > 1) {
    throw new StytchHttpError(
      400,
      'too_many_session_arguments',
      'Pass only one of intermediate_session_token, session_token or session_jwt.',
    )
  }
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
    const session = resolveSession(ctx, { session_token, session_jwt })
    const member = ctx.store.getMember(session.memberId)
    if (member === undefined)
      throw new StytchHttpError(404, 'session_not_found', 'Session could not be found.')
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

function defaultNameAndSlug(email: string): { name: string; slug: string } {
  const domain = emailDomain(email)
  const local = email.slice(0, email.lastIndexOf('@'))
  // Consumer and .edu addresses name the org after the person, others after the domain (3.6).
  const base =
    COMMON_EMAIL_DOMAINS.has(domain) || domain.endsWith('.edu')
      ? local
      : (domain.split('.')[0] ?? domain)
  return { name: base, slug: slugify(base) }
}

/** POST /v1/b2b/discovery/organizations/create */
export const createOrganization: RouteHandler = (ctx, { body }) => {
  const istToken = reqString(body, 'intermediate_session_token')
  const duration = optSessionDuration(body)
  const claims = readCustomClaims(body)
  const name = optString(body, 'organization_name')
  const slug = optString(body, 'organization_slug')
  const externalId = optString(body, 'organization_external_id')
  optString(body, 'telemetry_id')
  const settings = readOrganizationSettings(body)
  if (name !== undefined) checkOrganizationName(name)
  if (slug !== undefined) checkOrganizationSlug(slug)
  if (externalId !== undefined) checkExternalId(externalId)
  mergeCustomClaims({}, claims)
  const ist = resolveIntermediateSession(ctx, istToken)
  const defaults = defaultNameAndSlug(ist.emailAddress)
  const organization = buildOrganization(ctx, {
    name: name ?? defaults.name,
    slug: slug ?? unusedSlug(ctx, defaults.slug),
    externalId,
    settings,
  })
  insertOrganization(ctx, organization)
  const member = newMemberRecord(ctx, organization.organization_id, {
    email_address: ist.emailAddress,
    status: 'active',
    email_address_verified: true,
    roles: [ADMIN_ROLE],
  })
  ctx.store.insertMember(member)
  return {
    ...completeLogin(ctx, {
      organization,
      member,
      factors: ist.factors,
      sessionDurationMinutes: duration,
      customClaims: claims,
      intermediateSession: { token: istToken, record: ist },
    }),
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
    throw new StytchHttpError(
      403,
      'invalid_email_for_jit_provisioning',
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
    ...completeLogin(ctx, {
      organization,
      member,
      factors: ist.factors,
      sessionDurationMinutes: duration,
      customClaims: claims,
      intermediateSession: { token: istToken, record: ist },
    }),
  }
}
