// One app instance for the many-instances test: Express with stytchB2B() on a shared Stytch and Redis, listening on 127.0.0.1:0, its port on stdout.
import express from 'express'
import { Redis } from 'ioredis'
import { requireSession, stytchB2B } from '../../src/express/index.js'

const env = (name: string) => {
  const value = process.env[name]
  if (value === undefined) throw new Error(`${name} is not set`)
  return value
}

const redis = new Redis(Number(env('REDIS_PORT')), '127.0.0.1', {
  // Reconnect quickly, as production clients are told to; the test restarts Redis.
  retryStrategy: () => 50,
  maxRetriesPerRequest: 1,
  connectTimeout: 500,
})
redis.on('error', () => {})

const app = express()
app.set('trust proxy', 'loopback')
app.use(
  stytchB2B({
    projectId: env('STYTCH_PROJECT_ID'),
    secret: env('STYTCH_SECRET'),
    baseUrl: env('STYTCH_BASE_URL'),
    redis: { client: redis },
    rateLimits: JSON.parse(env('RATE_LIMITS')),
    logger: {
      info: (line) => process.stderr.write(`info: ${line}\n`),
      warn: (line) => process.stderr.write(`warn: ${line}\n`),
    },
  }),
)
app.get('/protected', requireSession(), (req, res) => {
  res.json({ memberId: req.member?.memberId, instance: process.pid })
})
// Listens once Redis is connected (or has not answered within a second: Redis down at start), so
// that the test's first requests are counted in Redis rather than in the start-up fallback.
await new Promise((resolve) => {
  redis.once('ready', resolve)
  setTimeout(resolve, 1000)
})
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as { port: number }).port}\n`)
})
