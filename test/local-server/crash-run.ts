// One crash iteration: CLI on a data dir, burst of writes, SIGKILL mid-burst, restart, check.
import { type ChildProcess, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { join } from 'node:path'
import Database from 'libsql'
import { callStytch, type LocalApiTarget } from '../helpers/local-api.js'

const CLI = new URL('../../src/local-server/cli.ts', import.meta.url).pathname
const ROOT = new URL('../..', import.meta.url).pathname
const PROJECT_ID = 'project-test-crash'
const SECRET = 'secret-test-crash'

export interface RunningCli {
  proc: ChildProcess
  target: LocalApiTarget
  output(): string
}

/** Starts `stytch-b2b-local` on `dataDir` and waits for its URL (or its exit). */
export async function startCli(dataDir: string, extra: string[] = []): Promise<RunningCli> {
  const args = [CLI, '--port', '0', '--data-dir', dataDir, '--project-id', PROJECT_ID]
  // node itself, not the tsx binary: tsx runs the script in a grandchild that a SIGKILL of
  // the tsx process would leave running.
  const proc = spawn(process.execPath, ['--import', 'tsx', ...args, '--secret', SECRET, ...extra], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let text = ''
  proc.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString()
  })
  proc.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString()
  })
  for (let i = 0; i < 600; i += 1) {
    const found = text.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)
    if (found?.[1]) {
      return {
        proc,
        output: () => text,
        target: { url: found[1], projectId: PROJECT_ID, secret: SECRET },
      }
    }
    if (proc.exitCode !== null) break
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  proc.kill('SIGKILL')
  throw new Error(`the CLI did not start; output:\n${text}`)
}

/** Kills the CLI and waits until it is gone. */
export async function stopCli(cli: RunningCli, signal: NodeJS.Signals): Promise<void> {
  if (cli.proc.exitCode !== null || cli.proc.signalCode !== null) return
  const exited = once(cli.proc, 'exit')
  cli.proc.kill(signal)
  await exited
}

/**
 * `trusted_metadata` of about `bytes` that says how it must read back: a torn or half-rolled-back
 * write shows as a blob whose digest does not match.
 */
export function bulkyMetadata(bytes: number, seed: string): Record<string, string> {
  const blob = createHash('sha256')
    .update(seed)
    .digest('hex')
    .repeat(Math.ceil(bytes / 64))
  return { blob, digest: createHash('sha256').update(blob).digest('hex') }
}

/** Why `metadata` is not a whole `bulkyMetadata` (undefined: it is). */
export function metadataDefect(metadata: Record<string, unknown> | undefined): string | undefined {
  if (metadata === undefined || typeof metadata.blob !== 'string') return 'metadata missing'
  const digest = createHash('sha256').update(metadata.blob).digest('hex')
  return digest === metadata.digest ? undefined : 'metadata torn (digest mismatch)'
}

/** SQLite's own `PRAGMA integrity_check` of a data dir's file ('ok' when sound). */
export function integrityOf(dataDir: string): string {
  const db = new Database(join(dataDir, 'local.db'))
  try {
    db.pragma('busy_timeout = 10000')
    const rows = db.pragma('integrity_check') as { integrity_check: string }[]
    return rows.map((row) => row.integrity_check).join('; ')
  } finally {
    db.close()
  }
}

export interface CrashResult {
  /** Writes answered 200 before the kill. */
  acknowledged: number
  /** Invariant or durability violations found after the restart (empty: a pass). */
  failures: string[]
}

/**
 * Runs `writes` concurrent writers of organization and member creates (some sharing one slug or
 * one email), SIGKILLs the server once `killAfter` writes are acknowledged, restarts it on the same
 * data dir and checks: it opens, every acknowledged write is there, slugs and emails are unique.
 */
