// The durable store (dataDir): what survives a restart, two servers on one data dir, refusals of
// corrupt, unreadable and newer files, and forward migration. @see issue 8
import { statSync } from 'node:fs'
import { chmod, readFile, rm, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import Database from 'libsql'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type LocalServer, startLocalServer } from '../../src/local-server/index.js'
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/local-server/store/sqlite-schema.js'
import { createTestClock } from '../helpers/clock.js'
import { callStytch } from '../helpers/local-api.js'
import { tempDataDir } from '../helpers/local-stores.js'
import { startCli, stopCli } from './crash-run.js'
import { P } from './fixtures.js'

let dataDir: string
const open: LocalServer[] = []
const clock = createTestClock(Date.UTC(2030, 0, 1))
const ALICE = 'alice@acme.io'

beforeEach(async () => {
  dataDir = await tempDataDir()
})
afterEach(async () => {
  for (const server of open.splice(0)) await server.close()
  await rm(dataDir, { recursive: true, force: true })
})

async function start(extra: Parameters<typeof startLocalServer>[0] = {}): Promise<LocalServer> {
  const server = await startLocalServer({ dataDir, now: clock.now, ...extra })
  open.push(server)
  return server
}
async function restart(server: LocalServer): Promise<LocalServer> {
  open.splice(open.indexOf(server), 1)
  await server.close()
  return start()
}
const post = (server: LocalServer, path: string, body: unknown) =>
  callStytch(server, 'POST', path, body)

async function sendCode(server: LocalServer, organizationId: string): Promise<string> {
  const res = await post(server, P.loginOrSignup, {
    organization_id: organizationId,
    email_address: ALICE,
  })
  expect(res.status).toBe(200)
  return server.outbox.latest(ALICE)?.code ?? ''
}

describe('a restart keeps the data', () => {
  it('keeps project, organizations, members, sessions, keys, codes, ISTs and lock counters', async () => {
    let server = await start()
    const { projectId, secret } = server
    const org = (
      await post(server, P.orgCreate, { organization_name: 'Acme', organization_slug: 'acme' })
    ).body.organization
    server.seedMember({ organization_id: org.organization_id, email_address: ALICE })
    const login = await post(server, P.otpAuthenticate, {
      organization_id: org.organization_id,
      email_address: ALICE,
      code: await sendCode(server, org.organization_id),
    })
    expect(login.status).toBe(200)
    const kid = (await callStytch(server, 'GET', `/v1/b2b/sessions/jwks/${projectId}`)).body.keys[0]
      .kid
    for (let i = 0; i < 3; i += 1) {
      const res = await post(server, P.otpAuthenticate, {
        organization_id: org.organization_id,
        email_address: 'bob@acme.io',
        code: '000000',
      })
      expect(res.status).toBe(404)
    }
    const discovery = await post(server, P.discoverySend, { email_address: ALICE })
    expect(discovery.status).toBe(200)
    const ist = (
      await post(server, P.discoveryAuthenticate, {
        email_address: ALICE,
        code: server.outbox.latest(ALICE, 'discovery')?.code,
      })
    ).body.intermediate_session_token
    // Sent last: any later send to the address would invalidate it (one code per address).
    const pending = await sendCode(server, org.organization_id)

    server = await restart(server)
    expect([server.projectId, server.secret]).toEqual([projectId, secret])
    expect(server.outbox.latest(ALICE, 'login')?.code).toBe(pending)
    const found = await callStytch(server, 'GET', `/v1/b2b/organizations/${org.organization_id}`)
    expect(found.body.organization.organization_slug).toBe('acme')
    const byToken = await post(server, P.sessionsAuthenticate, {
      session_token: login.body.session_token,
    })
    expect(byToken.status).toBe(200)
    const byJwt = await post(server, P.sessionsAuthenticate, {
      session_jwt: login.body.session_jwt,
    })
    expect(byJwt.status).toBe(200)
    const jwks = (await callStytch(server, 'GET', `/v1/b2b/sessions/jwks/${projectId}`)).body
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).toEqual([kid])
    const again = await post(server, P.otpAuthenticate, {
      organization_id: org.organization_id,
      email_address: ALICE,
      code: pending,
    })
    expect(again.status).toBe(200)
    const header = JSON.parse(
      Buffer.from(again.body.session_jwt.split('.')[0], 'base64url').toString(),
    )
    expect(header.kid).toBe(kid)
    const exchanged = await post(server, P.istExchange, {
      intermediate_session_token: ist,
      organization_id: org.organization_id,
    })
    expect(exchanged.status).toBe(200)
    // 3 failures before the restart + 7 after = 10: the lock (spec 12.3).
    for (let i = 0; i < 7; i += 1) {
      await post(server, P.otpAuthenticate, {
        organization_id: org.organization_id,
        email_address: 'bob@acme.io',
        code: '000000',
      })
    }
    const locked = await post(server, P.otpAuthenticate, {
      organization_id: org.organization_id,
      email_address: 'bob@acme.io',
      code: '000000',
    })
    expect(locked.status).toBe(429)
  })

  it('keeps a rotated key signing', async () => {
    let server = await start()
    const { kid } = await server.rotateKeys()
    server = await restart(server)
    const jwks = (await callStytch(server, 'GET', `/v1/b2b/sessions/jwks/${server.projectId}`)).body
    expect(jwks.keys).toHaveLength(2)
    expect(jwks.keys[1].kid).toBe(kid)
  })

  it('uses a given project id over the remembered one, and remembers it', async () => {
    let server = await start({ projectId: 'project-test-given' })
    expect(server.projectId).toBe('project-test-given')
    server = await restart(server)
    expect(server.projectId).toBe('project-test-given')
  })
})

