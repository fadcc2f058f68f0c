// Rate limits shared through a real Redis: N instances allow the configured number in all, and Redis out or frozen falls back per instance without a hang.
import { createHash } from 'node:crypto'
import request from 'supertest'
import { afterEach, describe, expect, test } from 'vitest'
import type { StytchB2BOptions } from '../../../src/index.js'
import { capturingLogger } from '../../helpers/logger.js'
import { RUN_REDIS, useRedisServer } from '../../helpers/redis-server.js'
import {
  ADAPTERS,
  latestCode,
  type Stack,
  type TestApp,
  useStackFactory,
} from '../../helpers/stack.js'

describe.runIf(RUN_REDIS).each(ADAPTERS)('$name', (adapter) => {
  const redis = useRedisServer()

  const startStack = useStackFactory(adapter)
  const { lines: logged, logger } = capturingLogger()
  const opened: TestApp[] = []
  let tests = 0
  afterEach(async () => {
    for (const app of opened.splice(0)) await app.auth.close()
  })

  /** Two instances of one app on one Stytch; each has its own Redis client. */
  async function twoInstances(
    options: StytchB2BOptions,
    shared: { timeoutMs?: number; redisDown?: boolean } = {},
  ) {
    logged.length = 0
    // One Redis for the file: each test counts under keys of its own.
    const keyPrefix = `test-${++tests}:`
    const redisOf = () => ({
      client: redis.client({ connectTimeout: shared.redisDown ? 200 : 1000 }),
      timeoutMs: shared.timeoutMs,
      keyPrefix,
    })
    const first = await startStack({ redis: redisOf(), logger, ...options })
    const second = adapter.createApp({
      projectId: first.local.projectId,
      secret: first.local.secret,
      baseUrl: first.proxy.url,
      now: first.clock.now,
      redis: redisOf(),
      logger,
      ...options,
    })
    opened.push(second)
    // Counted in Redis from the first request (before it connects, each instance counts alone).
    if (!shared.redisDown) await redis.connected()
    return [first, second] as [Stack, TestApp]
  }
  const send = (app: TestApp, email: string) =>
    request(app.app).post('/auth/otps/email/discovery/send').send({ email_address: email })

  test('two instances together allow exactly the configured sends, not twice as many', async () => {
    const [a, b] = await twoInstances({
      rateLimits: {
        sendsPerEmail: { max: 3, windowSeconds: 600 },
        sendsPerIp: { max: 8, windowSeconds: 600 },
      },
    })
    const statuses = []
    for (const app of [a, b, a, b, a, b]) statuses.push((await send(app, 'ada@acme.test')).status)
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429])
    // Per IP across both: the 6 requests for ada count (refused ones too); two more reach 8.
    expect((await send(b, 'bob@acme.test')).status).toBe(200)
    expect((await send(a, 'cy@acme.test')).status).toBe(200)
    expect((await send(b, 'dee@acme.test')).status).toBe(429)
    expect(a.upstream('POST /v1/b2b/otps/email/discovery/send')).toBe(5)
    // What Redis holds names no address, nor one's plain hash (a list of addresses cannot be
    // checked against it without the project secret).
    const keys = (await redis.client().keys(`test-${tests}:*`)).join('\n')
    expect(keys).toContain('limit:sendsPerEmail')
    for (const email of ['ada@acme.test', 'bob@acme.test']) {
      expect(keys).not.toContain(email)
      const plain = createHash('sha256').update(email).digest('base64url').slice(0, 22)
      expect(keys).not.toContain(plain)
    }
    expect(logged.filter((line) => line.startsWith('warn'))).toEqual([])
  })

  test('Redis frozen mid-run: answers come within the deadline, limited per instance, one warning each', async () => {
    const [a, b] = await twoInstances(
      { rateLimits: { sendsPerEmail: { max: 2, windowSeconds: 600 } } },
      { timeoutMs: 100 },
    )
    expect((await send(a, 'ada@acme.test')).status).toBe(200)
    redis.freeze()
    // Each instance falls back to its own memory: 2 more each, then 429; nothing waits for Redis.
    const statuses = []
    for (const app of [a, b, a, b, a, b]) statuses.push((await send(app, 'ada@acme.test')).status)
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429])
    expect(logged.filter((line) => line.includes('Redis is unreachable or slow'))).toHaveLength(2)
  })

  test('a request answered by the fallback is counted once, even when its Redis command fails later', async () => {
    const [a] = await twoInstances(
      { rateLimits: { sendsPerEmail: { max: 2, windowSeconds: 600 } } },
      { timeoutMs: 100 },
    )
    redis.freeze()
    expect((await send(a, 'ada@acme.test')).status).toBe(200) // past the deadline: counted here
    // The connection drops with that command still waiting: it fails now, after its answer.
    await redis.stop()
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect((await send(a, 'ada@acme.test')).status).toBe(200)
    expect((await send(a, 'ada@acme.test')).status).toBe(429)
  })

  test('Redis down at start: sign-in works under the per-instance fallback', async () => {
    await redis.stop()
    const [a] = await twoInstances({}, { redisDown: true })
    expect((await send(a, 'ada@acme.test')).status).toBe(200)
    const signedIn = await request(a.app)
      .post('/auth/otps/email/discovery/authenticate')
      .send({ email_address: 'ada@acme.test', code: latestCode(a.local, 'ada@acme.test') })
    expect(signedIn.status).toBe(200)
    expect(logged.filter((line) => line.includes('Redis is unreachable'))).not.toHaveLength(0)
  })
})
