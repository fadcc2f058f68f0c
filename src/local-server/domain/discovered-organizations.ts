// Which organizations an email can enter and how each looks in discovery.
import type { DiscoveredOrganization, Membership } from '../../wire/discovery.js'
import type { Organization } from '../../wire/organizations.js'
import type { AuthenticationFactor } from '../../wire/sessions.js'
import type { MemberRecord } from '../store/local-store.js'
import { evaluateRequirements } from './auth-requirements.js'
import type { ServerContext } from './context.js'
import { emailDomain, emailKey, lowerAscii } from './ids.js'
import { renderMember } from './members.js'

const MEMBERSHIP_OF: Record<string, Membership['type'] | undefined> = {
  active: 'active_member',
  pending: 'pending_member',
  invited: 'invited_member',
}

/**
 * True when `email` may JIT-join `organization` by domain: email JIT RESTRICTED, the domain is
 * allowed, and another member of the org already has a verified email at that domain.
 */
export function eligibleByEmailDomain(
  ctx: ServerContext,
  organization: Organization,
  email: string,
): boolean {
  const domain = emailDomain(email)
  if (organization.email_jit_provisioning !== 'RESTRICTED') return false
  if (!organization.email_allowed_domains.some((allowed) => lowerAscii(allowed) === domain)) {
    return false
  }
  const key = emailKey(email)
  return ctx.store
    .listMembersOfOrganization(organization.organization_id)
    .some(
      (record) =>
        record.emailKey !== key &&
        record.member.status !== 'deleted' &&
        record.member.email_address_verified &&
        emailDomain(record.member.email_address) === domain,
    )
}

/** The member of `organizationId` with this email whose status discovery shows. */
export function visibleMembership(
  ctx: ServerContext,
  organizationId: string,
  email: string,
): MemberRecord | undefined {
  const record = ctx.store.findMemberByEmail(organizationId, emailKey(email))
  return record && MEMBERSHIP_OF[record.member.status] ? record : undefined
}

/**
 * Discovered organizations for `email`: memberships first, then (with `includeEligible`) orgs
 * joinable by email domain, each group in organization creation order. Nothing is sent or changed.
 */
export function discoverOrganizations(
  ctx: ServerContext,
  email: string,
  factors: AuthenticationFactor[],
  options: { includeEligible: boolean },
): DiscoveredOrganization[] {
  const memberships: DiscoveredOrganization[] = []
  const eligible: DiscoveredOrganization[] = []
  for (const organization of ctx.store.listOrganizations()) {
    const record = visibleMembership(ctx, organization.organization_id, email)
    if (record !== undefined) {
      const verdict = evaluateRequirements(organization, record, factors)
      memberships.push({
        member_authenticated: verdict.member_authenticated,
        organization,
        membership: {
          type: MEMBERSHIP_OF[record.member.status] as Membership['type'],
          details: null,
          member: renderMember(ctx, record, organization),
        },
        primary_required: verdict.primary_required,
        mfa_required: verdict.mfa_required,
      })
    } else if (
      options.includeEligible &&
      ctx.store.findMemberByEmail(organization.organization_id, emailKey(email)) === undefined &&
      eligibleByEmailDomain(ctx, organization, email)
    ) {
      const verdict = evaluateRequirements(organization, null, factors)
      eligible.push({
        member_authenticated: verdict.member_authenticated,
        organization,
        membership: {
          type: 'eligible_to_join_by_email_domain',
          details: { domain: emailDomain(email) },
          member: null,
        },
        primary_required: verdict.primary_required,
        mfa_required: verdict.mfa_required,
      })
    }
  }
  return [...memberships, ...eligible]
}
