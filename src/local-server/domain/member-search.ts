// Member search (https://stytch.com/docs/b2b/api/search-members): members of the listed
// organizations, filtered by an AND/OR query over the documented filters (stytch
// `types/lib/b2b/organizations.d.ts`, MemberSearchOperand), paged like organization search.
import type { MEMBER_SEARCH_FILTERS, MembersSearchResponse } from '../../wire/members.js'
import type { Organization } from '../../wire/organizations.js'
import type { MemberRecord } from '../store/local-store.js'
import type { ServerContext } from './context.js'
import { badRequest } from './errors.js'
import { lowerAscii } from './ids.js'
import { authorize, type MemberCaller, STYTCH_RESOURCE } from './member-authorization.js'
import { renderMember } from './members.js'
import { pageOf, readQuery } from './organization-search.js'
import { resolveOrganization } from './organizations.js'
import { type JsonObject, optStringArray } from './request-fields.js'

type Predicate = (record: MemberRecord) => boolean

function strings(name: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw badRequest(`filter_value of ${name} must be an array of strings.`)
  }
  return value as string[]
}

function fuzzy(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length < 3) {
    throw badRequest(`filter_value of ${name} must be a string of at least 3 characters.`)
  }
  return lowerAscii(value)
}

function memberPredicate(name: string, value: unknown): Predicate {
  switch (name as (typeof MEMBER_SEARCH_FILTERS)[number]) {
    case 'member_ids': {
      const ids = strings(name, value)
      return (r) => ids.includes(r.member.member_id)
    }
    case 'member_emails': {
      const emails = strings(name, value).map(lowerAscii)
      return (r) => emails.includes(r.emailKey)
    }
    case 'member_email_fuzzy': {
      const text = fuzzy(name, value)
      return (r) => r.emailKey.includes(text)
    }
    case 'member_is_breakglass': {
      if (typeof value !== 'boolean') throw badRequest(`filter_value of ${name} must be a boolean.`)
      return (r) => r.member.is_breakglass === value
    }
    case 'statuses': {
      const statuses = strings(name, value)
      return (r) => statuses.includes(r.member.status)
    }
    case 'member_phone_numbers': {
      const phones = strings(name, value)
      return (r) => phones.includes(r.member.mfa_phone_number)
    }
    case 'member_phone_number_fuzzy': {
      const text = fuzzy(name, value)
      return (r) => r.member.mfa_phone_number.includes(text)
    }
    default:
      throw badRequest(`Unknown filter_name: ${name}.`)
  }
}

/**
 * POST /v1/b2b/organizations/members/search. `organization_ids` is required (ids, slugs or
 * external ids). "Submitting an empty query returns all non-deleted Members"; deleted ones show
 * only through a `statuses` filter. With a member session: its own organization only, and
 * stytch.member:search.
 */
export function searchMembers(
  ctx: ServerContext,
  body: JsonObject,
  caller: MemberCaller | undefined,
): Omit<MembersSearchResponse, 'request_id' | 'status_code'> {
  const references = optStringArray(body, 'organization_ids')
  if (references === undefined || references.length === 0) {
    throw badRequest('organization_ids must list at least one organization.')
  }
  const organizations = references.map((reference) => resolveOrganization(ctx, reference))
  for (const organization of organizations) {
    authorize(caller, organization.organization_id, [
      [{ resource: STYTCH_RESOURCE.member, action: 'search' }],
    ])
  }
  const { matches, mentions } = readQuery(body, memberPredicate)
  const wantsDeleted = mentions.includes('statuses')
  const byId = new Map<string, Organization>(organizations.map((o) => [o.organization_id, o]))
  const found = [...byId.keys()]
    .flatMap((id) => ctx.store.listMembersOfOrganization(id))
    .filter((r) => (wantsDeleted || r.member.status !== 'deleted') && matches(r))
  const { page, results_metadata } = pageOf(body, found)
  const shown: Record<string, Organization> = {}
  for (const record of page) {
    const organization = byId.get(record.member.organization_id) as Organization
    shown[organization.organization_id] = organization
  }
  return {
    members: page.map((r) =>
      renderMember(ctx, r, byId.get(r.member.organization_id) as Organization),
    ),
    results_metadata,
    organizations: shown,
  }
}
