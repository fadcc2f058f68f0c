// One benchmark contender as an Express 5 app with a protected GET /protected, run as a child process.
import type { AddressInfo } from 'node:net'
import express, { type Express, type NextFunction, type Request, type Response } from 'express'
import { expressjwt } from 'express-jwt'
import { createVerifier } from 'fast-jwt'
import buildGetJwks from 'get-jwks'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import jwksRsa from 'jwks-rsa'
import { B2BClient } from 'stytch'
import { requireSession, stytchB2B } from 'stytch-b2b-middleware/express'

/** The contenders, in table order. */
export const SERVER_KINDS = [
  'bare',
  'noop',
  'ours',
  'ours-no-revocation',
  'jose-direct',
  'express-jwt',
  'fast-jwt',
  'stytch-sdk',
] as const
export type ServerKind = (typeof SERVER_KINDS)[number]

export interface ServerEnv {
  url: string
  projectId: string
  secret: string
  /** Shifts our middleware's clock (used to make every JWT look expired for the refresh path). */
  nowOffsetMs: number
}

const COOKIE = 'stytch_session_jwt'
/** What bare Express answers: a member id as long as the local server's, so every body is as long. */
const BARE_MEMBER_ID = 'member-test-00000000-0000-4000-8000-000000000000'

/** The JWT of a request: `Authorization: Bearer …` first, else the session cookie. */
function tokenOf(req: Request): string | undefined {
  const authorization = req.headers.authorization
  if (authorization?.startsWith('Bearer ')) return authorization.slice(7)
  const cookie = req.headers.cookie
  if (cookie === undefined) return undefined
  for (const pair of cookie.split(';')) {
    const eq = pair.indexOf('=')
    if (eq !== -1 && pair.slice(0, eq).trim() === COOKIE) return pair.slice(eq + 1).trim()
  }
  return undefined
}

function refuse(res: Response): void {
  res.status(401).json({ error: 'unauthorized' })
}

/** `GET /protected` behind a guard that verifies the token with `memberIdOf` (the peers' shape). */
function protect(app: Express, memberIdOf: (token: string) => Promise<string | undefined>): void {
  app.get(
    '/protected',
    async function peerGuard(req: Request, res: Response, next: NextFunction) {
      const token = tokenOf(req)
      if (token === undefined) return refuse(res)
      try {
        res.locals.memberId = await memberIdOf(token)
      } catch {
        return refuse(res)
      }
      next()
    },
    function peer(_req, res) {
      res.json({ memberId: res.locals.memberId })
    },
  )
}

/** Builds the app of one contender. */
export function createBenchApp(kind: ServerKind, env: ServerEnv): Express {
  const app = express()
  app.disable('x-powered-by')
  const jwksUrl = `${env.url}/v1/b2b/sessions/jwks/${env.projectId}`
  const issuer = `stytch.com/${env.projectId}`
  switch (kind) {
    case 'bare':
      app.get('/protected', function bare(_req, res) {
        res.json({ memberId: BARE_MEMBER_ID })
      })
      break
    case 'noop':
      // Bare Express plus two middleware that do nothing: what any guard pays for being one.
      app.use(function noopUse(_req, _res, next) {
        next()
      })
      app.get(
        '/protected',
        function noopGuard(_req, _res, next) {
          next()
        },
        function noop(_req, res) {
          res.json({ memberId: BARE_MEMBER_ID })
        },
      )
      break
    case 'ours':
    case 'ours-no-revocation': {
      app.use(
        stytchB2B({
          projectId: env.projectId,
          secret: env.secret,
          baseUrl: env.url,
          ...(env.nowOffsetMs === 0 ? {} : { now: () => Date.now() + env.nowOffsetMs }),
          // As in production (`secure: 'auto'` under NODE_ENV=production): Secure, `__Host-`
          // names, and no reading of the request's scheme. In development on plain http the
          // scheme decides the names, which costs Express's trust-proxy getters (docs/benchmark.md).
          cookies: { secure: true },
          revocation: kind === 'ours',
          logger: { info() {}, warn() {} },
        }),
      )
      app.get('/protected', requireSession(), function ours(req, res) {
        res.json({ memberId: req.member?.memberId })
      })
      break
    }
    case 'jose-direct': {
      const keys = createRemoteJWKSet(new URL(jwksUrl))
      protect(app, async (token) => {
        const { payload } = await jwtVerify(token, keys, {
          algorithms: ['RS256'],
          issuer,
          audience: env.projectId,
        })
        return payload.sub
      })
      break
    }
    case 'express-jwt': {
      const guard = expressjwt({
        secret: jwksRsa.expressJwtSecret({
          cache: true,
          rateLimit: true,
          jwksRequestsPerMinute: 10,
          jwksUri: jwksUrl,
        }) as never,
        algorithms: ['RS256'],
        issuer,
        audience: env.projectId,
        getToken: tokenOf,
      })
      app.get('/protected', guard, function expressJwt(req, res) {
        res.json({ memberId: (req as Request & { auth?: { sub?: string } }).auth?.sub })
      })
      app.use(function unauthorized(
        _error: unknown,
        _req: Request,
        res: Response,
        _n: NextFunction,
      ) {
        refuse(res)
      })
      break
    }
    case 'fast-jwt': {
      // nearform's stack under @fastify/jwt: get-jwks fetches and caches the keys (lru-cache, with a
      // stale fallback), fast-jwt verifies with its verified-token cache on (1,000 tokens).
      const jwks = buildGetJwks({ jwksPath: `/v1/b2b/sessions/jwks/${env.projectId}` })
      const verify = createVerifier({
        key: async ({ header }: { header: { kid?: string; alg?: string } }) =>
          jwks.getPublicKey({ domain: env.url, kid: header.kid, alg: header.alg }),
        algorithms: ['RS256'],
        allowedIss: issuer,
        allowedAud: env.projectId,
        cache: true,
      })
      protect(app, async (token) => ((await verify(token)) as { sub?: string }).sub)
      break
    }
    case 'stytch-sdk': {
      const client = new B2BClient({
        project_id: env.projectId,
        secret: env.secret,
        env: `${env.url}/`,
      })
      protect(
        app,
        async (token) =>
          (await client.sessions.authenticateJwtLocal({ session_jwt: token })).member_id,
      )
      break
    }
  }
  return app
}

// Run as a child: `server.ts <kind>` with BENCH_SERVER_ENV (JSON); reports its port over IPC.
if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
  const kind = process.argv[2] as ServerKind
  if (!SERVER_KINDS.includes(kind)) throw new TypeError(`unknown server kind "${kind}"`)
  const env = JSON.parse(process.env.BENCH_SERVER_ENV ?? '{}') as ServerEnv
  const server = createBenchApp(kind, env).listen(0, '127.0.0.1', () => {
    process.send?.({ port: (server.address() as AddressInfo).port })
  })
  server.keepAliveTimeout = 30_000
  process.on('disconnect', () => process.exit(0))
  // A clean exit, so that --cpu-prof can write its profile.
  process.on('SIGTERM', () => process.exit(0))
}
