// Durable LocalStore: one SQLite file per data dir (libsql, WAL), shared safely by processes.
import { mkdirSync, type Stats, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Organization } from '../../wire/organizations.js'
import { StytchHttpError } from '../domain/errors.js'
import { emailKey } from '../domain/ids.js'
import type { OutboxMessage, WritableOutbox } from '../domain/outbox.js'
import type { KeyStorage, StoredSigningKey } from '../signing/signing-keys.js'
import type { LocalStore } from './local-store.js'
import { MIGRATIONS, SCHEMA_VERSION } from './sqlite-schema.js'

/** File name of the database inside a data dir. */
export const DATABASE_FILE = 'local.db'
/** How long a request waits for another process's transaction before answering busy. */
const BUSY_TIMEOUT_MS = 5_000
const OUTBOX_LIMIT = 1000
const DRIVER = 'libsql'

export type LocalStoreErrorCode =
  | 'ERR_LOCAL_STORE_CORRUPT'
  | 'ERR_LOCAL_STORE_UNREADABLE'
  | 'ERR_LOCAL_STORE_FULL'
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

export interface SqliteStoreOptions {
  /**
   * Where the one line per storage fault goes (disk full, data dir deleted, busy), and the line
   * saying writes work again. @default a line on stderr
   */
  log?: ((line: string) => void) | undefined
  /** Caps the file from the start, as `limitSize` does. @default no cap but the disk's */
  maxBytes?: number | undefined
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
  /**
   * Caps the database at about `bytes` (SQLite's `max_page_count`, this connection only): a
   * write past it fails exactly as on a full disk. `undefined` lifts the cap. For trying how an
   * app behaves when the disk fills up.
   */
  limitSize(bytes: number | undefined): void
  /** Closes the database; the store must not be used afterwards. */
  close(): void
}

const opened = new WeakSet<SqliteStore>()

/** True for a store returned by `openSqliteStore`. */
export const isSqliteStore = (store: unknown): store is SqliteStore =>
  typeof store === 'object' && store !== null && opened.has(store as SqliteStore)

type Driver = typeof import('libsql')
type Database = InstanceType<Driver>
interface Statement {
  get(...values: unknown[]): unknown
  all(...values: unknown[]): unknown[]
  run(...values: unknown[]): { changes: number }
}
type Row = Record<string, unknown>

async function loadDriver(): Promise<Driver> {
  try {
    const loaded = (await import(DRIVER)) as Driver & { default?: Driver }
    return loaded.default ?? loaded
  } catch (error) {
    throw new LocalStoreError(
      'ERR_LOCAL_STORE_DRIVER',
      `Keeping the local server's data in a folder needs the "${DRIVER}" package (development only): run \`npm install --save-dev ${DRIVER}\`, or keep the data in memory (\`--memory\`, or \`localDataDir: false\`)`,
      { cause: error },
    )
  }
}

const lower = (value: string | null | undefined) =>
  value === null || value === undefined || value === '' ? null : value.toLowerCase()

const parse = <T>(row: Row | null | undefined): T | undefined =>
  row === null || row === undefined ? undefined : (JSON.parse(String(row.json)) as T)

const parseAll = <T>(rows: Row[]): T[] => rows.map((row) => JSON.parse(String(row.json)) as T)

const codeOf = (error: unknown) => String((error as { code?: unknown }).code ?? '')
const isFull = (error: unknown) => codeOf(error) === 'SQLITE_FULL' || codeOf(error) === 'ENOSPC'
const isBusy = (error: unknown) => codeOf(error).startsWith('SQLITE_BUSY')
const isCorrupt = (error: unknown) =>
  codeOf(error).startsWith('SQLITE_CORRUPT') || codeOf(error) === 'SQLITE_NOTADB'

/** The file system or another process refused, not our SQL: worth a 503 and a retry. */
const isStorageFault = (error: unknown) =>
  isFull(error) ||
  isBusy(error) ||
  /^SQLITE_(IOERR|READONLY|CANTOPEN|PERM|LOCKED)/.test(codeOf(error))

