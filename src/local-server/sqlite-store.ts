// Durable LocalStore: one SQLite file per data dir (node-sqlite3-wasm), shared safely by processes.
import { accessSync, constants, existsSync, mkdirSync, rmdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Organization } from '../core/stytch-api/wire.js'
import { createFileLock, LockTimeoutError } from './file-lock.js'
import { emailKey } from './ids.js'
import type { KeyStorage, StoredSigningKey } from './keys.js'
import type { OutboxMessage, WritableOutbox } from './outbox.js'
import { MIGRATIONS, SCHEMA_VERSION } from './sqlite-schema.js'
import type { LocalStore } from './store.js'

/** File name of the database inside a data dir. */
export const DATABASE_FILE = 'local.db'
/** How long a request waits for another process's transaction before failing. */
const BUSY_TIMEOUT_MS = 5_000
const OUTBOX_LIMIT = 1000

export type LocalStoreErrorCode =
  | 'ERR_LOCAL_STORE_CORRUPT'
  | 'ERR_LOCAL_STORE_UNREADABLE'
  | 'ERR_LOCAL_STORE_TOO_NEW'
  | 'ERR_LOCAL_STORE_BUSY'
  | 'ERR_LOCAL_STORE_DRIVER'

/** The data dir cannot be used; the message says what to do. Branch on `code`. */
export class LocalStoreError extends Error {
  override name = 'LocalStoreError'
  readonly code: LocalStoreErrorCode
  constructor(code: LocalStoreErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause })
    this.code = code
  }
}

/** A LocalStore kept in `<dataDir>/local.db`, plus what the server keeps beside its records. */
export interface SqliteStore extends LocalStore {
  /** Absolute path of the database file. */
  readonly path: string
  transaction<T>(fn: () => T): T
  /** Signing keys (private keys included), for `createKeyRing`. */
  readonly keys: KeyStorage
  /** OTP emails, kept so that a code sent before a restart can still be read. */
  readonly outbox: WritableOutbox
  getSetting(name: string): string | undefined
  setSetting(name: string, value: string): void
  /** Closes the database; the store must not be used afterwards. */
  close(): void
}

type Driver = typeof import('node-sqlite3-wasm')
type Database = InstanceType<Driver['Database']>
type Row = Record<string, unknown>

async function loadDriver(): Promise<Driver> {
  try {
    const loaded = (await import('node-sqlite3-wasm')) as Driver & { default?: Driver }
    return loaded.default ?? loaded
  } catch (error) {
    throw new LocalStoreError(
      'ERR_LOCAL_STORE_DRIVER',
      'The durable local store needs the "node-sqlite3-wasm" package: run `npm install node-sqlite3-wasm`, or use the in-memory store',
      { cause: error },
    )
  }
}

const lower = (value: string | null | undefined) =>
  value === null || value === undefined || value === '' ? null : value.toLowerCase()

const parse = <T>(row: Row | null | undefined): T | undefined =>
  row === null || row === undefined ? undefined : (JSON.parse(String(row.json)) as T)

const parseAll = <T>(rows: Row[]): T[] => rows.map((row) => JSON.parse(String(row.json)) as T)

/**
 * Opens (creating it if needed) the store of `dataDir`, migrating its schema forward.
 * Refuses, with a LocalStoreError saying what to do, a file that is not a valid database, one
 * it cannot read or write, and one written by a newer version of this package: it never
 * replaces a developer's data.
 * @example const store = await openSqliteStore('.stytch-local')
 */
