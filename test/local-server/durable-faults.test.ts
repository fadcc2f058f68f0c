// Storage faults of the durable store while it runs and at start-up: a 503 Stytch envelope and
// one log line; reads, the JWKS and the outbox go on; writes come back without a restart; a file
// SQLite cannot open is never deleted or replaced. @see issue 12
//
// "Disk full" is SQLite's own SQLITE_FULL, produced for real by a size cap (`limitSize`, i.e.
// PRAGMA max_page_count): the same error SQLite returns for ENOSPC. As root, a read-only
// directory cannot be produced (root writes anyway), so that case only runs as another user.
import { chmod, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import Database from 'libsql'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  type LocalServer,
  openSqliteStore,
  type SqliteStore,
  startLocalServer,
} from '../../src/local-server/index.js'
import { callStytch } from '../helpers/local-api.js'
import { tempDataDir } from '../helpers/local-stores.js'
import { bulkyMetadata } from './crash-run.js'
import { P } from './fixtures.js'

const ALICE = 'alice@acme.io'
let dataDir: string
let logged: string[]
let store: SqliteStore | undefined
let server: LocalServer | undefined

beforeEach(async () => {
  dataDir = await tempDataDir()
  logged = []
})
afterEach(async () => {
  await server?.close()
  store?.close()
  server = undefined
  store = undefined
  await rm(dataDir, { recursive: true, force: true })
  await rm(`${dataDir}-moved`, { recursive: true, force: true })
})

/** A server on a store of `dataDir` whose fault lines go to `logged`. */
async function start(): Promise<{ server: LocalServer; store: SqliteStore }> {
  store = await openSqliteStore(dataDir, { log: (line) => logged.push(line) })
  server = await startLocalServer({ store })
  return { server, store }
}

/** Closes the running server and its store, starts again on `dataDir`, and lists the slugs kept. */
async function slugsAfterRestart(): Promise<string[]> {
  await server?.close()
  store?.close()
  server = undefined
  const { server: again } = await start()
  const found = await callStytch(again, 'POST', P.orgSearch, {})
  return found.body.organizations.map((o: { organization_slug: string }) => o.organization_slug)
}

const bigOrg = (slug: string) => ({
  organization_name: slug,
  organization_slug: slug,
  trusted_metadata: bulkyMetadata(200_000, slug),
})

/** What was there before the fault: an organization, a member's sent code, a key. */
async function seed(local: LocalServer) {
  const org = (await callStytch(local, 'POST', P.orgCreate, bigOrg('before'))).body.organization
  local.seedMember({ organization_id: org.organization_id, email_address: ALICE })
  const sent = await callStytch(local, 'POST', P.loginOrSignup, {
    organization_id: org.organization_id,
    email_address: ALICE,
  })
  expect(sent.status).toBe(200)
  return { orgId: org.organization_id as string }
}

/** Reads that must keep working during a write fault. */
async function expectReadsWork(local: LocalServer, orgId: string) {
  const org = await callStytch(local, 'GET', P.org(orgId))
  expect(org.status).toBe(200)
  expect(org.body.organization.organization_slug).toBe('before')
  const jwks = await callStytch(local, 'GET', P.jwks(local.projectId))
  expect(jwks.status).toBe(200)
  expect(jwks.body.keys).toHaveLength(1)
  const outbox = await fetch(`${local.url}/__local/outbox?email_address=${ALICE}`)
  expect(outbox.status).toBe(200)
  expect(((await outbox.json()) as { messages: unknown[] }).messages).toHaveLength(1)
}

describe('disk full while running (SQLITE_FULL)', () => {
  it('a write answers a 503 envelope, one log line; reads go on; writes resume once space is freed', async () => {
    const { server: local, store: durable } = await start()
    const { orgId } = await seed(local)
    durable.limitSize(0) // no page beyond those in use

    for (const slug of ['full-1', 'full-2']) {
      const res = await callStytch(local, 'POST', P.orgCreate, bigOrg(slug))
      expect(res.status).toBe(503)
      expect(res.body).toEqual({
        status_code: 503,
        request_id: expect.any(String),
        error_type: 'local_store_unavailable',
        error_message:
          'The local server cannot store this change: its disk is full. Free some disk space and try again.',
        error_url:
          'https://stytch.com/docs/api-reference/b2b/api/errors/503#local_store_unavailable',
      })
    }
    expect(logged).toHaveLength(1)
    expect(logged[0]).toContain(join(dataDir, 'local.db'))
    expect(logged[0]).toMatch(/disk is full.*Free some disk space.*no restart needed/)
    await expectReadsWork(local, orgId)

    durable.limitSize(undefined)
    const after = await callStytch(local, 'POST', P.orgCreate, bigOrg('after'))
    expect(after.status).toBe(200)
    expect(logged).toHaveLength(2)
    expect(logged[1]).toMatch(/accepts writes again/)

    expect(await slugsAfterRestart()).toEqual(['before', 'after'])
  })
})

