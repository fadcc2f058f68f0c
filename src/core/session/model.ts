// The public, camelCase view of members, organizations and sessions, mapped from Stytch's wire shapes in one place.
import type { DiscoveredOrganization as WireDiscoveredOrganization } from '../../wire/discovery.js'
import type { SessionJwtPayload } from '../../wire/jwt.js'
import type { Member as WireMember } from '../../wire/members.js'
import type { Organization as WireOrganization } from '../../wire/organizations.js'
import type {
  AuthenticationFactor,
  MemberSession as WireMemberSession,
} from '../../wire/sessions.js'

/**
 * The signed-in member (`req.member`, `ctx.state.member`). `member`, `organization` and
 * `memberSession` have the same fields on every request, whether it was just signed in, refreshed
 * or verified from its JWT alone: what the session JWT carries. Names and statuses are not in the
 * JWT; reading them per request would cost an upstream call (see docs/routes.md).
 */
export interface AuthMember {
  memberId: string
  organizationId: string
  /** From the session's email factor; `''` when the session has none. */
  emailAddress: string
  /** Role ids effective for the session, e.g. `['stytch_member', 'stytch_admin']`. */
  roles: string[]
}

/** The member's organization (`req.organization`). */
export interface AuthOrganization {
  organizationId: string
  organizationSlug: string
}

/** The member session (`req.memberSession`). Times are epoch milliseconds. */
export interface AuthMemberSession {
  memberSessionId: string
  memberId: string
  organizationId: string
  organizationSlug: string
  roles: string[]
  startedAt: number
  lastAccessedAt: number
  /** When the session (not its 5-minute JWT) ends. */
  expiresAt: number
  authenticationFactors: AuthenticationFactor[]
  /** Custom claims of the session JWT (server-set only). */
  customClaims: Record<string, unknown>
}

/** What each organization found by discovery offers (`req.discoveredOrganizations`). */
export interface AuthDiscoveredOrganization {
  organizationId: string
  organizationName: string
  organizationSlug: string
  organizationLogoUrl: string
  membershipType: string
  /** True when the intermediate session alone is enough to enter this organization. */
  memberAuthenticated: boolean
  /** Primary methods the organization still requires, or `null`. */
  primaryRequired: string[] | null
  /** True when the organization requires multi-factor authentication first. */
  mfaRequired: boolean
}

/** The session of one request: member, organization and member session together. */
export interface SessionContext {
  member: AuthMember
  organization: AuthOrganization
  memberSession: AuthMemberSession
}

const SESSION_CLAIM = 'https://stytch.com/session'
const ORGANIZATION_CLAIM = 'https://stytch.com/organization'
const REGISTERED_CLAIMS = new Set(['aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'sub'])

// Verified claims objects come back from the verified-token cache on every hit: build their
// session once, frozen, since every request carrying that JWT shares it.
const sessionsByClaims = new WeakMap<SessionJwtPayload, SessionContext>()

/** The request's session from verified JWT claims (no upstream call); read-only, shared per token. */
export function sessionFromClaims(claims: SessionJwtPayload): SessionContext {
  let session = sessionsByClaims.get(claims)
  if (session === undefined) {
    session = deepFreeze(buildSessionFromClaims(claims))
    sessionsByClaims.set(claims, session)
  }
  return session
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}

function buildSessionFromClaims(claims: SessionJwtPayload): SessionContext {
  const session = claims[SESSION_CLAIM]
  const organization = claims[ORGANIZATION_CLAIM]
  const customClaims: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(claims)) {
    if (!REGISTERED_CLAIMS.has(key) && !key.startsWith('https://stytch.com/')) {
      Object.defineProperty(customClaims, key, { value, enumerable: true, writable: true })
    }
  }
  return {
    member: {
      memberId: claims.sub,
      organizationId: organization.organization_id,
      emailAddress: emailOf(session.authentication_factors),
      roles: [...(session.roles ?? [])],
    },
    organization: {
      organizationId: organization.organization_id,
      organizationSlug: organization.slug,
    },
    memberSession: {
      memberSessionId: session.id,
      memberId: claims.sub,
      organizationId: organization.organization_id,
      organizationSlug: organization.slug,
      roles: [...(session.roles ?? [])],
      startedAt: Date.parse(session.started_at),
      lastAccessedAt: Date.parse(session.last_accessed_at),
      // As the SDK does: without the session's own end, the JWT's.
      expiresAt:
        session.expires_at === undefined ? claims.exp * 1000 : Date.parse(session.expires_at),
      authenticationFactors: session.authentication_factors,
      customClaims,
    },
  }
}

/** The request's session from a sign-in or refresh answer: the same fields as `sessionFromClaims`. */
export function sessionFromResponse(
  member: WireMember,
  organization: WireOrganization,
  memberSession: WireMemberSession,
): SessionContext {
  return {
    member: {
      memberId: member.member_id,
      organizationId: member.organization_id,
      emailAddress: member.email_address,
      roles: [...memberSession.roles],
    },
    organization: {
      organizationId: organization.organization_id,
      organizationSlug: organization.organization_slug,
    },
    memberSession: {
      memberSessionId: memberSession.member_session_id,
      memberId: memberSession.member_id,
      organizationId: memberSession.organization_id,
      organizationSlug: memberSession.organization_slug,
      roles: [...memberSession.roles],
      startedAt: Date.parse(memberSession.started_at),
      lastAccessedAt: Date.parse(memberSession.last_accessed_at),
      expiresAt: Date.parse(memberSession.expires_at),
      authenticationFactors: memberSession.authentication_factors,
      customClaims: { ...(memberSession.custom_claims ?? {}) },
    },
  }
}

export function discoveredOrganizationsFrom(
  list: readonly WireDiscoveredOrganization[],
): AuthDiscoveredOrganization[] {
  const result: AuthDiscoveredOrganization[] = []
  for (const entry of list) {
    const organization = entry.organization
    if (!organization) continue
    result.push({
      organizationId: organization.organization_id,
      organizationName: organization.organization_name,
      organizationSlug: organization.organization_slug,
      organizationLogoUrl: organization.organization_logo_url,
      membershipType: entry.membership?.type ?? 'unknown',
      memberAuthenticated: entry.member_authenticated,
      primaryRequired: entry.primary_required?.allowed_auth_methods ?? null,
      mfaRequired: entry.mfa_required != null,
    })
  }
  return result
}

function emailOf(factors: readonly AuthenticationFactor[]): string {
  for (const factor of factors) {
    if (factor.email_factor?.email_address) return factor.email_factor.email_address
  }
  return ''
}
