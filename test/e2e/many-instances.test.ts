// Three app processes on one Redis behind a round-robin on loopback: shared limits, revocation everywhere, a Redis restart and a Redis down at start.
import { type ChildProcess, spawn } from 'node:child_process'
import { createServer, request as httpRequest, type Server } from 'node:http'
import request from 'supertest'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { type LocalServer, startLocalServer } from '../../src/local-server/index.js'
import { cookieHeader, setCookiesOf } from '../helpers/cookies.js'
import { type RedisServer, RUN_REDIS, useRedisServer } from '../helpers/redis-server.js'
import { latestCode, seedOrganization } from '../helpers/stack.js'

const INSTANCE = new URL('./instance.ts', import.meta.url).pathname
const TSX = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname
const LIMITS = { sendsPerEmail: { max: 4, windowSeconds: 600 } }

interface Instance {
  url: string
  proc: ChildProcess
  log(): string
}

/** Starts one instance process; resolves with its URL once it listens. */
function startInstance(local: LocalServer, redis: RedisServer): Promise<Instance> {
  const proc = spawn(TSX, [INSTANCE], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      STYTCH_PROJECT_ID: local.projectId,
      STYTCH_SECRET: local.secret,
      STYTCH_BASE_URL: local.url,
      REDIS_PORT: String(redis.port),
      RATE_LIMITS: JSON.stringify(LIMITS),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  proc.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString()
  })
  return new Promise((resolve, reject) => {
    proc.stdout?.once('data', (chunk: Buffer) => {
      resolve({ url: `http://127.0.0.1:${chunk.toString().trim()}`, proc, log: () => log })
    })
    proc.once('exit', (code) => reject(new Error(`instance exited (${code}): ${log}`)))
  })
}

/** A round-robin HTTP proxy on loopback: request N goes to instance N mod 3, X-Forwarded-For kept. */
async function roundRobin(instances: Instance[]): Promise<{ url: string; server: Server }> {
  let next = 0
  const server = createServer((incoming, outgoing) => {
    const target = new URL(incoming.url ?? '/', instances[next++ % instances.length]?.url)
    const forwarded = httpRequest(
      target,
      {
        method: incoming.method,
        headers: { ...incoming.headers, 'x-forwarded-for': '198.51.100.7' },
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(outgoing)
      },
    )
    forwarded.on('error', () => outgoing.writeHead(502).end())
    incoming.pipe(forwarded)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server }
}

describe.runIf(RUN_REDIS)('three instances on one Redis', () => {
  const redis = useRedisServer()
  let local: LocalServer
  let running: Instance[] = []
  let proxy: { url: string; server: Server } | undefined

  beforeAll(async () => {
    local = await startLocalServer()
    await seedOrganization(local, 'acme', 'ada@acme.test')
  })
  afterEach(async () => {
    for (const instance of running.splice(0)) instance.proc.kill()
    proxy?.server.closeAllConnections()
    proxy?.server.close()
  })
  afterAll(async () => {
    await local?.close()
  })

  async function startAll(): Promise<string> {
    running = await Promise.all([0, 1, 2].map(() => startInstance(local, redis)))
    proxy = await roundRobin(running)
    return proxy.url
  }

  /** Signs ada in through the proxy (each step may land on another instance). */
  async function signInAda(url: string): Promise<string> {
    const sent = await request(url)
      .post('/auth/otps/email/login_or_signup')
      .send({ organization_id: 'acme', email_address: 'ada@acme.test' })
    expect(sent.status).toBe(200)
    const signedIn = await request(url)
      .post('/auth/otps/email/authenticate')
      .send({
        organization_id: 'acme',
        email_address: 'ada@acme.test',
        code: latestCode(local, 'ada@acme.test'),
      })
    expect(signedIn.status).toBe(200)
    return cookieHeader(setCookiesOf(signedIn))
  }

  /** Asks `url` until it answers `wanted` (pub/sub is asynchronous), bounded. */
  async function eventually(url: string, cookie: string, wanted: number): Promise<number> {
    let status = 0
    for (let attempt = 0; attempt < 100 && status !== wanted; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 20))
      status = (await request(url).get('/protected').set('cookie', cookie)).status
    }
    return status
  }

  test('the send limit holds across the three, and a logout is refused by all of them', async () => {
    const url = await startAll()
    const statuses = []
    for (let i = 0; i < 9; i++) {
      const sent = await request(url)
        .post('/auth/otps/email/discovery/send')
        .send({ email_address: 'limit@acme.test' })
      statuses.push(sent.status)
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429, 429, 429, 429])
    expect(local.outbox.list({ emailAddress: 'limit@acme.test' })).toHaveLength(4)

    const cookie = await signInAda(url)
    for (const instance of running) {
      expect((await request(instance.url).get('/protected').set('cookie', cookie)).status).toBe(200)
    }
    const logout = await request(url).post('/auth/sessions/revoke').set('cookie', cookie).send({})
    expect(logout.body).toEqual({ loggedOut: true, revoked: true })
    for (const instance of running) expect(await eventually(instance.url, cookie, 401)).toBe(401)
  })

  test('a Redis restart mid-run loses no request and breaks no session', async () => {
    const url = await startAll()
    const cookie = await signInAda(url)
    const statuses: number[] = []
    const served = { before: 0, outage: 0, after: 0 }
    let phase: keyof typeof served = 'before'
    // Requests run without a pause through three phases: Redis up, Redis stopped, Redis back.
    const traffic = (async () => {
      while (served.after < 20) {
        statuses.push((await request(url).get('/protected').set('cookie', cookie)).status)
        served[phase]++
      }
    })()
    const reach = async (count: () => number) => {
      for (let waited = 0; count() < 10 && waited < 20_000; waited += 10) {
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    }
    await reach(() => served.before)
    await redis.stop()
    phase = 'outage'
    const duringOutage = await request(url)
      .post('/auth/otps/email/discovery/send')
      .send({ email_address: 'outage@acme.test' })
    await reach(() => served.outage)
    await redis.start()
    phase = 'after'
    await traffic
    expect(served.outage).toBeGreaterThanOrEqual(10)
    expect(statuses.filter((status) => status !== 200)).toEqual([])
    expect(duringOutage.status).toBe(200)
    // Still one session, still signed in on every instance once Redis is back.
    for (const instance of running) {
      expect((await request(instance.url).get('/protected').set('cookie', cookie)).status).toBe(200)
    }
  })

  test('Redis down at start: sign-in and sessions work under the fallback, and each instance says so', async () => {
    await redis.stop()
    const url = await startAll()
    const cookie = await signInAda(url)
    for (const instance of running) {
      expect((await request(instance.url).get('/protected').set('cookie', cookie)).status).toBe(200)
    }
    const logout = await request(url).post('/auth/sessions/revoke').set('cookie', cookie).send({})
    expect(logout.status).toBe(200)
    expect(running.some((instance) => instance.log().includes('Redis is unreachable'))).toBe(true)
  })
})
