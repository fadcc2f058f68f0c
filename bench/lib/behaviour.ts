// Behaviour under stress, per contender: cold burst, key rotation, unknown-kid flood (JWKS fetch counts).
import { Agent, get } from 'node:http'
import { type LocalServer, startLocalServer } from 'stytch-b2b-middleware/local-server'
import type { ServerKind } from '../server.js'
import { PINNED, type RunningServer, runLoad, startServer } from './processes.js'
import { login, mintJwts } from './stytch.js'

export const JWKS_ROUTE = 'GET /v1/b2b/sessions/jwks/{project_id}'

/** One GET /protected with a bearer JWT; resolves the status (0 on a socket error). */
export function getProtected(url: string, jwt: string, agent?: Agent): Promise<number> {
  return new Promise((resolve) => {
    const req = get(
      `${url}/protected`,
      { headers: { authorization: `Bearer ${jwt}` }, ...(agent ? { agent } : {}) },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      },
    )
    req.on('error', () => resolve(0))
  })
}

export interface Isolated {
  local: LocalServer
  server: RunningServer
  sessionToken: string
  jwt: string
  close(): Promise<void>
}

/** A contender with its own local Stytch server, so JWKS counts belong to it alone. */
export async function isolated(kind: ServerKind): Promise<Isolated> {
  const local = await startLocalServer()
  const signedIn = await login(local, 'acme', 'ada@acme.test')
  const server = await startServer(kind, {
    url: local.url,
    projectId: local.projectId,
    secret: local.secret,
    nowOffsetMs: 0,
  })
  local.resetRequestCounts()
  return {
    local,
    server,
    sessionToken: signedIn.sessionToken,
    jwt: signedIn.sessionJwt,
    close: async () => {
      await server.stop()
      await local.close()
    },
  }
}

export interface ColdBurstResult {
  fetches: number
  ok: number
  total: number
}

/** `count` simultaneous first requests on a cold process, each on its own socket. */
export async function coldBurst(target: Isolated, count: number): Promise<ColdBurstResult> {
  const agent = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY })
  const statuses = await Promise.all(
    Array.from({ length: count }, () => getProtected(target.server.url, target.jwt, agent)),
  )
  agent.destroy()
  return {
    fetches: target.local.requestCount(JWKS_ROUTE),
    ok: statuses.filter((s) => s === 200).length,
    total: count,
  }
}

export interface RotationResult {
  /** Milliseconds from the rotation until a new-kid JWT was first accepted (undefined: never). */
  windowMs: number | undefined
  /** Refused new-kid requests. */
  failures: number
  /** Refused new-kid requests sent later than `cooldownMs` after the previous JWKS fetch. */
  failuresAfterCooldown: number
  fetches: number
}

/**
 * Warms the contender (one JWKS fetch), rotates the signing key right away, then polls with a JWT
 * signed by the new `kid` every `pollMs` until it is accepted or `capMs` passes.
 */
export async function rotation(
  target: Isolated,
  opts: { pollMs: number; capMs: number; cooldownMs: number },
): Promise<RotationResult> {
  if ((await getProtected(target.server.url, target.jwt)) !== 200)
    throw new Error('warm-up refused')
  // The warm-up's JWKS fetch began before its answer arrived, so its cooldown ends by now + cooldown.
  const warmedAt = performance.now()
  await target.local.rotateKeys()
  const rotatedAt = performance.now()
  const [fresh] = await mintJwts(target.local, target.sessionToken, 1, 1)
  let failures = 0
  let failuresAfterCooldown = 0
  for (;;) {
    const sentAt = performance.now()
    const status = await getProtected(target.server.url, fresh as string)
    if (status === 200) {
      return {
        windowMs: performance.now() - rotatedAt,
        failures,
        failuresAfterCooldown,
        fetches: target.local.requestCount(JWKS_ROUTE),
      }
    }
    failures++
    if (sentAt - warmedAt > opts.cooldownMs) failuresAfterCooldown++
    if (performance.now() - rotatedAt > opts.capMs) {
      return {
        windowMs: undefined,
        failures,
        failuresAfterCooldown,
        fetches: target.local.requestCount(JWKS_ROUTE),
      }
    }
    await new Promise((resolve) => setTimeout(resolve, opts.pollMs))
  }
}

export interface FloodResult {
  fetches: number
  requests: number
  seconds: number
}

/** Distinct well-formed JWTs whose `kid` no key has (claims and signature copied from a real one). */
export function unknownKidTokens(jwt: string, count: number): string[] {
  const [, payload, signature] = jwt.split('.')
  return Array.from({ length: count }, (_, n) => {
    const header = Buffer.from(
      JSON.stringify({ alg: 'RS256', kid: `jwk-test-unknown-${n}`, typ: 'JWT' }),
    ).toString('base64url')
    return `${header}.${payload}.${signature}`
  })
}

/** Floods the (already warm) contender with unknown-kid JWTs and counts the JWKS fetches they cause. */
export async function unknownKidFlood(
  target: Isolated,
  tokensFile: string,
  opts: { durationSec: number; amount?: number | undefined },
): Promise<FloodResult> {
  target.local.resetRequestCounts()
  const started = performance.now()
  const load = await runLoad({
    url: target.server.url,
    connections: 16,
    durationSec: opts.durationSec,
    amount: opts.amount,
    tokensFile,
    transport: 'bearer',
  })
  return {
    fetches: target.local.requestCount(JWKS_ROUTE),
    requests: load.requests,
    seconds: (performance.now() - started) / 1000,
  }
}

export { PINNED }