export async function openSqliteStore(dataDir: string): Promise<SqliteStore> {
  const dir = resolve(dataDir)
  const path = join(dir, DATABASE_FILE)
  const driver = await loadDriver()
  try {
    mkdirSync(dir, { recursive: true })
    if (existsSync(path)) accessSync(path, constants.R_OK | constants.W_OK)
    accessSync(dir, constants.R_OK | constants.W_OK)
  } catch (error) {
    throw new LocalStoreError(
      'ERR_LOCAL_STORE_UNREADABLE',
      `${path} cannot be read or written (${(error as NodeJS.ErrnoException).code}): fix the permissions of ${dir}, or pass another data dir`,
      { cause: error },
    )
  }
  const corrupt = (detail: string, cause?: unknown) =>
    new LocalStoreError(
      'ERR_LOCAL_STORE_CORRUPT',
      `${path} is not a valid database (${detail}): move it away or delete the folder ${dir} to start fresh`,
      { cause },
    )
  const lock = createFileLock(join(dir, `${DATABASE_FILE}.writer`), BUSY_TIMEOUT_MS)
  let db: Database | undefined
  let depth = 0

  /** Every use of the file happens under the lock (see file-lock.ts). */
  const locked = <T>(fn: () => T): T => {
    try {
      return lock.hold(() => {
        // Holding the lock, no other process is inside SQLite: a `<db>.lock` directory left
        // by the driver is then a SIGKILLed process's, and would block us forever.
        if (depth === 0) removeStaleDriverLock(path)
        return fn()
      })
    } catch (error) {
      if (error instanceof LockTimeoutError) {
        throw new LocalStoreError('ERR_LOCAL_STORE_BUSY', `${error.message}: try again`, {
          cause: error,
        })
      }
      throw error
    }
  }

  function transaction<T>(fn: () => T): T {
    if (depth > 0) return fn()
    const database = db as Database
    return locked(() => {
      database.exec('BEGIN IMMEDIATE')
      depth += 1
      let result: T
      try {
        result = fn()
      } catch (error) {
        depth -= 1
        // Like the in-memory store, what a handler wrote before it threw a Stytch error stays
        // (the failed-attempt counter before `otp_code_not_found`); a storage failure does not.
        if (error instanceof driver.SQLite3Error) database.exec('ROLLBACK')
        else database.exec('COMMIT')
        throw error
      }
      depth -= 1
      database.exec('COMMIT')
      return result
    })
  }

  locked(() => {
    try {
      db = new driver.Database(path)
    } catch (error) {
      throw corrupt((error as Error).message, error)
    }
    const database = db
    try {
      database.exec('PRAGMA synchronous = FULL')
      database.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`)
      const check = database.all('PRAGMA quick_check')
      const verdict = check.map((row) => String(Object.values(row)[0])).join('; ')
      if (verdict !== 'ok') throw corrupt(verdict)
    } catch (error) {
      database.close()
      if (error instanceof LocalStoreError) throw error
      throw corrupt((error as Error).message, error)
    }
    const version = Number(database.get('PRAGMA user_version')?.user_version ?? 0)
    if (version > SCHEMA_VERSION) {
      database.close()
      throw new LocalStoreError(
        'ERR_LOCAL_STORE_TOO_NEW',
        `${path} has schema version ${version}, newer than the ${SCHEMA_VERSION} this version of stytch-b2b-middleware knows: upgrade the package, or delete the folder ${dir} to start fresh`,
      )
    }
    for (let from = version; from < SCHEMA_VERSION; from += 1) {
      database.exec('BEGIN IMMEDIATE')
      try {
        database.exec(MIGRATIONS[from] as string)
        database.exec(`PRAGMA user_version = ${from + 1}`)
        database.exec('COMMIT')
      } catch (error) {
        database.exec('ROLLBACK')
        database.close()
        throw error
      }
    }
  })
  const database = db as Database
  const tx = transaction
  const get = (sql: string, values: unknown[] = []) =>
    tx(() => database.get(sql, values as never) as Row | null)
  const all = (sql: string, values: unknown[] = []) =>
    tx(() => database.all(sql, values as never) as Row[])
  const run = (sql: string, values: unknown[] = []) =>
    tx(() => database.run(sql, values as never).changes)

  const orgColumns = (organization: Organization) => [
    organization.organization_id,
    lower(organization.organization_slug),
    lower(organization.organization_external_id),
    JSON.stringify(organization),
  ]
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

  const keys: KeyStorage = {
    list: () =>
      tx(() => ({
        keys: all('SELECT kid, private_key_pem, jwk FROM signing_keys ORDER BY seq').map(
          (row): StoredSigningKey => ({
            kid: String(row.kid),
            privateKeyPem: String(row.private_key_pem),
            jwk: JSON.parse(String(row.jwk)),
          }),
        ),
        signingKid: getSetting('signing_kid') ?? null,
      })),
    add: (key) =>
      tx(() => {
        run('INSERT INTO signing_keys (kid, private_key_pem, jwk) VALUES (?, ?, ?)', [
          key.kid,
          key.privateKeyPem,
          JSON.stringify(key.jwk),
        ])
        setSetting('signing_kid', key.kid)
      }),
    remove: (kid, signingKid) =>
      tx(() => {
        run('DELETE FROM signing_keys WHERE kid = ?', [kid])
        if (signingKid !== null) setSetting('signing_kid', signingKid)
      }),
  }

  function getSetting(name: string): string | undefined {
    const row = get('SELECT value FROM meta WHERE key = ?', [name])
    return row === null ? undefined : String(row.value)
  }
  function setSetting(name: string, value: string): void {
    run(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      [name, value],
    )
  }

  const listOutbox = (filter: { emailAddress?: string | undefined } = {}): OutboxMessage[] =>
    filter.emailAddress === undefined
      ? parseAll(all('SELECT json FROM outbox ORDER BY seq DESC'))
      : parseAll(
          all('SELECT json FROM outbox WHERE email_key = ? ORDER BY seq DESC', [
            emailKey(filter.emailAddress),
          ]),
        )
  const outbox: WritableOutbox = {
    list: listOutbox,
    latest: (emailAddress, kind) =>
      listOutbox({ emailAddress }).find((message) => kind === undefined || message.kind === kind),
    clear: () => {
      run('DELETE FROM outbox')
    },
    push: (message) =>
      tx(() => {
        run('INSERT INTO outbox (email_key, json) VALUES (?, ?)', [
          emailKey(message.to),
          JSON.stringify(message),
        ])
        run('DELETE FROM outbox WHERE seq <= (SELECT max(seq) FROM outbox) - ?', [OUTBOX_LIMIT])
      }),
  }

  return {
    path,
    transaction,
    keys,
    outbox,
    getSetting,
    setSetting,
    close() {
      database.close()
      lock.close()
    },

    insertOrganization: (organization) =>
      tx(() => {
        if (
          get('SELECT 1 AS found FROM organizations WHERE id = ?', [organization.organization_id])
        ) {
          return false
        }
        if (!fits(organization)) return false
        run(
          'INSERT INTO organizations (id, slug_key, external_key, json) VALUES (?, ?, ?, ?)',
          orgColumns(organization),
        )
        return true
      }),
    updateOrganization: (organization) =>
      tx(() => {
        if (
          !get('SELECT 1 AS found FROM organizations WHERE id = ?', [organization.organization_id])
        ) {
          return false
        }
        if (!fits(organization)) return false
        const [id, slug, external, json] = orgColumns(organization)
        run('UPDATE organizations SET slug_key = ?, external_key = ?, json = ? WHERE id = ?', [
          slug,
          external,
          json,
          id,
        ])
        return true
      }),
    getOrganization: (id) => parse(get('SELECT json FROM organizations WHERE id = ?', [id])),
    findOrganizationBySlug: (slug) =>
      parse(
        get('SELECT json FROM organizations WHERE slug_key = ? ORDER BY seq DESC LIMIT 1', [
          lower(slug),
        ]),
      ),
    findOrganizationByExternalId: (externalId) =>
      parse(
        get('SELECT json FROM organizations WHERE external_key = ? ORDER BY seq DESC LIMIT 1', [
          lower(externalId),
        ]),
      ),
    listOrganizations: () => parseAll(all('SELECT json FROM organizations ORDER BY seq')),

    insertMember: (record) =>
      tx(() => {
        const clash = get(
          'SELECT 1 AS found FROM members WHERE organization_id = ? AND email_key = ?',
          [record.member.organization_id, record.emailKey],
        )
        if (clash) return false
        upsertMember(record)
        return true
      }),
    updateMember: (record) => upsertMember(record),
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
      run(
        `INSERT INTO sessions (id, token, member_id, json) VALUES (?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET token = excluded.token, member_id = excluded.member_id,
        json = excluded.json`,
        [record.memberSessionId, record.token, record.memberId, JSON.stringify(record)],
      )
    },
    getSession: (id) => parse(get('SELECT json FROM sessions WHERE id = ?', [id])),
    findSessionByToken: (token) =>
      parse(get('SELECT json FROM sessions WHERE token = ? ORDER BY seq DESC LIMIT 1', [token])),
    deleteSession: (id) => run('DELETE FROM sessions WHERE id = ?', [id]) > 0,
    listSessionsOfMember: (memberId) =>
      parseAll(all('SELECT json FROM sessions WHERE member_id = ? ORDER BY seq', [memberId])),

    putIntermediateSession: (record) => {
      put('intermediate_sessions', 'token_hash', record.tokenHash, record)
    },
    getIntermediateSession: (hash) =>
      parse(get('SELECT json FROM intermediate_sessions WHERE token_hash = ?', [hash])),
    deleteIntermediateSession: (hash) =>
      run('DELETE FROM intermediate_sessions WHERE token_hash = ?', [hash]) > 0,

    putOtp: (slot, record) => {
      put('otps', 'slot', slot, record)
    },
    getOtp: (slot) => parse(get('SELECT json FROM otps WHERE slot = ?', [slot])),

    getAttempts: (key) => parse(get('SELECT json FROM attempts WHERE email_key = ?', [key])),
    putAttempts: (key, record) => {
      put('attempts', 'email_key', key, record)
    },
    deleteAttempts: (key) => {
      run('DELETE FROM attempts WHERE email_key = ?', [key])
    },
  }

  function upsertMember(record: Parameters<LocalStore['updateMember']>[0]): void {
    run(
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
  /** Table and column names are constants of this file, never input. */
  function put(table: string, keyColumn: string, key: string, record: unknown): void {
    run(
      `INSERT INTO ${table} (${keyColumn}, json) VALUES (?, ?)
      ON CONFLICT (${keyColumn}) DO UPDATE SET json = excluded.json`,
      [key, JSON.stringify(record)],
    )
  }
}

function removeStaleDriverLock(path: string): void {
  try {
    rmdirSync(`${path}.lock`)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
}
