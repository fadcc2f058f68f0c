// Storage contract of the local server (records + LocalStore) and its in-memory implementation.
import type { Member } from '../../wire/members.js'
import type { Organization } from '../../wire/organizations.js'
import type { AuthenticationFactor } from '../../wire/sessions.js'

/** A Member plus what the wire object does not carry. */
export interface MemberRecord {
  member: Member
  /** `email-test-<uuid>`: the member's email id, used as OTP `method_id` and in email factors. */
  emailId: string
  /** Lower-cased email (case-insensitive lookups). */
  emailKey: string
}

export interface SessionRecord {
  memberSessionId: string
  /** The opaque session token; kept because sessions/authenticate by JWT must return it. */
  token: string
  memberId: string
  organizationId: string
  startedAtMs: number
  lastAccessedAtMs: number
  expiresAtMs: number
  factors: AuthenticationFactor[]
  customClaims: Record<string, unknown>
}

export interface IntermediateSessionRecord {
  /** SHA-256 of the token: the token itself is never stored. */
  tokenHash: string
  emailAddress: string
  emailKey: string
  factors: AuthenticationFactor[]
  /** Organization an org-scoped flow tied this IST to. */
  organizationIdHint: string | null
  expiresAtMs: number
}

export interface OtpRecord {
  /** HMAC of the code bound to its slot; the code itself is never stored. */
  codeHash: string
  expiresAtMs: number
  used: boolean
}

/** Consecutive failed OTP attempts per email key, and the lock they caused. */
export interface AttemptRecord {
  failures: number
  lockCreatedAtMs: number | null
  lockExpiresAtMs: number | null
}

/**
 * Synchronous storage used by the local server. Every method is synchronous so a handler can
 * check and write without awaiting in between: that is what keeps slugs unique and codes and
 * ISTs single-use under concurrent requests. Records go in and out by value.
 */
export interface LocalStore {
  /** False (nothing written) when the slug or external id is already used, case-insensitively. */
  insertOrganization(organization: Organization): boolean
  /** False (nothing written) when the new slug or external id belongs to another organization. */
  updateOrganization(organization: Organization): boolean
  getOrganization(organizationId: string): Organization | undefined
  findOrganizationBySlug(slug: string): Organization | undefined
  findOrganizationByExternalId(externalId: string): Organization | undefined
  /** In creation order. */
  listOrganizations(): Organization[]

  /** False when the organization already has a member with this email key. */
  insertMember(record: MemberRecord): boolean
  updateMember(record: MemberRecord): void
  getMember(memberId: string): MemberRecord | undefined
  findMemberByEmail(organizationId: string, emailKey: string): MemberRecord | undefined
  /** Members of every organization with this email key, in creation order. */
  listMembersByEmail(emailKey: string): MemberRecord[]
  listMembersOfOrganization(organizationId: string): MemberRecord[]

  putSession(record: SessionRecord): void
  getSession(memberSessionId: string): SessionRecord | undefined
  findSessionByToken(token: string): SessionRecord | undefined
  deleteSession(memberSessionId: string): boolean
  listSessionsOfMember(memberId: string): SessionRecord[]

  putIntermediateSession(record: IntermediateSessionRecord): void
  getIntermediateSession(tokenHash: string): IntermediateSessionRecord | undefined
  deleteIntermediateSession(tokenHash: string): boolean

  /** Replaces whatever code the slot held: only the latest code of a slot is valid. */
  putOtp(slot: string, record: OtpRecord): void
  getOtp(slot: string): OtpRecord | undefined

  getAttempts(emailKey: string): AttemptRecord | undefined
  putAttempts(emailKey: string, record: AttemptRecord): void
  deleteAttempts(emailKey: string): void

  /**
   * Runs `fn` (one request's handler) as one transaction, for stores shared by processes; the
   * in-memory store needs none, as nothing can interleave with synchronous code.
   */
  transaction?<T>(fn: () => T): T
}

const copy = <T>(value: T): T => structuredClone(value)

