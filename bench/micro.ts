// Micro-benchmark child (one core): per-token verification cost of the floor, jose, the SDK and ours.
import { createPublicKey, type KeyObject, verify } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose'
import { B2BClient } from 'stytch'
import { Bench } from 'tinybench'
import { bearerRequest, createBenchAuth } from './lib/ours.js'

export interface MicroSpec {
  url: string
  projectId: string
  secret: string
  /** JSON array of distinct valid JWTs; more of them than ours caches, so cycling always misses. */
  tokensFile: string
  rounds: number
  timeMs: number
}

/** Microseconds per token, one entry per round. */
export type MicroResult = Record<string, number[]>

export const MICRO_CASES = [
  'node:crypto RS256 verify (floor)',
  'jose.jwtVerify, local key set',
  'stytch-sdk authenticateJwtLocal',
  'ours, cache hit',
  'ours, cache miss',
] as const

/** Runs the micro-benchmark in this process. */
export async function runMicro(spec: MicroSpec): Promise<MicroResult> {
  const tokens = JSON.parse(readFileSync(spec.tokensFile, 'utf8')) as string[]
  const jwks = (await (
    await fetch(`${spec.url}/v1/b2b/sessions/jwks/${spec.projectId}`)
  ).json()) as JSONWebKeySet
  const rawKeys = new Map<string, KeyObject>()
  for (const jwk of jwks.keys)
    rawKeys.set(jwk.kid as string, createPublicKey({ key: jwk, format: 'jwk' }))
  const localSet = createLocalJWKSet(jwks)
  const issuer = `stytch.com/${spec.projectId}`
  const sdk = new B2BClient({
    project_id: spec.projectId,
    secret: spec.secret,
    env: `${spec.url}/`,
  })
  // Cycling through more distinct tokens than the cache holds makes every lookup an LRU miss.
  const auth = createBenchAuth(spec, {
    verifiedJwtCacheSize: Math.max(1, Math.min(10_000, Math.floor(tokens.length / 2))),
  })
  const first = tokens[0] as string
  const hit = bearerRequest(first)
  const check = await auth.authenticate(hit)
  if (!check.session) throw new Error('ours refused a valid token')
  await sdk.sessions.authenticateJwtLocal({ session_jwt: first })

  let i = 0
  let missCursor = 0
  const nextToken = () => tokens[i++ % tokens.length] as string
  const cases: Record<(typeof MICRO_CASES)[number], () => unknown> = {
    'node:crypto RS256 verify (floor)': () => {
      const jwt = nextToken()
      const dot = jwt.lastIndexOf('.')
      const kid = JSON.parse(Buffer.from(jwt.slice(0, jwt.indexOf('.')), 'base64url').toString())
        .kid as string
      const ok = verify(
        'sha256',
        Buffer.from(jwt.slice(0, dot)),
        rawKeys.get(kid) as KeyObject,
        Buffer.from(jwt.slice(dot + 1), 'base64url'),
      )
      if (!ok) throw new Error('bad signature')
    },
    'jose.jwtVerify, local key set': () =>
      jwtVerify(nextToken(), localSet, { algorithms: ['RS256'], issuer, audience: spec.projectId }),
    'stytch-sdk authenticateJwtLocal': () =>
      sdk.sessions.authenticateJwtLocal({ session_jwt: nextToken() }),
    'ours, cache hit': async () => {
      if (!(await auth.authenticate(hit)).session) throw new Error('refused')
    },
    'ours, cache miss': async () => {
      // Its own cursor: its reuse distance is always the whole pool, twice what ours caches.
      const jwt = tokens[missCursor++ % tokens.length] as string
      if (!(await auth.authenticate(bearerRequest(jwt))).session) throw new Error('refused')
    },
  }
  const result: MicroResult = {}
  for (let round = 0; round < spec.rounds; round++) {
    const bench = new Bench({ time: spec.timeMs, warmupTime: Math.min(200, spec.timeMs) })
    // Rotate the order each round so drift and GC debt do not always land on the same case.
    const names = MICRO_CASES.map((_, k) => MICRO_CASES[(k + round) % MICRO_CASES.length])
    for (const name of names) if (name) bench.add(name, cases[name])
    await bench.run()
    for (const task of bench.tasks) {
      const r = task.result
      if (r.state !== 'completed') throw new Error(`${task.name}: ${r.state}`)
      result[task.name] ??= []
      result[task.name]?.push(r.latency.p50 * 1000)
    }
  }
  return result
}

// Runs as a child: `micro.ts '<MicroSpec JSON>'`; prints the result as JSON.
if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
  const out = await runMicro(JSON.parse(process.argv[2] ?? '{}') as MicroSpec)
  process.stdout.write(`${JSON.stringify(out)}\n`)
  process.exit(0)
}
