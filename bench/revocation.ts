// `bench/revocation.ts` (part of `npm run bench`): revocation's two targets, propagation across 3 instances on a real Redis, and its cost on the hit path.
//
// 1. Propagation: three instances of one Express app (each its own auth core and ioredis client)
//    on loopback, one redis-server. Per trial a fresh session is verified by all three, logged out
//    on one of them in turn, and each of the other two is asked until it refuses the session's
//    JWT: the time from the logout's answer to that refusal. Target: p99 under 100 ms.
// 2. Hit path: the in-process harness of hot-path.ts, `ours` (revocation on, with a revoked
//    session held, so the check is not skipped) against `ours-no-revocation`, interleaved one
//    request at a time. Target: on is at most 2 % slower than off.
// Needs Debian's redis-server; without it the propagation half says so and is skipped.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import express from 'express'
import { Redis } from 'ioredis'
import { requireSession, stytchB2B } from 'stytch-b2b-middleware/express'
import { type LocalServer, startLocalServer } from 'stytch-b2b-middleware/local-server'
import { type App, discardingSocket, serve, signedInEnv } from './lib/in-process.js'
import { SMOKE } from './lib/mode.js'
import { fmt1, fmt2 } from './lib/report.js'
import { COOKIE_NAMES, login } from './lib/stytch.js'
import { createBenchApp } from './server.js'

const TRIALS = SMOKE ? 5 : 200
const HIT_REQUESTS = SMOKE ? 200 : 40_000

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function startRedis(): Promise<{ port: number; proc: ChildProcess } | undefined> {
  if (spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0) return undefined
  const port = await freePort()
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', ''])
  await new Promise<void>((resolve) => {
    let output = ''
    proc.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('Ready to accept connections')) resolve()
    })
  })
  return { port, proc }
}

/** One instance: its own stytchB2B() and Redis client, listening on loopback. */
async function startInstance(local: LocalServer, redisPort: number) {
  const client = new Redis(redisPort, '127.0.0.1')
  const app = express()
  app.use(
    stytchB2B({
      projectId: local.projectId,
      secret: local.secret,
      baseUrl: local.url,
      redis: { client },
      rateLimits: false,
      logger: { info() {}, warn() {} },
    }),
  )
  app.get('/protected', requireSession(), (_req, res) => res.json({}))
  const server: Server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  return { url, client, server }
}

async function propagation(local: LocalServer): Promise<number[] | undefined> {
  const redis = await startRedis()
  if (redis === undefined) return undefined
  const instances = await Promise.all([0, 1, 2].map(() => startInstance(local, redis.port)))
  const cookieOf = (jwt: string, token: string) =>
    `stytch_session_jwt=${jwt}; stytch_session=${token}`
  const status = async (url: string, cookie: string, method = 'GET', path = '/protected') =>
    (await fetch(`${url}${path}`, { method, headers: { cookie } })).status
  const delays: number[] = []
  try {
    for (let trial = 0; trial < TRIALS; trial++) {
      const session = await login(local, `org-${trial}`, `m${trial}@bench.test`)
      const cookie = cookieOf(session.sessionJwt, session.sessionToken)
      for (const instance of instances) {
        if ((await status(instance.url, cookie)) !== 200) throw new Error('not signed in')
      }
      const [origin, ...others] = [0, 1, 2].map((k) => instances[(trial + k) % 3]) as [
        (typeof instances)[number],
        ...typeof instances,
      ]
      await status(origin.url, cookie, 'POST', '/auth/sessions/revoke')
      const loggedOut = performance.now()
      for (const other of others) {
        while ((await status(other.url, cookie)) !== 401) {
          if (performance.now() - loggedOut > 5_000) throw new Error('revocation did not arrive')
        }
        delays.push(performance.now() - loggedOut)
      }
    }
  } finally {
    for (const instance of instances) {
      instance.server.closeAllConnections()
      instance.server.close()
      instance.client.disconnect()
    }
    redis.proc.kill()
  }
  return delays.sort((a, b) => a - b)
}

/** Median µs per request of `ours` (revocation on, one session revoked) and of `ours-no-revocation`. */
async function hitPath(local: LocalServer): Promise<{ on: number; off: number }> {
  const { env, tokens } = await signedInEnv(local)
  const on = createBenchApp('ours', env) as unknown as App
  const off = createBenchApp('ours-no-revocation', env) as unknown as App
  const socket = discardingSocket()
  // A revoked session in the set, so that every request of `on` looks it up.
  const bob = await login(local, 'beta', 'bob@beta.test')
  const bobCookie = `${COOKIE_NAMES.sessionJwt}=${bob.sessionJwt}; ${COOKIE_NAMES.sessionToken}=${bob.sessionToken}`
  await serve(on, socket, { host: '127.0.0.1:3000', cookie: bobCookie })
  await serve(
    on,
    socket,
    { host: '127.0.0.1:3000', cookie: bobCookie, 'content-length': '0' },
    {
      method: 'POST',
      url: '/auth/sessions/revoke',
    },
  )
  if ((await serve(on, socket, { host: '127.0.0.1:3000', cookie: bobCookie })) !== 401) {
    throw new Error('the revoked session was not refused')
  }
  const headersOf = (i: number) => ({
    host: '127.0.0.1:3000',
    authorization: Buffer.from(`Bearer ${tokens[i % tokens.length]}`, 'latin1').toString('latin1'),
  })
  for (let i = 0; i < 5_000; i++) {
    await serve(on, socket, headersOf(i))
    await serve(off, socket, headersOf(i))
  }
  const samples = { on: new Float64Array(HIT_REQUESTS), off: new Float64Array(HIT_REQUESTS) }
  for (let i = 0; i < HIT_REQUESTS; i++) {
    for (const [name, app] of (i % 2 === 0
      ? [
          ['on', on],
          ['off', off],
        ]
      : [
          ['off', off],
          ['on', on],
        ]) as ['on' | 'off', App][]) {
      const started = process.hrtime.bigint()
      await serve(app, socket, headersOf(i))
      samples[name][i] = Number(process.hrtime.bigint() - started) / 1000
    }
  }
  const median = (values: Float64Array) =>
    [...values].sort((a, b) => a - b)[values.length >> 1] as number
  return { on: median(samples.on), off: median(samples.off) }
}

const local = await startLocalServer()
try {
  const hit = await hitPath(local)
  const ratio = hit.off / hit.on
  process.stdout.write(
    `Revocation on the hit path (in-process, bearer, ${HIT_REQUESTS} requests each, interleaved):\n  on ${fmt1(hit.on)} µs, off ${fmt1(hit.off)} µs per request: on runs at ${fmt2(ratio)}x of off (target ≥ 0.98) ${ratio >= 0.98 ? 'PASS' : 'FAIL'}\n`,
  )
  const delays = await propagation(local)
  if (delays === undefined) {
    process.stdout.write('Revocation propagation: skipped, redis-server is not installed.\n')
  } else {
    const p99 = percentile(delays, 99)
    process.stdout.write(
      `Revocation propagation across 3 instances on one Redis (${delays.length} refusals): p50 ${fmt1(percentile(delays, 50))} ms, p99 ${fmt1(p99)} ms, max ${fmt1(delays.at(-1) as number)} ms (target p99 < 100 ms) ${p99 < 100 ? 'PASS' : 'FAIL'}\n`,
    )
  }
} finally {
  await local.close()
}