/** In-memory LocalStore; data lives as long as the process. */
export function createMemoryStore(): LocalStore {
  const organizations = new Map<string, Organization>()
  const slugIndex = new Map<string, string>()
  const externalIdIndex = new Map<string, string>()
  const members = new Map<string, MemberRecord>()
  const sessions = new Map<string, SessionRecord>()
  const sessionTokens = new Map<string, string>()
  const intermediateSessions = new Map<string, IntermediateSessionRecord>()
  const otps = new Map<string, OtpRecord>()
  const attempts = new Map<string, AttemptRecord>()

  const takenBy = (index: Map<string, string>, key: string | null | undefined, id: string) => {
    if (key === null || key === undefined || key === '') return false
    const owner = index.get(key.toLowerCase())
    return owner !== undefined && owner !== id
  }
  const indexOrganization = (organization: Organization, previous?: Organization) => {
    if (previous !== undefined) {
      slugIndex.delete(previous.organization_slug.toLowerCase())
      if (previous.organization_external_id) {
        externalIdIndex.delete(previous.organization_external_id.toLowerCase())
      }
    }
    slugIndex.set(organization.organization_slug.toLowerCase(), organization.organization_id)
    if (organization.organization_external_id) {
      externalIdIndex.set(
        organization.organization_external_id.toLowerCase(),
        organization.organization_id,
      )
    }
  }
  const fits = (organization: Organization) =>
    !takenBy(slugIndex, organization.organization_slug, organization.organization_id) &&
    !takenBy(externalIdIndex, organization.organization_external_id, organization.organization_id)

  return {
    insertOrganization(organization) {
      if (organizations.has(organization.organization_id) || !fits(organization)) return false
      organizations.set(organization.organization_id, copy(organization))
      indexOrganization(organization)
      return true
    },
    updateOrganization(organization) {
      const previous = organizations.get(organization.organization_id)
      if (previous === undefined || !fits(organization)) return false
      organizations.set(organization.organization_id, copy(organization))
      indexOrganization(organization, previous)
      return true
    },
    getOrganization: (id) => {
      const found = organizations.get(id)
      return found && copy(found)
    },
    findOrganizationBySlug(slug) {
      const id = slugIndex.get(slug.toLowerCase())
      return id === undefined ? undefined : copy(organizations.get(id))
    },
    findOrganizationByExternalId(externalId) {
      const id = externalIdIndex.get(externalId.toLowerCase())
      return id === undefined ? undefined : copy(organizations.get(id))
    },
    listOrganizations: () => [...organizations.values()].map(copy),

    insertMember(record) {
      const clash = [...members.values()].some(
        (m) =>
          m.member.organization_id === record.member.organization_id &&
          m.emailKey === record.emailKey,
      )
      if (clash) return false
      members.set(record.member.member_id, copy(record))
      return true
    },
    updateMember(record) {
      members.set(record.member.member_id, copy(record))
    },
    getMember: (id) => {
      const found = members.get(id)
      return found && copy(found)
    },
    findMemberByEmail(organizationId, key) {
      for (const m of members.values()) {
        if (m.member.organization_id === organizationId && m.emailKey === key) return copy(m)
      }
      return undefined
    },
    listMembersByEmail: (key) => [...members.values()].filter((m) => m.emailKey === key).map(copy),
    listMembersOfOrganization: (organizationId) =>
      [...members.values()].filter((m) => m.member.organization_id === organizationId).map(copy),

    putSession(record) {
      const previous = sessions.get(record.memberSessionId)
      if (previous !== undefined) sessionTokens.delete(previous.token)
      sessions.set(record.memberSessionId, copy(record))
      sessionTokens.set(record.token, record.memberSessionId)
    },
    getSession: (id) => {
      const found = sessions.get(id)
      return found && copy(found)
    },
    findSessionByToken(token) {
      const id = sessionTokens.get(token)
      return id === undefined ? undefined : copy(sessions.get(id))
    },
    deleteSession(id) {
      const found = sessions.get(id)
      if (found === undefined) return false
      sessionTokens.delete(found.token)
      return sessions.delete(id)
    },
    listSessionsOfMember: (memberId) =>
      [...sessions.values()].filter((s) => s.memberId === memberId).map(copy),

    putIntermediateSession(record) {
      intermediateSessions.set(record.tokenHash, copy(record))
    },
    getIntermediateSession: (hash) => {
      const found = intermediateSessions.get(hash)
      return found && copy(found)
    },
    deleteIntermediateSession: (hash) => intermediateSessions.delete(hash),

    putOtp(slot, record) {
      otps.set(slot, copy(record))
    },
    getOtp: (slot) => {
      const found = otps.get(slot)
      return found && copy(found)
    },

    getAttempts: (key) => {
      const found = attempts.get(key)
      return found && copy(found)
    },
    putAttempts(key, record) {
      attempts.set(key, copy(record))
    },
    deleteAttempts(key) {
      attempts.delete(key)
    },
  }
}
