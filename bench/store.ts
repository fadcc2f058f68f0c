// The durable local store against the in-memory one in the same run: OTP send and authenticate
// throughput of `stytch-b2b-local` (a child process, built CLI) on each, interleaved rounds; and
// how long a restart takes after a SIGKILL in the middle of writes.
// Alone: npm run build && node --import tsx bench/store.ts [--smoke]
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openSqliteStore } from 'stytch-b2b-middleware/local-server'
import { fmt2, median } from './lib/report.js'

const CLI = new URL('../dist/local-server/cli.js', import.meta.url).pathname
const PROJECT_ID = 'project-test-bench-store'
const SECRET = 'secret-test-bench-store'
const AUTH = `Basic ${Buffer.from(`${PROJECT_ID}:${SECRET}`).toString('base64')}`

export interface StoreBenchSize {
  rounds: number
  /** Distinct members: one send and one authenticate each, per round and store. */
  members: number
  concurrency: number
  /** SIGKILL-and-restart iterations. */
  restarts: number
}

export interface StoreBenchResult {
  /** Requests per second, one entry per round. */
  send: { memory: number[]; durable: number[] }
  authenticate: { memory: number[]; durable: number[] }
  /** Durable / in-memory, paired within each round. */
  sendRatio: number[]
  authenticateRatio: number[]
  /** Spawn to "listening", ms: after a SIGKILL mid-writes, and after a clean stop. */
  restartAfterKillMs: number[]
  restartAfterStopMs: number[]
  /** Spawn to "listening" of `--memory` (no store at all): node start-up and key generation. */
  startMemoryMs: number[]
  /** `openSqliteStore` alone (this process) on the data dir right after the SIGKILL. */
  openAfterKillMs: number[]
}

interface Cli {
  proc: ChildProcess
  url: string
  startedMs: number
}

async function startCli(args: string[]): Promise<Cli> {
  const t0 = performance.now()
  const proc = spawn(
    process.execPath,
    [CLI, '--port', '0', '--project-id', PROJECT_ID, '--secret', SECRET, ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let text = ''
  const found = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      text += chunk.toString()
      const match = text.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)
      if (match?.[1]) resolve(match[1])
    }
    proc.stdout?.on('data', onData)
    proc.stderr?.on('data', onData)
    proc.once('exit', () => reject(new Error(`the CLI exited:\n${text}`)))
  })
  const url = await found
  return { proc, url, startedMs: performance.now() - t0 }
}

async function stop(cli: Cli, signal: NodeJS.Signals): Promise<void> {
  if (cli.proc.exitCode !== null || cli.proc.signalCode !== null) return
  const exited = once(cli.proc, 'exit')
  cli.proc.kill(signal)
  await exited
}

