// Durable LocalStore: one SQLite file per data dir (libsql, WAL), shared safely by processes.
import type { Organization } from '../../wire/organizations.js'
import {
  type LocalStore,
  type MemberRecord,
  OUTBOX_LIMIT,
  type StoredSigningKey,
} from './local-store.js'
import { openDatabase, pagesOf, type Row } from './sqlite-open.js'
import { createTransactions } from './sqlite-transactions.js'

export interface SqliteStoreOptions {
  /**
   * Where the one line per storage fault goes (disk full, data dir deleted, busy), and the line
   * saying writes work again. @default a line on stderr
   */
  log?: ((line: string) => void) | undefined
  /** Caps the file from the start, as `limitSize` does. @default no cap but the disk's */
  maxBytes?: number | undefined
}

/** A LocalStore kept in `<dataDir>/local.db`. */
export interface SqliteStore extends LocalStore {
  /** Absolute path of the database file. */
  readonly path: string
  /**
   * Caps the database at about `bytes` (SQLite's `max_page_count`, this connection only): a
   * write past it fails exactly as on a full disk. `undefined` lifts the cap. For trying how an
   * app behaves when the disk fills up.
   */
  limitSize(bytes: number | undefined): void
  /** Closes the database; the store must not be used afterwards. */
  close(): void
}

interface Statement {
  get(...values: unknown[]): unknown
  all(...values: unknown[]): unknown[]
  run(...values: unknown[]): { changes: number }
}

const lower = (value: string | null | undefined) =>
  value === null || value === undefined || value === '' ? null : value.toLowerCase()

const parse = <T>(row: Row | null | undefined): T | undefined =>
  row === null || row === undefined ? undefined : (JSON.parse(String(row.json)) as T)

const parseAll = <T>(rows: Row[]): T[] => rows.map((row) => JSON.parse(String(row.json)) as T)

/** SQLite's own ceiling (what max_page_count is before any cap). */
const UNCAPPED_PAGES = 0xfffffffe

/**
 * Opens (creating it if needed) the store of `dataDir`, migrating its schema forward.
 * Refuses, with a LocalStoreError saying what to do, a file that is not a valid database, one
 * it cannot read or write, and one written by a newer version of this package: it never
 * deletes or replaces a developer's data.
 * @example const store = await openSqliteStore('.stytch-local')
 */
