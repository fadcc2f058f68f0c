// Opening a data dir's SQLite file: the driver, integrity and schema checks, forward migrations.
import { mkdirSync, type Stats, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { LocalStoreError } from './local-store-error.js'
import { MIGRATIONS, SCHEMA_VERSION } from './sqlite-schema.js'

/** File name of the database inside a data dir. */
const DATABASE_FILE = 'local.db'
/** How long a request waits for another process's transaction before answering busy. */
export const BUSY_TIMEOUT_MS = 5_000
const DRIVER = 'libsql'

export type Driver = typeof import('libsql')
export type Database = InstanceType<Driver>
export type Row = Record<string, unknown>

/** The driver error's code (`SQLITE_FULL`, `SQLITE_BUSY_SNAPSHOT`, ...) or errno (`ENOSPC`). */
export const codeOf = (error: unknown) => String((error as { code?: unknown }).code ?? '')
export const isFull = (error: unknown) =>
  codeOf(error) === 'SQLITE_FULL' || codeOf(error) === 'ENOSPC'
export const isBusy = (error: unknown) => codeOf(error).startsWith('SQLITE_BUSY')
const isCorrupt = (error: unknown) =>
  codeOf(error).startsWith('SQLITE_CORRUPT') || codeOf(error) === 'SQLITE_NOTADB'

/** Pages of SQLite's default size (4096 bytes, which this store never changes) in `bytes`. */
export const pagesOf = (bytes: number) => Math.max(1, Math.floor(bytes / 4096))

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

/** An open, checked and migrated database, with what the store needs to watch over it. */
export interface OpenedDatabase {
  database: Database
  Database: Driver
  dir: string
  path: string
  /** The file as opened: when `path` later names another file, the data dir was moved away. */
  openedFile: Stats
}

/**
 * Opens (creating it if needed) `<dataDir>/local.db`, migrating its schema forward. Refuses, with
 * a LocalStoreError saying what to do, a file that is not a valid database, one it cannot read or
 * write, and one written by a newer version of this package: it never deletes or replaces a
 * developer's data.
 */
export async function openDatabase(
  dataDir: string,
  maxBytes: number | undefined,
): Promise<OpenedDatabase> {
  const dir = resolve(dataDir)
  const path = join(dir, DATABASE_FILE)
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
    if (maxBytes !== undefined) db.pragma(`max_page_count = ${pagesOf(maxBytes)}`)
    // A hot journal left by a killed process is rolled back by this first read, as SQLite does.
    const check = db.pragma('quick_check') as Row[]
    const verdict = check.map((row) => String(row.quick_check)).join('; ')
    if (verdict !== 'ok') throw corrupt(verdict)
    // WAL: readers never wait for the writer; persistent, so an older rollback-journal file
    // (schema 2, written before) is converted once, here.
    db.pragma('journal_mode = WAL')
    // FULL: a commit is on disk (WAL fsynced) before the request is answered.
    db.pragma('synchronous = FULL')
    migrate(db, path, dir)
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
  return { database: db, Database, dir, path, openedFile: statOrUndefined(path) as Stats }
}

function migrate(db: Database, path: string, dir: string): void {
  const version = pragmaNumber(db, 'user_version')
  if (version > SCHEMA_VERSION) {
    throw new LocalStoreError(
      'ERR_LOCAL_STORE_TOO_NEW',
      `${path} has schema version ${version}, newer than the ${SCHEMA_VERSION} this version of stytch-b2b-middleware knows: upgrade the package, or delete the folder ${dir} to start fresh`,
    )
  }
  if (version === SCHEMA_VERSION) return
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

/** A numeric pragma's value (the driver's `simple` option returns the row, not the value). */
function pragmaNumber(db: { pragma(source: string): unknown }, name: string): number {
  const rows = db.pragma(name) as Row[]
  return Number(rows[0]?.[name] ?? 0)
}

export function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path)
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return undefined
    throw error
  }
}