export async function runCrashIteration(
  dataDir: string,
  iteration: number,
  options: { writes?: number; killAfter?: number; metadataBytes?: number } = {},
): Promise<CrashResult> {
  const writes = options.writes ?? 16
  const killAfter = options.killAfter ?? 40
  const metadataBytes = options.metadataBytes ?? 0
  const failures: string[] = []
  let cli = await startCli(dataDir)
  const home = await callStytch(cli.target, 'POST', '/v1/b2b/organizations', {
    organization_name: `Home ${iteration}`,
    organization_slug: `home-${iteration}`,
  })
  if (home.status !== 200) throw new Error(`home org: ${JSON.stringify(home.body)}`)
  const homeId: string = home.body.organization.organization_id

  const ackedOrgs: { id: string; slug: string }[] = []
  const ackedMembers: { id: string; email: string }[] = []
  let acks = 0
  let killed: Promise<void> | undefined
  const acked = () => {
    acks += 1
    if (acks >= killAfter && killed === undefined) killed = stopCli(cli, 'SIGKILL')
  }
  const target = cli.target
  let next = 0
  /** One write; false once the server is gone. */
  const writeOne = async (i: number): Promise<boolean> => {
    try {
      if (i % 2 === 0) {
        // Every fifth org write reuses one slug: at most one of them may exist afterwards.
        const slug = i % 5 === 0 ? `dup-${iteration}` : `org-${iteration}-${i}`
        const res = await callStytch(target, 'POST', '/v1/b2b/organizations', {
          organization_name: `Org ${i}`,
          organization_slug: slug,
          ...(metadataBytes > 0
            ? { trusted_metadata: bulkyMetadata(metadataBytes, `${iteration}-${i}`) }
            : {}),
        })
        if (res.status === 200) {
          ackedOrgs.push({ id: res.body.organization.organization_id, slug })
          acked()
        }
      } else {
        const email = i % 7 === 1 ? `dup-${iteration}@crash.test` : `m${i}-${iteration}@crash.test`
        const res = await callStytch(target, 'POST', `/v1/b2b/organizations/${homeId}/members`, {
          email_address: email,
        })
        if (res.status === 200) {
          ackedMembers.push({ id: res.body.member.member_id, email })
          acked()
        }
      }
      return true
    } catch {
      return false // the connection died with the server: not acknowledged
    }
  }
  // `writes` concurrent writers, each writing until the server dies (bounded), so the kill
  // always lands while writes are in flight.
  const burst = Array.from({ length: writes }, async () => {
    for (let n = 0; n < 1000; n += 1) {
      if (!(await writeOne(next++))) return
    }
  })
  await Promise.all(burst)
  await (killed ?? stopCli(cli, 'SIGKILL'))

  try {
    cli = await startCli(dataDir)
  } catch (error) {
    return { acknowledged: acks, failures: [`restart failed: ${(error as Error).message}`] }
  }
  try {
    for (const org of ackedOrgs) {
      const res = await callStytch(cli.target, 'GET', `/v1/b2b/organizations/${org.id}`)
      if (res.status !== 200 || res.body.organization.organization_slug !== org.slug) {
        failures.push(`acknowledged organization ${org.id} (${org.slug}) is missing`)
      }
    }
    for (const member of ackedMembers) {
      const res = await callStytch(
        cli.target,
        'GET',
        `/v1/b2b/organizations/${homeId}/member?member_id=${member.id}`,
      )
      if (res.status !== 200 || res.body.member.email_address !== member.email) {
        failures.push(`acknowledged member ${member.id} (${member.email}) is missing`)
      }
    }
    const search = await callStytch(cli.target, 'POST', '/v1/b2b/organizations/search', {
      limit: 1000,
    })
    if (search.status !== 200) failures.push(`search failed: ${search.status}`)
    if (metadataBytes > 0) {
      // Acknowledged or not, every organization that is visible must be whole.
      for (const org of search.body.organizations ?? []) {
        if (!String(org.organization_slug).startsWith(`org-${iteration}-`)) continue
        const defect = metadataDefect(org.trusted_metadata)
        if (defect) failures.push(`organization ${org.organization_slug}: ${defect}`)
      }
    }
    const slugs: string[] = (search.body.organizations ?? []).map(
      (o: { organization_slug: string }) => o.organization_slug.toLowerCase(),
    )
    if (new Set(slugs).size !== slugs.length) failures.push('two organizations share a slug')
    const dup = await callStytch(
      cli.target,
      'GET',
      `/v1/b2b/organizations/${homeId}/member?email_address=dup-${iteration}@crash.test`,
    )
    const dupAcked = ackedMembers.filter((m) => m.email === `dup-${iteration}@crash.test`)
    if (dupAcked.length > 1) failures.push('one email was acknowledged twice in an organization')
    if (dupAcked.length === 1 && dup.body.member?.member_id !== dupAcked[0]?.id) {
      failures.push('the acknowledged duplicate-email member is not the stored one')
    }
    const write = await callStytch(cli.target, 'POST', '/v1/b2b/organizations', {
      organization_name: `After ${iteration}`,
      organization_slug: `after-${iteration}`,
    })
    if (write.status !== 200) failures.push(`write after restart failed: ${write.status}`)
  } finally {
    await stopCli(cli, 'SIGTERM')
  }
  const integrity = integrityOf(dataDir)
  if (integrity !== 'ok') failures.push(`integrity_check: ${integrity}`)
  return { acknowledged: acks, failures }
}
