// In-memory LocalStore: every kind of record in Maps, gone when the process exits.
import type { Organization } from '../../wire/organizations.js'
import {
  type AttemptRecord,
  type IntermediateSessionRecord,
  type LocalStore,
  type MemberRecord,
  type MfaRecord,
  type OtpRecord,
  OUTBOX_LIMIT,
  type OutboxMessage,
  type SessionRecord,
  type StoredSigningKey,
} from './local-store.js'

const copy = <T>(value: T): T => structuredClone(value)
const found = <T>(value: T | undefined): T | undefined =>
  value === undefined ? undefined : copy(value)

/**
 * In-memory LocalStore; data lives as long as the process. Passed to several servers in turn, it
 * is used as a data dir is: they share records, signing keys, the outbox and settings.
 * @example const store = createMemoryStore(); await startLocalServer({ store })
 */
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
  const mfa = new Map<string, MfaRecord>()
  const settings = new Map<string, string>()
  const signingKeys: StoredSigningKey[] = []
  let signingKid: string | null = null
  const outbox: { emailKey: string; message: OutboxMessage }[] = []

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
  const byIndex = (index: Map<string, string>, key: string) => {
    const id = index.get(key.toLowerCase())
    return id === undefined ? undefined : found(organizations.get(id))
  }
  const membersWhere = (keep: (record: MemberRecord) => boolean) =>
    [...members.values()].filter(keep).map(copy)
  const inOrganization = (organizationId: string, key: string) => (m: MemberRecord) =>
    m.member.organization_id === organizationId && m.emailKey === key

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
    getOrganization: (id) => found(organizations.get(id)),
    findOrganizationBySlug: (slug) => byIndex(slugIndex, slug),
    findOrganizationByExternalId: (externalId) => byIndex(externalIdIndex, externalId),
    listOrganizations: () => [...organizations.values()].map(copy),
    deleteOrganization(id) {
      const organization = organizations.get(id)
      if (organization === undefined) return false
      for (const member of [...members.values()]) {
        if (member.member.organization_id !== id) continue
        for (const session of [...sessions.values()]) {
          if (session.memberId !== member.member.member_id) continue
          sessionTokens.delete(session.token)
          sessions.delete(session.memberSessionId)
        }
        members.delete(member.member.member_id)
      }
      slugIndex.delete(organization.organization_slug.toLowerCase())
      if (organization.organization_external_id) {
        externalIdIndex.delete(organization.organization_external_id.toLowerCase())
      }
      return organizations.delete(id)
    },

    insertMember(record) {
      const sameEmail = inOrganization(record.member.organization_id, record.emailKey)
      if ([...members.values()].some(sameEmail)) return false
      members.set(record.member.member_id, copy(record))
      return true
    },
    updateMember(record) {
      members.set(record.member.member_id, copy(record))
    },
    getMember: (id) => found(members.get(id)),
    findMemberByEmail: (organizationId, key) =>
      found([...members.values()].find(inOrganization(organizationId, key))),
    listMembersByEmail: (key) => membersWhere((m) => m.emailKey === key),
    listMembersOfOrganization: (organizationId) =>
      membersWhere((m) => m.member.organization_id === organizationId),

    putSession(record) {
      const previous = sessions.get(record.memberSessionId)
      if (previous !== undefined) sessionTokens.delete(previous.token)
      sessions.set(record.memberSessionId, copy(record))
      sessionTokens.set(record.token, record.memberSessionId)
    },
    getSession: (id) => found(sessions.get(id)),
    findSessionByToken(token) {
      const id = sessionTokens.get(token)
      return id === undefined ? undefined : found(sessions.get(id))
    },
    deleteSession(id) {
      const session = sessions.get(id)
      if (session === undefined) return false
      sessionTokens.delete(session.token)
      return sessions.delete(id)
    },
    listSessionsOfMember: (memberId) =>
      [...sessions.values()].filter((s) => s.memberId === memberId).map(copy),

    putIntermediateSession(record) {
      intermediateSessions.set(record.tokenHash, copy(record))
    },
    getIntermediateSession: (hash) => found(intermediateSessions.get(hash)),
    deleteIntermediateSession: (hash) => intermediateSessions.delete(hash),

    putOtp(slot, record) {
      otps.set(slot, copy(record))
    },
    getOtp: (slot) => found(otps.get(slot)),
    getAttempts: (key) => found(attempts.get(key)),
    putAttempts(key, record) {
      attempts.set(key, copy(record))
    },
    deleteAttempts(key) {
      attempts.delete(key)
    },

    getMfa: (memberId) => found(mfa.get(memberId)),
    putMfa(memberId, record) {
      mfa.set(memberId, copy(record))
    },

    getSetting: (name) => settings.get(name),
    setSetting(name, value) {
      settings.set(name, value)
    },

    listSigningKeys: () => ({ keys: signingKeys.map(copy), signingKid }),
    addSigningKey(key) {
      signingKeys.push(copy(key))
      signingKid = key.kid
    },
    removeSigningKey(kid, next) {
      const index = signingKeys.findIndex((key) => key.kid === kid)
      if (index !== -1) signingKeys.splice(index, 1)
      signingKid = next
    },

    pushOutboxMessage(emailKey, message) {
      outbox.push({ emailKey, message: copy(message) })
      if (outbox.length > OUTBOX_LIMIT) outbox.shift()
    },
    listOutboxMessages: (emailKey) =>
      outbox
        .filter((entry) => emailKey === undefined || entry.emailKey === emailKey)
        .map((entry) => copy(entry.message))
        .reverse(),
    clearOutbox() {
      outbox.length = 0
    },

    transaction: (fn) => fn(),
  }
}
