// Storage contract of the local server: the records, one interface per kind of record, LocalStore.
import type { Jwk } from '../../wire/jwt.js'
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
  /** HMAC of the code bound to its purpose; the code itself is never stored. */
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

/** A signing key as a store keeps it: the private key as PKCS #8 PEM, the JWK as published. */
export interface StoredSigningKey {
  kid: string
  privateKeyPem: string
  jwk: Jwk
}

/** A member's TOTP registration; the secret is sealed (see domain/mfa-secrets.ts). */
export interface TotpRegistrationRecord {
  registrationId: string
  sealedSecret: string
  /** When a never-authenticated registration stops working; null once authenticated. */
  expiresAtMs: number | null
  /** The last 30-second step a code was accepted for: no code is accepted twice. */
  lastUsedStep: number | null
}

/** A member's second factors besides the phone number (which the Member object carries). */
export interface MfaRecord {
  totp: TotpRegistrationRecord | null
  /** Unused recovery codes, sealed: GET recovery_codes shows them again, so no one-way hash. */
  sealedRecoveryCodes: string[]
}

/** One email or SMS that would have been sent. */
export interface OutboxMessage {
  /** Recipient, as the request spelled it: an email address, or an E.164 number for `sms`. */
  to: string
  /** `sms` for SMS codes; the other kinds are emails. */
  kind: 'login' | 'signup' | 'discovery' | 'sms'
  /** The 6-digit one-time passcode. */
  code: string
  organization_id: string | null
  /** RFC 3339. */
  sent_at: string
}

/** Messages a store keeps, newest first, so that a long-running dev server does not grow forever. */
export const OUTBOX_LIMIT = 1000

export interface OrganizationStore {
  /** False (nothing written) when the slug or external id is already used, case-insensitively. */
  insertOrganization(organization: Organization): boolean
  /** False (nothing written) when the new slug or external id belongs to another organization. */
  updateOrganization(organization: Organization): boolean
  getOrganization(organizationId: string): Organization | undefined
  findOrganizationBySlug(slug: string): Organization | undefined
  findOrganizationByExternalId(externalId: string): Organization | undefined
  /** In creation order. */
  listOrganizations(): Organization[]
  /**
   * Removes the organization together with its members and their sessions (Stytch deletes an
   * organization's members with it). False when there is no such organization.
   */
  deleteOrganization(organizationId: string): boolean
}

export interface MemberStore {
  /** False when the organization already has a member with this email key. */
  insertMember(record: MemberRecord): boolean
  updateMember(record: MemberRecord): void
  getMember(memberId: string): MemberRecord | undefined
  findMemberByEmail(organizationId: string, emailKey: string): MemberRecord | undefined
  /** Members of every organization with this email key, in creation order. */
  listMembersByEmail(emailKey: string): MemberRecord[]
  listMembersOfOrganization(organizationId: string): MemberRecord[]
}

export interface SessionStore {
  putSession(record: SessionRecord): void
  getSession(memberSessionId: string): SessionRecord | undefined
  findSessionByToken(token: string): SessionRecord | undefined
  deleteSession(memberSessionId: string): boolean
  listSessionsOfMember(memberId: string): SessionRecord[]
}

export interface IntermediateSessionStore {
  putIntermediateSession(record: IntermediateSessionRecord): void
  getIntermediateSession(tokenHash: string): IntermediateSessionRecord | undefined
  deleteIntermediateSession(tokenHash: string): boolean
}

/** Codes per slot (the domain uses one slot per email key) and failed-attempt counters per email key. */
export interface OtpStore {
  /** Replaces whatever code the slot held: only the latest code of a slot is valid. */
  putOtp(slot: string, record: OtpRecord): void
  getOtp(slot: string): OtpRecord | undefined
  getAttempts(emailKey: string): AttemptRecord | undefined
  putAttempts(emailKey: string, record: AttemptRecord): void
  deleteAttempts(emailKey: string): void
}

/** Second factors per member id. */
export interface MfaStore {
  getMfa(memberId: string): MfaRecord | undefined
  putMfa(memberId: string, record: MfaRecord): void
}

/** What a server remembers between starts: project id, secret, OTP key. */
export interface SettingStore {
  getSetting(name: string): string | undefined
  setSetting(name: string, value: string): void
}

/** Published keys, oldest first, and the kid that signs new JWTs. */
export interface SigningKeyStore {
  listSigningKeys(): { keys: StoredSigningKey[]; signingKid: string | null }
  /** Adds a key, which signs from now on. */
  addSigningKey(key: StoredSigningKey): void
  /** Removes the key and makes `signingKid` sign. */
  removeSigningKey(kid: string, signingKid: string): void
}

export interface OutboxStore {
  /**
   * Keeps the message under the recipient's key (email key, or the E.164 number of an SMS),
   * dropping the oldest past OUTBOX_LIMIT.
   */
  pushOutboxMessage(emailKey: string, message: OutboxMessage): void
  /** Newest first; only those sent to that recipient key when given. */
  listOutboxMessages(emailKey?: string | undefined): OutboxMessage[]
  clearOutbox(): void
}

/**
 * Synchronous storage used by the local server. Every method is synchronous so a handler can
 * check and write without awaiting in between: that is what keeps slugs unique and codes and
 * ISTs single-use under concurrent requests. Records go in and out by value.
 */
export interface LocalStore
  extends OrganizationStore,
    MemberStore,
    SessionStore,
    IntermediateSessionStore,
    OtpStore,
    MfaStore,
    SettingStore,
    SigningKeyStore,
    OutboxStore {
  /**
   * Runs `fn` (one request's handler) as one transaction and returns its result. A store shared
   * by processes takes its write lock here; the in-memory store just runs `fn`, since nothing
   * can interleave with synchronous code. What `fn` wrote before it threw stays (the failed-attempt
   * counter before `otp_code_not_found`); only a storage failure rolls back.
   */
  transaction<T>(fn: () => T): T
}
