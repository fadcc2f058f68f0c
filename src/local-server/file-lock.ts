// Cross-process mutex on a data dir: a hard-linked owner file, broken when its process is gone.
import { randomUUID } from 'node:crypto'
import {
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs'
import { basename, dirname, join } from 'node:path'

/**
 * Why not SQLite's own lock: node-sqlite3-wasm locks with a `<db>.lock` directory, which a
 * SIGKILLed process leaves behind ("database is locked" forever). This lock names its owner
 * (pid and a random id), so a lock whose process is gone is broken at once, and one whose owner
 * has not changed for STALE_MS (pid reused by another program) is broken too: no transaction of
 * the local server holds it for more than a few milliseconds.
 */
const STALE_MS = 2_000
const POLL_MS = 2

export interface FileLock {
  /** Runs `fn` while holding the lock (blocking up to `timeoutMs`). */
  hold<T>(fn: () => T): T
  /** Removes this process's owner file. */
  close(): void
}

export class LockTimeoutError extends Error {
  override name = 'LockTimeoutError'
}

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

const pidOf = (owner: string) => Number.parseInt(owner.split(':')[0] ?? '', 10)

function readOwner(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** Removes owner files of processes that are gone (left by a SIGKILL). */
function sweepOwnerFiles(lockPath: string): void {
  const prefix = `${basename(lockPath)}.`
  for (const name of readdirSync(dirname(lockPath))) {
    if (!name.startsWith(prefix) || !name.endsWith('.owner')) continue
    const pid = Number.parseInt(name.slice(prefix.length).split('-')[0] ?? '', 10)
    if (Number.isInteger(pid) && pid !== process.pid && !isAlive(pid)) {
      try {
        unlinkSync(join(dirname(lockPath), name))
      } catch {
        // another process swept it first
      }
    }
  }
}

/**
 * A lock at `lockPath` (e.g. `<dir>/local.db.writer`). Reentrant within one FileLock: nested
 * `hold` calls run directly.
 */
export function createFileLock(lockPath: string, timeoutMs: number): FileLock {
  sweepOwnerFiles(lockPath)
  const id = `${process.pid}:${randomUUID()}`
  const ownerFile = `${lockPath}.${process.pid}-${randomUUID()}.owner`
  writeFileSync(ownerFile, id)
  const breaker = `${lockPath}.break`
  let depth = 0

  /** Removes the lock if it still names `owner`, serialised by a short-lived directory. */
  function breakStale(owner: string): void {
    try {
      mkdirSync(breaker)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      try {
        if (Date.now() - statSync(breaker).mtimeMs > STALE_MS) rmdirSync(breaker)
      } catch {
        // gone already
      }
      return
    }
    try {
      if (readOwner(lockPath) === owner) unlinkSync(lockPath)
    } finally {
      rmdirSync(breaker)
    }
  }

  function acquire(): void {
    const deadline = Date.now() + timeoutMs
    let seen: string | undefined
    let seenAt = 0
    for (;;) {
      try {
        linkSync(ownerFile, lockPath)
        return
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      }
      const owner = readOwner(lockPath)
      if (owner === undefined) continue
      const pid = pidOf(owner)
      if (owner !== seen) {
        seen = owner
        seenAt = Date.now()
      }
      // Our own pid but not our id: a closed store of this process, since holds never overlap.
      const stale =
        !Number.isInteger(pid) ||
        (pid === process.pid && owner !== id) ||
        !isAlive(pid) ||
        Date.now() - seenAt > STALE_MS
      if (stale) {
        breakStale(owner)
        continue
      }
      if (Date.now() > deadline) {
        throw new LockTimeoutError(`${lockPath} is held by process ${pid}`)
      }
      sleepSync(POLL_MS)
    }
  }

  return {
    hold(fn) {
      if (depth > 0) return fn()
      acquire()
      depth += 1
      try {
        return fn()
      } finally {
        depth -= 1
        // Unless another process broke it as stale meanwhile: then it is no longer ours.
        if (readOwner(lockPath) === id) unlinkSync(lockPath)
      }
    },
    close() {
      try {
        unlinkSync(ownerFile)
      } catch {
        // already gone
      }
    },
  }
}
