// Child processes of the benchmark: servers pinned to core 0, load and micro-benchmarks to core 1.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { LoadResult, LoadSpec } from '../load.js'
import type { MemoryResult, MemorySpec } from '../memory.js'
import type { MicroResult, MicroSpec } from '../micro.js'
import type { ServerEnv, ServerKind } from '../server.js'
import { SMOKE } from './mode.js'

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url))

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Whether children are pinned to one core each (`taskset` present). */
export const PINNED = hasTaskset()

/** Spawns `node --import tsx <script>` on one core (when taskset exists). */
function spawnNode(
  core: number,
  script: string,
  args: string[],
  options: { nodeArgs?: string[]; ipc?: boolean; env?: Record<string, string> } = {},
): ChildProcess {
  const node = [...(options.nodeArgs ?? []), '--import', 'tsx', `${BENCH_DIR}${script}`, ...args]
  const [command, argv] = PINNED
    ? ['taskset', ['-c', String(core), process.execPath, ...node]]
    : [process.execPath, node]
  return spawn(command, argv, {
    stdio: ['ignore', 'pipe', 'pipe', ...(options.ipc ? (['ipc'] as const) : [])],
    env: { ...process.env, ...options.env },
  })
}

export interface RunningServer {
  url: string
  pid: number
  stop(): Promise<void>
}

/** Starts one contender on core 0 and resolves once it listens. */
export async function startServer(
  kind: ServerKind,
  env: ServerEnv,
  nodeArgs: string[] = [],
): Promise<RunningServer> {
  if (SMOKE) return startInProcess(kind, env)
  const child = spawnNode(0, 'server.ts', [kind], {
    ipc: true,
    nodeArgs,
    env: { BENCH_SERVER_ENV: JSON.stringify(env) },
  })
  child.stdout?.resume()
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-2000)
  })
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} server did not start`)), 20_000)
    child.once('message', (message: { port: number }) => {
      clearTimeout(timer)
      resolve(message.port)
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${kind} server exited with ${code}: ${stderr}`))
    })
  })
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid as number,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

/** Runs a child script to completion and resolves its stdout. */
export function runScript(
  core: number,
  script: string,
  args: string[],
  nodeArgs: string[] = [],
): Promise<string> {
  const child = spawnNode(core, script, args, { nodeArgs })
  const chunks: Buffer[] = []
  const errors: Buffer[] = []
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk))
  child.stderr?.on('data', (chunk: Buffer) => errors.push(chunk))
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => {
      const out = Buffer.concat(chunks).toString('utf8')
      if (code === 0) resolve(out)
      else {
        const err = Buffer.concat(errors).toString('utf8')
        reject(new Error(`${script} exited with ${code}: ${(out + err).slice(-1500)}`))
      }
    })
  })
}

/** Smoke mode: the same app in this process (child start-up would dominate a few-second run). */
async function startInProcess(kind: ServerKind, env: ServerEnv): Promise<RunningServer> {
  const { createBenchApp } = await import('../server.js')
  const server = createBenchApp(kind, env).listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    pid: process.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** The micro-benchmark on core 0. */
export async function runMicroBench(spec: MicroSpec): Promise<MicroResult> {
  if (SMOKE) return (await import('../micro.js')).runMicro(spec)
  return JSON.parse(await runScript(0, 'micro.ts', [JSON.stringify(spec)])) as MicroResult
}

/** The memory flood on core 0, with --expose-gc. */
export async function runMemoryFlood(spec: MemorySpec): Promise<MemoryResult> {
  if (SMOKE) return (await import('../memory.js')).runMemory(spec)
  const out = await runScript(0, 'memory.ts', [JSON.stringify(spec)], ['--expose-gc'])
  return JSON.parse(out) as MemoryResult
}

/** One autocannon run from core 1. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  if (SMOKE) return (await import('../load.js')).runQuickLoad(spec)
  const out = await runScript(1, 'load.ts', [JSON.stringify(spec)])
  return JSON.parse(out.trim().split('\n').pop() as string) as LoadResult
}
