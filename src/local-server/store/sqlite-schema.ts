// Tables of the durable local store and their forward migrations, versioned by PRAGMA user_version.

/**
 * `MIGRATIONS[n]` takes a database from schema version n to n + 1. Append only: never edit a
 * migration that has shipped, since developers' data dirs already ran it.
 * Records are JSON; the columns beside them are the keys the LocalStore looks up by. `seq`
 * (INTEGER PRIMARY KEY) keeps creation order: an upsert on `id` leaves it unchanged, exactly
 * like re-setting a key of the in-memory store's Map.
 */
export const MIGRATIONS: readonly string[] = [
  // 0 -> 1: organizations, members, sessions, ISTs, codes, lock counters, signing keys, settings.
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE organizations (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, slug_key TEXT, external_key TEXT,
    json TEXT NOT NULL);
  CREATE INDEX organizations_slug ON organizations (slug_key);
  CREATE INDEX organizations_external ON organizations (external_key);
  CREATE TABLE members (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, organization_id TEXT NOT NULL,
    email_key TEXT NOT NULL, json TEXT NOT NULL);
  CREATE INDEX members_email ON members (email_key, organization_id);
  CREATE INDEX members_organization ON members (organization_id);
  CREATE TABLE sessions (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, token TEXT NOT NULL,
    member_id TEXT NOT NULL, json TEXT NOT NULL);
  CREATE INDEX sessions_token ON sessions (token);
  CREATE INDEX sessions_member ON sessions (member_id);
  CREATE TABLE intermediate_sessions (token_hash TEXT PRIMARY KEY, json TEXT NOT NULL);
  CREATE TABLE otps (slot TEXT PRIMARY KEY, json TEXT NOT NULL);
  CREATE TABLE attempts (email_key TEXT PRIMARY KEY, json TEXT NOT NULL);
  CREATE TABLE signing_keys (
    seq INTEGER PRIMARY KEY, kid TEXT NOT NULL UNIQUE, private_key_pem TEXT NOT NULL,
    jwk TEXT NOT NULL);`,
  // 1 -> 2: the outbox, so that a code sent just before a restart can still be read.
  `CREATE TABLE outbox (seq INTEGER PRIMARY KEY, email_key TEXT NOT NULL, json TEXT NOT NULL);
  CREATE INDEX outbox_email ON outbox (email_key);`,
  // 2 -> 3: second factors per member (TOTP registration, recovery codes).
  'CREATE TABLE mfa (member_id TEXT PRIMARY KEY, json TEXT NOT NULL);',
]

/** The schema version this package writes. */
export const SCHEMA_VERSION = MIGRATIONS.length
