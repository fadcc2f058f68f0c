// A real redis-server (Debian's package) on a free loopback port, started and stopped by the tests that share state through it.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { createServer } from 'node:net'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { lateBound } from './late-bound.js'

const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' })
const BINARY = found.status === 0 ? found.stdout.trim() : undefined

/** Locally a missing redis-server skips the Redis tests (saying how to run them); in CI they must run. */
export const RUN_REDIS = BINARY !== undefined || Boolean(process.env.CI)
if (BINARY === undefined && !process.env.CI) {
  process.stderr.write(
    'redis-server is not installed: the Redis tests are skipped. Install it (Debian: apt-get install redis-server) to run them; .ci/run does.\n',
  )
}

export interface RedisServer {
  port: number
  url: string
  /** A new ioredis client on it; closed by `close()`. */
  client(options?: { connectTimeout?: number }): Redis
  /**
   * Resolves once every client made so far is connected: a request sent before that is counted
   * by the per-instance fallback (as in production right after start), not in Redis.
   */
  connected(): Promise<void>
  /** Stops the server (SIGTERM, nothing kept on disk), as a crash or a restart would. */
  stop(): Promise<void>
  /** Starts it again on the same port (nothing to do while it runs). */
  start(): Promise<void>
  /** Freezes the process (SIGSTOP): connections stay open, nothing answers. `resume()` undoes it. */
  freeze(): void
  resume(): void
  close(): Promise<void>
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Starts redis-server on 127.0.0.1 with no persistence; resolves once it accepts connections. */
export async function startRedisServer(): Promise<RedisServer> {
  if (BINARY === undefined)
    throw new Error("redis-server is missing: CI must install Debian's redis-server")
  const port = await freePort()
  const clients: Redis[] = []
  let running: ChildProcess | undefined
  const start = async () => {
    if (running !== undefined && running.exitCode === null) return
    const child = spawn(
      BINARY,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    running = child
    await new Promise<void>((resolve, reject) => {
      let output = ''
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        if (output.includes('Ready to accept connections')) resolve()
      })
      child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)))
    })
  }
  const stop = async () => {
    const child = running
    running = undefined
    if (child === undefined || child.exitCode !== null) return
    child.kill('SIGCONT')
    await new Promise((resolve) => {
      child.once('exit', resolve)
      child.kill('SIGTERM')
    })
  }
  await start()
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    client(options = {}) {
      // Reconnect quickly, as a production client would be told to; the tests restart Redis.
      const client = new Redis(port, '127.0.0.1', {
        retryStrategy: () => 50,
        maxRetriesPerRequest: 1,
        ...options,
      })
      client.on('error', () => {})
      clients.push(client)
      return client
    },
    async connected() {
      await Promise.all(
        clients.map((client) =>
          client.status === 'ready' || client.status === 'end'
            ? undefined
            : new Promise((resolve) => client.once('ready', resolve)),
        ),
      )
    },
    stop,
    start,
    freeze: () => running?.kill('SIGSTOP'),
    resume: () => running?.kill('SIGCONT'),
    async close() {
      for (const client of clients.splice(0)) client.disconnect()
      await stop()
    },
  }
}

/**
 * Registers hooks that start one redis-server for the file and close it after, and leave it
 * running and unfrozen after each test (a test may stop or freeze it).
 * @example const redis = useRedisServer(); redis.client()
 */
export function useRedisServer(): RedisServer {
  const redis = lateBound<RedisServer>('the Redis server')
  let started: RedisServer | undefined
  beforeAll(async () => {
    started = await startRedisServer()
    redis.set(started)
  })
  afterEach(async () => {
    started?.resume()
    await started?.start()
  })
  afterAll(async () => {
    await started?.close()
  })
  return redis.value
}