export async function openSqliteStore(
  dataDir: string,
  options: SqliteStoreOptions = {},
): Promise<SqliteStore> {
  const opened = await openDatabase(dataDir, options.maxBytes)
  const { database, path } = opened
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`))
  const { transaction, read } = createTransactions(opened, log)

  const statements = new Map<string, Statement>()
  const prepare = (sql: string) => {
    let statement = statements.get(sql)
    if (statement === undefined) {
      statement = database.prepare(sql) as Statement
      statements.set(sql, statement)
    }
    return statement
  }
  const get = (sql: string, values: unknown[] = []) =>
    read(() => (prepare(sql).get(...values) as Row | undefined) ?? null)
  const all = (sql: string, values: unknown[] = []) =>
    read(() => prepare(sql).all(...values) as Row[])
  const change = (sql: string, values: unknown[] = []) =>
    transaction(() => prepare(sql).run(...values).changes)
  /** Table and column names are constants of this file, never input. */
  const put = (table: string, keyColumn: string, key: string, record: unknown) => {
    change(
      `INSERT INTO ${table} (${keyColumn}, json) VALUES (?, ?)
      ON CONFLICT (${keyColumn}) DO UPDATE SET json = excluded.json`,
      [key, JSON.stringify(record)],
    )
  }
  const upsertMember = (record: MemberRecord) => {
    change(
      `INSERT INTO members (id, organization_id, email_key, json) VALUES (?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET organization_id = excluded.organization_id,
      email_key = excluded.email_key, json = excluded.json`,
      [
        record.member.member_id,
        record.member.organization_id,
        record.emailKey,
        JSON.stringify(record),
      ],
    )
  }

  const orgColumns = (organization: Organization) => [
    organization.organization_id,
    lower(organization.organization_slug),
    lower(organization.organization_external_id),
    JSON.stringify(organization),
  ]
  const orgExists = (id: string) => get('SELECT 1 AS found FROM organizations WHERE id = ?', [id])
  /** Slug and external id free for this organization (case-insensitive), like the memory store. */
  const fits = (organization: Organization) => {
    const [id, slug, external] = orgColumns(organization)
    return (
      get(
        'SELECT 1 AS taken FROM organizations WHERE id <> ? AND (slug_key = ? OR external_key = ?)',
        [id, slug, external],
      ) === null
    )
  }
  const orgWhere = (column: 'slug_key' | 'external_key', value: string) =>
    parse<Organization>(
      get(`SELECT json FROM organizations WHERE ${column} = ? ORDER BY seq DESC LIMIT 1`, [
        lower(value),
      ]),
    )

  function getSetting(name: string): string | undefined {
    const row = get('SELECT value FROM meta WHERE key = ?', [name])
    return row === null ? undefined : String(row.value)
  }
  function setSetting(name: string, value: string): void {
    change(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      [name, value],
    )
  }

  return {
    path,
    limitSize(bytes) {
      database.pragma(`max_page_count = ${bytes === undefined ? UNCAPPED_PAGES : pagesOf(bytes)}`)
    },
    close() {
      statements.clear()
      database.close()
    },
    transaction,

    insertOrganization: (organization) =>
      transaction(() => {
        if (orgExists(organization.organization_id) || !fits(organization)) return false
        change(
          'INSERT INTO organizations (id, slug_key, external_key, json) VALUES (?, ?, ?, ?)',
          orgColumns(organization),
        )
        return true
      }),
    updateOrganization: (organization) =>
      transaction(() => {
        if (!orgExists(organization.organization_id) || !fits(organization)) return false
        const [id, slug, external, json] = orgColumns(organization)
        change('UPDATE organizations SET slug_key = ?, external_key = ?, json = ? WHERE id = ?', [
          slug,
          external,
          json,
          id,
        ])
        return true
      }),
    getOrganization: (id) => parse(get('SELECT json FROM organizations WHERE id = ?', [id])),
    findOrganizationBySlug: (slug) => orgWhere('slug_key', slug),
    findOrganizationByExternalId: (externalId) => orgWhere('external_key', externalId),
    listOrganizations: () => parseAll(all('SELECT json FROM organizations ORDER BY seq')),
    deleteOrganization: (id) =>
      transaction(() => {
        change(
          'DELETE FROM sessions WHERE member_id IN (SELECT id FROM members WHERE organization_id = ?)',
          [id],
        )
        change('DELETE FROM members WHERE organization_id = ?', [id])
        return change('DELETE FROM organizations WHERE id = ?', [id]) > 0
      }),

    insertMember: (record) =>
      transaction(() => {
        const clash = get(
          'SELECT 1 AS found FROM members WHERE organization_id = ? AND email_key = ?',
          [record.member.organization_id, record.emailKey],
        )
        if (clash) return false
        upsertMember(record)
        return true
      }),
    updateMember: upsertMember,
    getMember: (id) => parse(get('SELECT json FROM members WHERE id = ?', [id])),
    findMemberByEmail: (organizationId, key) =>
      parse(
        get(
          'SELECT json FROM members WHERE organization_id = ? AND email_key = ? ORDER BY seq LIMIT 1',
          [organizationId, key],
        ),
      ),
    listMembersByEmail: (key) =>
      parseAll(all('SELECT json FROM members WHERE email_key = ? ORDER BY seq', [key])),
    listMembersOfOrganization: (organizationId) =>
      parseAll(
        all('SELECT json FROM members WHERE organization_id = ? ORDER BY seq', [organizationId]),
      ),

    putSession: (record) => {
      change(
        `INSERT INTO sessions (id, token, member_id, json) VALUES (?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET token = excluded.token, member_id = excluded.member_id,
        json = excluded.json`,
        [record.memberSessionId, record.token, record.memberId, JSON.stringify(record)],
      )
    },
    getSession: (id) => parse(get('SELECT json FROM sessions WHERE id = ?', [id])),
    findSessionByToken: (token) =>
      parse(get('SELECT json FROM sessions WHERE token = ? ORDER BY seq DESC LIMIT 1', [token])),
    deleteSession: (id) => change('DELETE FROM sessions WHERE id = ?', [id]) > 0,
    listSessionsOfMember: (memberId) =>
      parseAll(all('SELECT json FROM sessions WHERE member_id = ? ORDER BY seq', [memberId])),

    putIntermediateSession: (record) =>
      put('intermediate_sessions', 'token_hash', record.tokenHash, record),
    getIntermediateSession: (hash) =>
      parse(get('SELECT json FROM intermediate_sessions WHERE token_hash = ?', [hash])),
    deleteIntermediateSession: (hash) =>
      change('DELETE FROM intermediate_sessions WHERE token_hash = ?', [hash]) > 0,

    putOtp: (slot, record) => put('otps', 'slot', slot, record),
    getOtp: (slot) => parse(get('SELECT json FROM otps WHERE slot = ?', [slot])),
    getAttempts: (key) => parse(get('SELECT json FROM attempts WHERE email_key = ?', [key])),
    putAttempts: (key, record) => put('attempts', 'email_key', key, record),
    deleteAttempts: (key) => {
      change('DELETE FROM attempts WHERE email_key = ?', [key])
    },

    getMfa: (memberId) => parse(get('SELECT json FROM mfa WHERE member_id = ?', [memberId])),
    putMfa: (memberId, record) => put('mfa', 'member_id', memberId, record),

    getSetting,
    setSetting,

    listSigningKeys: () =>
      read(() => ({
        keys: all('SELECT kid, private_key_pem, jwk FROM signing_keys ORDER BY seq').map(
          (row): StoredSigningKey => ({
            kid: String(row.kid),
            privateKeyPem: String(row.private_key_pem),
            jwk: JSON.parse(String(row.jwk)),
          }),
        ),
        signingKid: getSetting('signing_kid') ?? null,
      })),
    addSigningKey: (key) =>
      transaction(() => {
        change('INSERT INTO signing_keys (kid, private_key_pem, jwk) VALUES (?, ?, ?)', [
          key.kid,
          key.privateKeyPem,
          JSON.stringify(key.jwk),
        ])
        setSetting('signing_kid', key.kid)
      }),
    removeSigningKey: (kid, signingKid) =>
      transaction(() => {
        change('DELETE FROM signing_keys WHERE kid = ?', [kid])
        setSetting('signing_kid', signingKid)
      }),

    pushOutboxMessage: (emailKey, message) =>
      transaction(() => {
        change('INSERT INTO outbox (email_key, json) VALUES (?, ?)', [
          emailKey,
          JSON.stringify(message),
        ])
        change('DELETE FROM outbox WHERE seq <= (SELECT max(seq) FROM outbox) - ?', [OUTBOX_LIMIT])
      }),
    listOutboxMessages: (emailKey) =>
      parseAll(
        emailKey === undefined
          ? all('SELECT json FROM outbox ORDER BY seq DESC')
          : all('SELECT json FROM outbox WHERE email_key = ? ORDER BY seq DESC', [emailKey]),
      ),
    clearOutbox: () => {
      change('DELETE FROM outbox')
    },
  }
}