describe('two servers on one data dir', () => {
  it('a code or IST consumed by one cannot be consumed by the other process', async () => {
    const inProcess = await start({ projectId: 'project-test-crash', secret: 'secret-test-crash' })
    const org = (
      await post(inProcess, P.orgCreate, { organization_name: 'Acme', organization_slug: 'acme' })
    ).body.organization
    inProcess.seedMember({ organization_id: org.organization_id, email_address: ALICE })
    const cli = await startCli(dataDir)
    /** `count` concurrent POSTs of one body, alternating between the two processes. */
    const fromBoth = (count: number, path: string, body: unknown) =>
      Promise.all(
        Array.from({ length: count }, (_, i) =>
          callStytch(i % 2 === 0 ? inProcess : cli.target, 'POST', path, body),
        ),
      )
    try {
      for (let round = 0; round < 3; round += 1) {
        const code = await sendCode(inProcess, org.organization_id)
        const body = { organization_id: org.organization_id, email_address: ALICE, code }
        const results = await fromBoth(8, P.otpAuthenticate, body)
        expect(results.filter((r) => r.status === 200)).toHaveLength(1)
      }
      await post(inProcess, P.discoverySend, { email_address: ALICE })
      const ist = (
        await post(inProcess, P.discoveryAuthenticate, {
          email_address: ALICE,
          code: inProcess.outbox.latest(ALICE, 'discovery')?.code,
        })
      ).body.intermediate_session_token
      const exchange = { intermediate_session_token: ist, organization_id: org.organization_id }
      const results = await fromBoth(6, P.istExchange, exchange)
      expect(results.filter((r) => r.status === 200)).toHaveLength(1)
      const slugs = await fromBoth(6, P.orgCreate, {
        organization_name: 'X',
        organization_slug: 'same',
      })
      expect(slugs.filter((r) => r.status === 200)).toHaveLength(1)
    } finally {
      await stopCli(cli, 'SIGTERM')
    }
  }, 30_000)
})

describe('a data file it cannot trust stops start-up and is left as it was', () => {
  const file = () => join(dataDir, 'local.db')

  it('garbage bytes: ERR_LOCAL_STORE_CORRUPT, saying to move it away or delete the folder', async () => {
    const garbage = Buffer.alloc(8192, 0x5a)
    await writeFile(file(), garbage)
    const error = await start().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'ERR_LOCAL_STORE_CORRUPT' })
    expect((error as Error).message).toContain(file())
    expect((error as Error).message).toMatch(/not a valid database.*move it away or delete/)
    expect(await readFile(file())).toEqual(garbage)
  })

  it('a truncated file', async () => {
    const server = await start()
    for (let i = 0; i < 40; i += 1) {
      await post(server, P.orgCreate, { organization_name: `Org ${i}`.padEnd(200, 'x') })
    }
    await restart(server).then((s) => s.close())
    open.length = 0
    // Everything into the main file first (in WAL mode the newest pages may be in local.db-wal).
    const db = new Database(file())
    db.pragma('wal_checkpoint(TRUNCATE)')
    db.close()
    const { size } = statSync(file())
    await truncate(file(), Math.floor(size / 2))
    const error = await start().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'ERR_LOCAL_STORE_CORRUPT' })
  })

  it.skipIf(process.getuid?.() === 0)('an unreadable file (skipped as root)', async () => {
    await start().then((s) => s.close())
    open.length = 0
    await chmod(file(), 0o000)
    const error = await start().catch((e: unknown) => e)
    await chmod(file(), 0o600)
    expect(error).toMatchObject({ code: 'ERR_LOCAL_STORE_UNREADABLE' })
  })
})

describe('schema version (PRAGMA user_version)', () => {
  it(`migrates a version 1 file forward to ${SCHEMA_VERSION}, keeping its data`, async () => {
    const db = new Database(join(dataDir, 'local.db'))
    db.exec(MIGRATIONS[0] as string)
    db.exec('PRAGMA user_version = 1')
    const organization = { organization_id: 'organization-test-old', organization_slug: 'old' }
    db.prepare('INSERT INTO organizations (id, slug_key, json) VALUES (?, ?, ?)').run(
      organization.organization_id,
      'old',
      JSON.stringify(organization),
    )
    db.close()
    const server = await start()
    const found = await post(server, P.orgSearch, {})
    expect(
      found.body.organizations.map((o: { organization_id: string }) => o.organization_id),
    ).toEqual(['organization-test-old'])
    await post(server, P.discoverySend, { email_address: ALICE })
    expect(server.outbox.latest(ALICE)).toBeDefined()
    await server.close()
    open.length = 0
    const reopened = new Database(join(dataDir, 'local.db'))
    expect(reopened.pragma('user_version')).toEqual([{ user_version: SCHEMA_VERSION }])
    reopened.close()
  })

  it('refuses a file of a newer schema with ERR_LOCAL_STORE_TOO_NEW', async () => {
    await start().then((s) => s.close())
    open.length = 0
    const db = new Database(join(dataDir, 'local.db'))
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 5}`)
    db.close()
    const before = await readFile(join(dataDir, 'local.db'))
    const error = await start().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'ERR_LOCAL_STORE_TOO_NEW' })
    expect((error as Error).message).toMatch(/newer.*upgrade the package/)
    expect(await readFile(join(dataDir, 'local.db'))).toEqual(before)
  })
})