describe('the data dir deleted or moved away while running', () => {
  it('deleted: writes answer 503 and are not silently lost, one log line; reads go on', async () => {
    const { server: local } = await start()
    const { orgId } = await seed(local)
    await rm(dataDir, { recursive: true, force: true })

    for (const slug of ['gone-1', 'gone-2']) {
      const res = await callStytch(local, 'POST', P.orgCreate, { organization_name: slug })
      expect(res.status).toBe(503)
      expect(res.body).toMatchObject({
        status_code: 503,
        error_type: 'local_store_unavailable',
        error_message:
          'The local server cannot store this change: its data folder was deleted or moved. Restart it to start fresh.',
      })
    }
    expect(logged).toHaveLength(1)
    expect(logged[0]).toMatch(/was deleted or moved.*restart the server to start fresh/)
    await expectReadsWork(local, orgId)
  })

  it('moved away and back: writes are refused meanwhile and work again, without a restart', async () => {
    const { server: local } = await start()
    await seed(local)
    await rename(dataDir, `${dataDir}-moved`)
    const refused = await callStytch(local, 'POST', P.orgCreate, { organization_name: 'away' })
    expect(refused.status).toBe(503)
    await rename(`${dataDir}-moved`, dataDir)
    const accepted = await callStytch(local, 'POST', P.orgCreate, {
      organization_name: 'back',
      organization_slug: 'back',
    })
    expect(accepted.status).toBe(200)
    expect(logged).toHaveLength(2)

    expect(await slugsAfterRestart()).toEqual(['before', 'back'])
  })
})

describe('start-up on storage it cannot use: our own message, nothing deleted', () => {
  it('a full disk on a fresh start: ERR_LOCAL_STORE_FULL, not a raw SQLITE_FULL or ENOSPC', async () => {
    const error = await openSqliteStore(dataDir, { maxBytes: 4096 }).catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'LocalStoreError', code: 'ERR_LOCAL_STORE_FULL' })
    expect((error as Error).message).toBe(
      `No space left to create or update ${join(dataDir, 'local.db')}: free some disk space (or pass another data dir), then start again`,
    )
  })

  it('local.db is a directory: ERR_LOCAL_STORE_UNREADABLE, and it is left as it was', async () => {
    await mkdir(join(dataDir, 'local.db'))
    await writeFile(join(dataDir, 'local.db', 'keep.txt'), 'mine')
    const error = await startLocalServer({ dataDir }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'ERR_LOCAL_STORE_UNREADABLE' })
    expect((error as Error).message).toMatch(/cannot be opened.*it is not a file/)
    expect(await readdir(join(dataDir, 'local.db'))).toEqual(['keep.txt'])
  })

  it('a schema-2 file in rollback-journal mode (written before libsql) opens in WAL, data kept', async () => {
    const db = new Database(join(dataDir, 'local.db'))
    db.pragma('journal_mode = DELETE')
    const { MIGRATIONS } = await import('../../src/local-server/store/sqlite-schema.js')
    for (const [i, sql] of MIGRATIONS.entries()) {
      db.exec(sql)
      db.pragma(`user_version = ${i + 1}`)
    }
    db.prepare('INSERT INTO organizations (id, slug_key, json) VALUES (?, ?, ?)').run(
      'organization-test-old',
      'old',
      JSON.stringify({ organization_id: 'organization-test-old', organization_slug: 'old' }),
    )
    db.close()
    const { server: local } = await start()
    const found = await callStytch(local, 'GET', P.org('organization-test-old'))
    expect(found.body.organization.organization_slug).toBe('old')
    const created = await callStytch(local, 'POST', P.orgCreate, { organization_name: 'New' })
    expect(created.status).toBe(200)
    expect((await stat(join(dataDir, 'local.db-wal'))).isFile()).toBe(true)
    const check = new Database(join(dataDir, 'local.db'))
    expect(check.pragma('journal_mode')).toEqual([{ journal_mode: 'wal' }])
    check.close()
  })

  it.skipIf(process.getuid?.() === 0)(
    'a read-only data dir: ERR_LOCAL_STORE_UNREADABLE (skipped as root)',
    async () => {
      await chmod(dataDir, 0o500)
      const error = await startLocalServer({ dataDir }).catch((e: unknown) => e)
      await chmod(dataDir, 0o700)
      expect(error).toMatchObject({ code: 'ERR_LOCAL_STORE_UNREADABLE' })
    },
  )
})
