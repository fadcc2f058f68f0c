// `npm run bench:profile`: server CPU per request on the session hit path (ours vs bare), and its CPU profile.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startLocalServer } from 'stytch-b2b-middleware/local-server'
import { runLoad, startServer } from './lib/processes.js'
import { fmt1, median } from './lib/report.js'
import { login, mintJwts } from './lib/stytch.js'
import type { LoadSpec } from './load.js'
import type { ServerEnv, ServerKind } from './server.js'

const REPO_ROOT = new URL('..', import.meta.url).href
const ROUNDS = Number(process.env.PROFILE_ROUNDS ?? 3)
const SECONDS = Number(process.env.PROFILE_SECONDS ?? 4)
/** Unmeasured load first: a fresh server process compiles its hot code (on its own core) meanwhile. */
const WARMUP_SECONDS = Number(process.env.PROFILE_WARMUP_SECONDS ?? 3)
// Bare Express gets the same requests as the contenders (it ignores their token).
const CASES: [ServerKind, LoadSpec['transport']][] = [
  ['bare', 'cookie'],
  ['bare', 'bearer'],
  ['noop', 'bearer'],
  ['ours', 'cookie'],
  ['ours', 'bearer'],
  ['fast-jwt', 'bearer'],
]

/** CPU time (user + system) of a process so far, in microseconds, from /proc. */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  // After "pid (comm) ": state is field 0, utime 11, stime 12, in clock ticks (100 per second).
  return (Number(fields[11]) + Number(fields[12])) * 10_000
}

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

/**
 * Self time per frame of a .cpuprofile, in microseconds, from the first request served on (the
 * start-up is left out), with the idle time apart.
 */
function selfTimes(path: string): { busy: number; idle: number; frames: Map<string, number> } {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as {
    nodes: ProfileNode[]
    samples: number[]
    timeDeltas: number[]
  }
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id)
  const serving = (id: number | undefined): boolean =>
    id !== undefined &&
    ((byId.get(id) as ProfileNode).callFrame.functionName === 'parserOnIncoming' ||
      serving(parent.get(id)))
  const first = profile.samples.findIndex((id) => serving(id))
  const frames = new Map<string, number>()
  let busy = 0
  let idle = 0
  profile.samples.forEach((id, i) => {
    if (i < first) return
    const delta = profile.timeDeltas[i + 1] ?? 0
    const frame = (byId.get(id) as ProfileNode).callFrame
    if (frame.functionName === '(idle)') {
      idle += delta
      return
    }
    busy += delta
    // Paths relative to node_modules/ or to this checkout (dist/…, bench/…), wherever it is.
    const where = frame.url.replace(/^.*\/node_modules\//, '').replace(REPO_ROOT, '')
    const key = `${frame.functionName || '(anonymous)'} ${where}${where ? `:${frame.lineNumber + 1}` : ''}`
    frames.set(key, (frames.get(key) ?? 0) + delta)
  })
  return { busy, idle, frames }
}

const local = await startLocalServer()
const dir = mkdtempSync(join(tmpdir(), 'stytch-profile-'))
try {
  const ada = await login(local, 'acme', 'ada@acme.test')
  const tokens = await mintJwts(local, ada.sessionToken, 100, 8)
  const tokensFile = join(dir, 'tokens.json')
  writeFileSync(tokensFile, JSON.stringify(tokens))
  const env: ServerEnv = {
    url: local.url,
    projectId: local.projectId,
    secret: local.secret,
    nowOffsetMs: 0,
  }
  const spec = (
    url: string,
    transport: LoadSpec['transport'],
    durationSec = SECONDS,
  ): LoadSpec => ({
    url,
    connections: 32,
    durationSec,
    tokensFile: transport === 'none' ? undefined : tokensFile,
    transport,
  })

  // 1. CPU per request from /proc, interleaved rounds, no profiler attached.
  const perRequest = new Map<string, number[]>()
  for (let round = 0; round < ROUNDS; round++) {
    for (const [kind, transport] of CASES) {
      const server = await startServer(kind, env)
      try {
        await runLoad(spec(server.url, transport, WARMUP_SECONDS))
        const before = cpuMicros(server.pid)
        const result = await runLoad(spec(server.url, transport))
        const after = cpuMicros(server.pid)
        const name = `${kind} (${transport})`
        perRequest.set(name, [...(perRequest.get(name) ?? []), (after - before) / result.requests])
        process.stderr.write(`round ${round + 1} ${name}: ${Math.round(result.rps)} rps\n`)
      } finally {
        await server.stop()
      }
    }
  }
  const bare = median(perRequest.get('bare (bearer)') ?? [])
  process.stdout.write('\nServer CPU per request (user + system, /proc), median of rounds\n')
  for (const [name, values] of perRequest) {
    const us = median(values)
    process.stdout.write(
      `  ${name.padEnd(20)} ${fmt1(us)} µs  (+${fmt1(us - bare)} µs over bare; rounds ${values.map(fmt1).join(', ')})\n`,
    )
  }

  // 2. One CPU profile per case: self time per frame, per request.
  if (process.argv.includes('--prof')) {
    for (const [kind, transport] of CASES) {
      const profileDir = join(dir, `${kind}-${transport}`)
      const server = await startServer(kind, env, ['--cpu-prof', '--cpu-prof-dir', profileDir])
      let requests = 0
      try {
        const result = await runLoad(spec(server.url, transport))
        requests = result.requests
      } finally {
        await server.stop()
      }
      const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'))
      if (file === undefined) continue
      const { busy, frames } = selfTimes(join(profileDir, file))
      process.stdout.write(
        `\nProfile ${kind} (${transport}): ${fmt1(busy / requests)} µs sampled CPU per request (from the first request on)\n`,
      )
      const groups = new Map<string, number>()
      for (const [frame, micros] of frames) {
        const group = frame.includes(' dist/')
          ? 'ours (dist/)'
          : /lru-cache|cookie\//.test(frame)
            ? 'our dependencies (lru-cache, cookie)'
            : /fast-jwt|get-jwks|mnemonist|obliterator/.test(frame)
              ? 'fast-jwt + get-jwks'
              : /(express|router|parseurl|send|etag|finalhandler|on-finished|content-type|mime|type-is|vary)/.test(
                    frame,
                  )
                ? 'express, router and their dependencies'
                : frame.startsWith('(garbage collector)')
                  ? 'garbage collector'
                  : 'node and the rest'
        groups.set(group, (groups.get(group) ?? 0) + micros)
      }
      for (const [group, micros] of [...groups].sort((a, b) => b[1] - a[1])) {
        process.stdout.write(`  ${fmt1(micros / requests).padStart(6)} µs  [${group}]\n`)
      }
      const top = [...frames].sort((a, b) => b[1] - a[1]).slice(0, 25)
      for (const [frame, micros] of top) {
        process.stdout.write(`  ${fmt1(micros / requests).padStart(6)} µs  ${frame}\n`)
      }
    }
  }
} finally {
  await local.close()
  rmSync(dir, { recursive: true, force: true })
}