/** What a storage fault is, for the one log line and the 503 answer. */
interface Fault {
  kind: 'full' | 'gone' | 'busy' | 'io'
  /** Log line: what is wrong and what to do. */
  log: string
  /** The 503 `error_message`: no path, no SQL. */
  message: string
}

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
  const dir = resolve(dataDir)
  const path = join(dir, DATABASE_FILE)
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`))
  const Database = await loadDriver()
  const full = (cause: unknown) =>
    new LocalStoreError(
      'ERR_LOCAL_STORE_FULL',
      `No space left to create or update ${path}: free some disk space (or pass another data dir), then start again`,
      { cause },
    )
  const unusable = (detail: string, cause?: unknown) =>
    new LocalStoreError(
      'ERR_LOCAL_STORE_UNREADABLE',
      `${path} cannot be opened for reading and writing (${detail}): fix the permissions of ${dir} or pass another data dir`,
      { cause },
    )
  const corrupt = (detail: string, cause?: unknown) =>
    new LocalStoreError(
      'ERR_LOCAL_STORE_CORRUPT',
      `${path} is not a valid database (${detail}); it was left untouched: move it away or delete the folder ${dir} to start fresh`,
      { cause },
    )
  try {
    mkdirSync(dir, { recursive: true })
  } catch (error) {
    if (isFull(error)) throw full(error)
    throw unusable(codeOf(error) || (error as Error).message, error)
  }
  const existing = statOrUndefined(path)
  if (existing !== undefined && !existing.isFile()) throw unusable('it is not a file')

  let db: Database
  try {
    db = new Database(path)
  } catch (error) {
    // The driver reports "cannot open" (SQLITE_CANTOPEN) without an errno.
    throw unusable((error as Error).message, error)
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
    if (options.maxBytes !== undefined) db.pragma(`max_page_count = ${pagesOf(options.maxBytes)}`)
    // A hot journal left by a killed process is rolled back by this first read, as SQLite does.
    const check = db.pragma('quick_check') as Row[]
    const verdict = check.map((row) => String(row.quick_check)).join('; ')
    if (verdict !== 'ok') throw corrupt(verdict)
    // WAL: readers never wait for the writer; persistent, so an older rollback-journal file
    // (schema 2, written before) is converted once, here.
    db.pragma('journal_mode = WAL')
    // FULL: a commit is on disk (WAL fsynced) before the request is answered.
    db.pragma('synchronous = FULL')
    const version = pragmaNumber(db, 'user_version')
    if (version > SCHEMA_VERSION) {
      throw new LocalStoreError(
        'ERR_LOCAL_STORE_TOO_NEW',
        `${path} has schema version ${version}, newer than the ${SCHEMA_VERSION} this version of stytch-b2b-middleware knows: upgrade the package, or delete the folder ${dir} to start fresh`,
      )
    }
    if (version < SCHEMA_VERSION) {
      db.exec('BEGIN IMMEDIATE')
      try {
        // Another process may have migrated while we waited for the write lock.
        const now = pragmaNumber(db, 'user_version')
        for (let from = now; from < SCHEMA_VERSION; from += 1) {
          db.exec(MIGRATIONS[from] as string)
          db.pragma(`user_version = ${from + 1}`)
        }
        db.exec('COMMIT')
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK')
        throw error
      }
    }
  } catch (error) {
    db.close()
    if (error instanceof LocalStoreError) throw error
    if (isCorrupt(error)) throw corrupt((error as Error).message, error)
    if (isFull(error)) throw full(error)
    if (isBusy(error)) {
      throw new LocalStoreError(
        'ERR_LOCAL_STORE_BUSY',
        `${path} stayed locked by another process for ${BUSY_TIMEOUT_MS / 1000} s: try again`,
        { cause: error },
      )
    }
    throw unusable((error as Error).message, error)
  }
  const database = db
  const openedFile = statOrUndefined(path) as Stats

  const statements = new Map<string, Statement>()
  const prepare = (sql: string) => {
    let statement = statements.get(sql)
    if (statement === undefined) {
      statement = database.prepare(sql) as Statement
      statements.set(sql, statement)
    }
    return statement
  }

  /** The fault being logged (one line when it starts, one when writes work again). */
  let fault: Fault | undefined
  const report = (next: Fault) => {
    if (fault?.kind !== next.kind) log(next.log)
    fault = next
  }
  const recovered = () => {
    if (fault === undefined || fault.kind === 'busy') {
      fault = undefined
      return
    }
    fault = undefined
    log(`stytch-b2b-local: ${path} accepts writes again.`)
  }
  /** The database file at `path` is no longer the one we write to (deleted or moved away). */
  const fileIsGone = () => {
    const now = statOrUndefined(path)
    return now === undefined || now.ino !== openedFile.ino || now.dev !== openedFile.dev
  }
  const faultOf = (error: unknown): Fault => {
    if (isFull(error)) {
      return {
        kind: 'full',
        log: `stytch-b2b-local: cannot write ${path}: the disk is full (${codeOf(error)}). Free some disk space: writes work again by themselves, no restart needed; reads go on meanwhile.`,
        message:
          'The local server cannot store this change: its disk is full. Free some disk space and try again.',
      }
    }
    if (isBusy(error)) {
      return {
        kind: 'busy',
        log: `stytch-b2b-local: ${path} stayed locked by another process for ${BUSY_TIMEOUT_MS / 1000} s (a server paused or stuck?); the request was refused, nothing was written.`,
        message:
          'The local server data is locked by another process that shares its data folder. Try again.',
      }
    }
    return {
      kind: 'io',
      log: `stytch-b2b-local: cannot write ${path} (${codeOf(error) || (error as Error).message}). Check the folder ${dir} (permissions, disk): writes work again once it is fixed, no restart needed.`,
      message:
        'The local server cannot store this change: its data folder cannot be written. Try again once it is fixed.',
    }
  }
  const goneFault: Fault = {
    kind: 'gone',
    log: `stytch-b2b-local: ${path} was deleted or moved while the server runs: writes are refused so that none is silently lost. Put the folder back to go on, or restart the server to start fresh; reads go on meanwhile.`,
    message:
      'The local server cannot store this change: its data folder was deleted or moved. Restart it to start fresh.',
  }
  const unavailable = (f: Fault) =>
    new StytchHttpError(
      503,
      f.kind === 'busy' ? 'local_store_busy' : 'local_store_unavailable',
      f.message,
    )

  let depth = 0

  /**
   * Runs `fn` as one transaction. `write`: BEGIN IMMEDIATE (takes SQLite's write lock at once, so
   * two processes never interleave a check and a write). Like the in-memory store, what `fn`
   * wrote before it threw a Stytch error stays (the failed-attempt counter before
   * `otp_code_not_found`); a storage failure rolls everything back and answers 503.
   */
  function run<T>(fn: () => T, write: boolean): T {
    if (depth > 0) return fn()
    const gone = write && fileIsGone()
    if (gone) {
      report(goneFault)
      database.pragma('query_only = ON')
    }
    try {
      try {
        database.exec(write && !gone ? 'BEGIN IMMEDIATE' : 'BEGIN')
      } catch (error) {
        throw storageFailure(error)
      }
      depth += 1
      let result: T | undefined
      let failure: unknown
      try {
        result = fn()
      } catch (error) {
        failure = error
      } finally {
        depth -= 1
      }
      if (failure !== undefined && isDriverError(failure)) {
        if (database.inTransaction) database.exec('ROLLBACK')
        throw storageFailure(failure)
      }
      try {
        database.exec('COMMIT')
      } catch (error) {
        if (database.inTransaction) database.exec('ROLLBACK')
        throw storageFailure(error)
      }
      if (failure !== undefined) throw failure
      if (write && !gone) recovered()
      return result as T
    } finally {
      if (gone) database.pragma('query_only = OFF')
    }

    function storageFailure(error: unknown): unknown {
      if (!isDriverError(error)) return error
      if (gone && codeOf(error).startsWith('SQLITE_READONLY')) return unavailable(goneFault)
      // A bug of ours (SQLITE_ERROR, constraint) or real corruption: the generic 500, never hidden.
      if (!isStorageFault(error)) return error
      const f = faultOf(error)
      report(f)
      return unavailable(f)
    }
  }
  const isDriverError = (error: unknown) => error instanceof Database.SqliteError

  const transaction = <T>(fn: () => T): T => run(fn, true)
  const read = <T>(fn: () => T): T => run(fn, false)

  const get = (sql: string, values: unknown[] = []) =>
    read(() => (prepare(sql).get(...values) as Row | undefined) ?? null)
  const all = (sql: string, values: unknown[] = []) =>
    read(() => prepare(sql).all(...values) as Row[])
  const change = (sql: string, values: unknown[] = []) =>
    transaction(() => prepare(sql).run(...values).changes)

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
    add: (key) =>
      transaction(() => {
        change('INSERT INTO signing_keys (kid, private_key_pem, jwk) VALUES (?, ?, ?)', [
          key.kid,
          key.privateKeyPem,
          JSON.stringify(key.jwk),
        ])
        setSetting('signing_kid', key.kid)
      }),
    remove: (kid, signingKid) =>
      transaction(() => {
        change('DELETE FROM signing_keys WHERE kid = ?', [kid])
        if (signingKid !== null) setSetting('signing_kid', signingKid)
      }),
  }

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
      change('DELETE FROM outbox')
    },
    push: (message) =>
      transaction(() => {
        change('INSERT INTO outbox (email_key, json) VALUES (?, ?)', [
          emailKey(message.to),
          JSON.stringify(message),
        ])
        change('DELETE FROM outbox WHERE seq <= (SELECT max(seq) FROM outbox) - ?', [OUTBOX_LIMIT])
      }),
  }

  /** SQLite's own ceiling (what max_page_count is before any cap). */
  const uncapped = 0xfffffffe

  const store: SqliteStore = {
    path,
    transaction,
    keys,
    outbox,
    getSetting,
    setSetting,
    limitSize(bytes) {
      database.pragma(`max_page_count = ${bytes === undefined ? uncapped : pagesOf(bytes)}`)
    },
    close() {
      statements.clear()
      database.close()
    },

    insertOrganization: (organization) =>
      transaction(() => {
        if (
          get('SELECT 1 AS found FROM organizations WHERE id = ?', [organization.organization_id])
        ) {
          return false
        }
        if (!fits(organization)) return false
        change(
          'INSERT INTO organizations (id, slug_key, external_key, json) VALUES (?, ?, ?, ?)',
          orgColumns(organization),
        )
        return true
      }),
    updateOrganization: (organization) =>
      transaction(() => {
        if (
          !get('SELECT 1 AS found FROM organizations WHERE id = ?', [organization.organization_id])
        ) {
          return false
        }
        if (!fits(organization)) return false
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
      transaction(() => {
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

    putIntermediateSession: (record) => {
      put('intermediate_sessions', 'token_hash', record.tokenHash, record)
    },
    getIntermediateSession: (hash) =>
      parse(get('SELECT json FROM intermediate_sessions WHERE token_hash = ?', [hash])),
    deleteIntermediateSession: (hash) =>
      change('DELETE FROM intermediate_sessions WHERE token_hash = ?', [hash]) > 0,

    putOtp: (slot, record) => {
      put('otps', 'slot', slot, record)
    },
    getOtp: (slot) => parse(get('SELECT json FROM otps WHERE slot = ?', [slot])),

    getAttempts: (key) => parse(get('SELECT json FROM attempts WHERE email_key = ?', [key])),
    putAttempts: (key, record) => {
      put('attempts', 'email_key', key, record)
    },
    deleteAttempts: (key) => {
      change('DELETE FROM attempts WHERE email_key = ?', [key])
    },
  }
  opened.add(store)
  return store

  function upsertMember(record: Parameters<LocalStore['updateMember']>[0]): void {
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
  /** Table and column names are constants of this file, never input. */
  function put(table: string, keyColumn: string, key: string, record: unknown): void {
    change(
      `INSERT INTO ${table} (${keyColumn}, json) VALUES (?, ?)
      ON CONFLICT (${keyColumn}) DO UPDATE SET json = excluded.json`,
      [key, JSON.stringify(record)],
    )
  }
}

/** Pages of SQLite's default size (4096 bytes, which this store never changes) in `bytes`. */
const pagesOf = (bytes: number) => Math.max(1, Math.floor(bytes / 4096))

/** A numeric pragma's value (the driver's `simple` option returns the row, not the value). */
function pragmaNumber(db: { pragma(source: string): unknown }, name: string): number {
  const rows = db.pragma(name) as Row[]
  return Number(rows[0]?.[name] ?? 0)
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path)
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return undefined
    throw error
  }
}