async function call(url: string, method: string, path: string, body?: unknown) {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: AUTH, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  // biome-ignore lint/suspicious/noExplicitAny: Stytch bodies
  const json: any = await res.json()
  if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${json.error_type}`)
  return json
}

/** Runs `fn(i)` for i < n with `concurrency` in flight; returns requests per second. */
async function rate(n: number, concurrency: number, fn: (i: number) => Promise<unknown>) {
  let next = 0
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await fn(next++)
    }),
  )
  return n / ((performance.now() - t0) / 1000)
}

/** One store's OTP send and authenticate throughput, on a fresh server. */
async function measure(args: string[], size: StoreBenchSize, round: number) {
  const cli = await startCli(args)
  try {
    const org = (
      await call(cli.url, 'POST', '/v1/b2b/organizations', {
        organization_name: `Bench ${round}`,
        organization_slug: `bench-${round}`,
      })
    ).organization.organization_id
    const emails = Array.from({ length: size.members }, (_, i) => `m${i}-${round}@bench.test`)
    await rate(emails.length, size.concurrency, (i) =>
      call(cli.url, 'POST', `/v1/b2b/organizations/${org}/members`, { email_address: emails[i] }),
    )
    const send = await rate(emails.length, size.concurrency, (i) =>
      call(cli.url, 'POST', '/v1/b2b/otps/email/login_or_signup', {
        organization_id: org,
        email_address: emails[i],
      }),
    )
    const codes = (
      await call(cli.url, 'GET', '/__local/outbox').then((body) => body.messages)
    ).reduce((map: Map<string, string>, m: { to: string; code: string }) => {
      if (!map.has(m.to)) map.set(m.to, m.code)
      return map
    }, new Map<string, string>())
    const authenticate = await rate(emails.length, size.concurrency, (i) =>
      call(cli.url, 'POST', '/v1/b2b/otps/email/authenticate', {
        organization_id: org,
        email_address: emails[i],
        code: codes.get(emails[i] as string),
      }),
    )
    return { send, authenticate }
  } finally {
    await stop(cli, 'SIGTERM')
  }
}

export async function runStoreBench(
  size: StoreBenchSize,
  log: (line: string) => void = () => {},
): Promise<StoreBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'stytch-bench-store-'))
  const result: StoreBenchResult = {
    send: { memory: [], durable: [] },
    authenticate: { memory: [], durable: [] },
    sendRatio: [],
    authenticateRatio: [],
    restartAfterKillMs: [],
    restartAfterStopMs: [],
    startMemoryMs: [],
    openAfterKillMs: [],
  }
  try {
    for (let round = 0; round < size.rounds; round += 1) {
      log(`store round ${round + 1}/${size.rounds}: in memory, then durable`)
      const memory = await measure(['--memory'], size, round)
      const durable = await measure(['--data-dir', join(dir, `round-${round}`)], size, round)
      result.send.memory.push(memory.send)
      result.send.durable.push(durable.send)
      result.authenticate.memory.push(memory.authenticate)
      result.authenticate.durable.push(durable.authenticate)
      result.sendRatio.push(durable.send / memory.send)
      result.authenticateRatio.push(durable.authenticate / memory.authenticate)
    }
    log(`store restarts: ${size.restarts} after SIGKILL mid-writes, ${size.restarts} after SIGTERM`)
    const dataDir = join(dir, 'restarts')
    for (let i = 0; i < size.restarts; i += 1) {
      const cli = await startCli(['--data-dir', dataDir])
      let writing = true
      const writes = Array.from({ length: 8 }, async (_, w) => {
        for (let n = 0; writing; n += 1) {
          try {
            await call(cli.url, 'POST', '/v1/b2b/organizations', {
              organization_name: `Restart ${i}-${w}-${n}`,
              trusted_metadata: { pad: 'x'.repeat(100_000) },
            })
          } catch {
            return
          }
        }
      })
      await new Promise((resolve) => setTimeout(resolve, 150))
      await stop(cli, 'SIGKILL')
      writing = false
      await Promise.all(writes)
      // The store's own share, first on a copy of the killed state: a fresh process would
      // find the same files (WAL and all) that the CLI below finds.
      const copy = join(dir, `killed-${i}`)
      cpSync(dataDir, copy, { recursive: true })
      const t0 = performance.now()
      const store = await openSqliteStore(copy)
      result.openAfterKillMs.push(performance.now() - t0)
      store.close()
      const after = await startCli(['--data-dir', dataDir])
      result.restartAfterKillMs.push(after.startedMs)
      await stop(after, 'SIGTERM')
      const clean = await startCli(['--data-dir', dataDir])
      result.restartAfterStopMs.push(clean.startedMs)
      await stop(clean, 'SIGTERM')
      const memory = await startCli(['--memory'])
      result.startMemoryMs.push(memory.startedMs)
      await stop(memory, 'SIGTERM')
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return result
}

export const percentile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const smoke = process.argv.includes('--smoke')
  const r = await runStoreBench(
    smoke
      ? { rounds: 1, members: 30, concurrency: 4, restarts: 2 }
      : { rounds: 3, members: 1000, concurrency: 16, restarts: 20 },
    (line) => process.stderr.write(`[store] ${line}\n`),
  )
  const say = (line: string) => process.stdout.write(`${line}\n`)
  say(
    `OTP send rps, memory ${r.send.memory.map(Math.round).join('/')}, durable ${r.send.durable.map(Math.round).join('/')}: durable/memory median ${fmt2(median(r.sendRatio))}x (${r.sendRatio.map(fmt2).join(', ')})`,
  )
  say(
    `OTP authenticate rps, memory ${r.authenticate.memory.map(Math.round).join('/')}, durable ${r.authenticate.durable.map(Math.round).join('/')}: durable/memory median ${fmt2(median(r.authenticateRatio))}x (${r.authenticateRatio.map(fmt2).join(', ')})`,
  )
  say(
    `restart after SIGKILL mid-writes: p50 ${Math.round(percentile(r.restartAfterKillMs, 0.5))} ms, max ${Math.round(Math.max(...r.restartAfterKillMs))} ms; after SIGTERM: p50 ${Math.round(percentile(r.restartAfterStopMs, 0.5))} ms, max ${Math.round(Math.max(...r.restartAfterStopMs))} ms (spawn to "listening", node start-up included); --memory start: p50 ${Math.round(percentile(r.startMemoryMs, 0.5))} ms; openSqliteStore after SIGKILL: p50 ${percentile(r.openAfterKillMs, 0.5).toFixed(1)} ms, max ${Math.max(...r.openAfterKillMs).toFixed(1)} ms`,
  )
}
