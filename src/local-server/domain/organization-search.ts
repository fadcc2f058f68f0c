// Organization search: AND/OR query over the documented filters, cursor pagination (the query
// reader and the pager serve member search too).
import type {
  Organization,
  OrganizationsSearchResponse,
  ResultsMetadata,
} from '../../wire/organizations.js'
import type { ServerContext } from './context.js'
import { badRequest } from './errors.js'
import { lowerAscii } from './ids.js'
import { type JsonObject, optIntInRange, optObject, optString } from './request-fields.js'

type Predicate = (organization: Organization) => boolean

function stringList(name: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw badRequest(`filter_value of ${name} must be an array of strings.`)
  }
  return (value as string[]).map(lowerAscii)
}

function fuzzy(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length < 3) {
    throw badRequest(`filter_value of ${name} must be a string of at least 3 characters.`)
  }
  return lowerAscii(value)
}

function organizationPredicate(ctx: ServerContext, name: string, value: unknown): Predicate {
  const emailsOf = (org: Organization) =>
    ctx.store
      .listMembersOfOrganization(org.organization_id)
      .filter((m) => m.member.status !== 'deleted')
      .map((m) => m.emailKey)
  switch (name) {
    case 'organization_ids': {
      const ids = stringList(name, value)
      return (org) => ids.includes(lowerAscii(org.organization_id))
    }
    case 'organization_slugs': {
      const slugs = stringList(name, value)
      return (org) => slugs.includes(lowerAscii(org.organization_slug))
    }
    case 'organization_name_fuzzy': {
      const text = fuzzy(name, value)
      return (org) => lowerAscii(org.organization_name).includes(text)
    }
    case 'organization_slug_fuzzy': {
      const text = fuzzy(name, value)
      return (org) => lowerAscii(org.organization_slug).includes(text)
    }
    case 'member_emails': {
      const emails = stringList(name, value)
      return (org) => emailsOf(org).some((e) => emails.includes(e))
    }
    case 'member_email_fuzzy': {
      const text = fuzzy(name, value)
      return (org) => emailsOf(org).some((e) => e.includes(text))
    }
    case 'allowed_domains': {
      const domains = stringList(name, value)
      return (org) => org.email_allowed_domains.some((d) => domains.includes(lowerAscii(d)))
    }
    case 'allowed_domain_fuzzy': {
      const text = fuzzy(name, value)
      return (org) => org.email_allowed_domains.some((d) => lowerAscii(d).includes(text))
    }
    case 'claimed_email_domains': {
      const domains = stringList(name, value)
      return (org) => org.claimed_email_domains.some((d) => domains.includes(lowerAscii(d)))
    }
    case 'has_active_sso_connection': {
      if (typeof value !== 'boolean') throw badRequest(`filter_value of ${name} must be a boolean.`)
      return (org) => org.sso_active_connections.length > 0 === value
    }
    case 'sso_connection_id': {
      if (typeof value !== 'string') throw badRequest(`filter_value of ${name} must be a string.`)
      return (org) => org.sso_active_connections.some((c) => c.connection_id === value)
    }
    default:
      throw badRequest(`Unknown filter_name: ${name}.`)
  }
}

/** Offset cursors: opaque base64url text, like Stytch's. */
function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0
  const match = /^offset:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
  if (match === null) throw badRequest('cursor is invalid.')
  return Number(match[1])
}

/**
 * Reads the optional `query` of a search body: operator AND (default) or OR over operands, each
 * `{filter_name, filter_value}` turned into a predicate by `predicateOf`. Also returns the filter
 * names used.
 */
export function readQuery<T>(
  body: JsonObject,
  predicateOf: (name: string, value: unknown) => (item: T) => boolean,
): { matches: (item: T) => boolean; mentions: string[] } {
  const query = optObject(body, 'query')
  if (query === undefined) return { matches: () => true, mentions: [] }
  const operator = optString(query, 'operator') ?? 'AND'
  if (operator !== 'AND' && operator !== 'OR') throw badRequest('query.operator must be AND or OR.')
  const operands = query.operands ?? []
  if (!Array.isArray(operands)) throw badRequest('query.operands must be an array.')
  const mentions: string[] = []
  const predicates = operands.map((operand) => {
    if (typeof operand !== 'object' || operand === null) {
      throw badRequest('query.operands must be objects.')
    }
    const { filter_name: name, filter_value: value } = operand as JsonObject
    if (typeof name !== 'string') throw badRequest('filter_name must be a string.')
    mentions.push(name)
    return predicateOf(name, value)
  })
  if (predicates.length === 0) return { matches: () => true, mentions }
  const matches =
    operator === 'AND'
      ? (item: T) => predicates.every((p) => p(item))
      : (item: T) => predicates.some((p) => p(item))
  return { matches, mentions }
}

/** One page of `all` by the body's `cursor` and `limit` (1..1000, default 100). */
export function pageOf<T>(
  body: JsonObject,
  all: T[],
): { page: T[]; results_metadata: ResultsMetadata } {
  const offset = decodeCursor(optString(body, 'cursor'))
  const limit = optIntInRange(body, 'limit', 1, 1000, 'bad_request') ?? 100
  const page = all.slice(offset, offset + limit)
  const next = offset + limit < all.length ? offset + limit : null
  return {
    page,
    results_metadata: {
      total: all.length,
      next_cursor: next === null ? null : Buffer.from(`offset:${next}`).toString('base64url'),
    },
  }
}

export function searchOrganizations(
  ctx: ServerContext,
  body: JsonObject,
): Omit<OrganizationsSearchResponse, 'request_id' | 'status_code'> {
  const { matches } = readQuery(body, (name, value) => organizationPredicate(ctx, name, value))
  const { page, results_metadata } = pageOf(body, ctx.store.listOrganizations().filter(matches))
  return { organizations: page, results_metadata }
}
