// Transactions of the SQLite store: SQLite's write lock per request, and storage faults turned
// into one log line and a LocalStoreError (the server answers it with a 503).
import { LocalStoreError } from './local-store-error.js'
import {
  BUSY_TIMEOUT_MS,
  codeOf,
  isBusy,
  isFull,
  type OpenedDatabase,
  statOrUndefined,
} from './sqlite-open.js'

/** The file system or another process refused, not our SQL: worth a 503 and a retry. */
const isStorageFault = (error: unknown) =>
  isFull(error) ||
  isBusy(error) ||
  /^SQLITE_(IOERR|READONLY|CANTOPEN|PERM|LOCKED)/.test(codeOf(error))

/** What a storage fault is, for the one log line and the error the request gets. */
interface Fault {
  kind: 'full' | 'gone' | 'busy' | 'io'
  /** Log line: what is wrong and what to do. */
  log: string
  /** The error's message, answered to the client: no path, no SQL. */
  message: string
}

const CODE_OF_FAULT = {
  full: 'ERR_LOCAL_STORE_FULL',
  busy: 'ERR_LOCAL_STORE_BUSY',
  gone: 'ERR_LOCAL_STORE_UNAVAILABLE',
  io: 'ERR_LOCAL_STORE_UNAVAILABLE',
} as const

export interface Transactions {
  /** BEGIN IMMEDIATE: takes SQLite's write lock at once, so two processes never interleave a check and a write. */
  transaction<T>(fn: () => T): T
  /** A read-only transaction (nested in an open one, just `fn`). */
  read<T>(fn: () => T): T
}

/**
 * Runs functions as transactions of `opened`. Like the in-memory store, what `fn` wrote before it
 * threw an error of its own stays (the failed-attempt counter before `otp_code_not_found`); a
 * storage failure rolls everything back and throws a LocalStoreError.
 */
export function createTransactions(
  opened: OpenedDatabase,
  log: (line: string) => void,
): Transactions {
  const { database, path, dir, openedFile } = opened
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
  const unavailable = (f: Fault, cause: unknown) =>
    new LocalStoreError(CODE_OF_FAULT[f.kind], f.message, { cause })
  const isDriverError = (error: unknown) => error instanceof opened.Database.SqliteError

  let depth = 0

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
      if (gone && codeOf(error).startsWith('SQLITE_READONLY')) return unavailable(goneFault, error)
      // A bug of ours (SQLITE_ERROR, constraint) or real corruption: the generic 500, never hidden.
      if (!isStorageFault(error)) return error
      const f = faultOf(error)
      report(f)
      return unavailable(f, error)
    }
  }

  return { transaction: (fn) => run(fn, true), read: (fn) => run(fn, false) }
}
