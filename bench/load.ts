// Load generator child: one autocannon run against one URL, tokens cycled in order; prints JSON.
import { readFileSync } from 'node:fs'
import autocannon from 'autocannon'
import { COOKIE_NAMES } from './lib/stytch.js'

export interface LoadSpec {
  url: string
  connections: number
  /** Seconds; ignored when `amount` is set. */
  durationSec: number
  amount?: number | undefined
  /** JSON file holding an array of JWTs, cycled in order; none sends no credentials. */
  tokensFile?: string | undefined
  /** How to send each JWT. */
  transport: 'cookie' | 'bearer' | 'none'
  /** Seconds of unmeasured load first (same child, same tokens), to warm the JIT and caches. */
  warmupSec?: number | undefined
  /** Sent before the JWT cookie, e.g. the session token cookie for the refresh path. */
  extraCookie?: string | undefined
}

export interface LoadResult {
  rps: number
  /** Milliseconds. */
  p50: number
  p99: number
  requests: number
  non2xx: number
  errors: number
}

/** One autocannon run; latencies are kept at full resolution (autocannon's histogram keeps whole ms). */
export async function runAutocannon(spec: LoadSpec): Promise<LoadResult> {
  const tokens: string[] = spec.tokensFile
    ? (JSON.parse(readFileSync(spec.tokensFile, 'utf8')) as string[])
    : []
  let next = 0
  const headersFor = (): Record<string, string> => {
    if (spec.transport === 'none' || tokens.length === 0) return {}
    const token = tokens[next++ % tokens.length] as string
    return spec.transport === 'cookie'
      ? {
          cookie: `${spec.extraCookie ? `${spec.extraCookie}; ` : ''}${COOKIE_NAMES.sessionJwt}=${token}`,
        }
      : { authorization: `Bearer ${token}` }
  }
  const latencies: number[] = []
  const started = process.hrtime.bigint()
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${spec.url}/protected`,
        connections: spec.connections,
        ...(spec.amount === undefined ? { duration: spec.durationSec } : { amount: spec.amount }),
        requests: [
          { method: 'GET', setupRequest: (request) => ({ ...request, headers: headersFor() }) },
        ],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    )
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode < 300) latencies.push(responseTime)
    })
  })
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  latencies.sort((a, b) => a - b)
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN
  return {
    rps:
      spec.amount === undefined
        ? result.requests.total / result.duration
        : result.requests.total / seconds,
    p50: at(0.5),
    p99: at(0.99),
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  }
}

/**
 * Smoke mode only: the same requests from this process with a plain keep-alive agent (autocannon
 * ticks once a second, which alone would make the smoke run take tens of seconds).
 */
export async function runQuickLoad(spec: LoadSpec): Promise<LoadResult> {
  const { Agent, get } = await import('node:http')
  const tokens: string[] = spec.tokensFile
    ? (JSON.parse(readFileSync(spec.tokensFile, 'utf8')) as string[])
    : []
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections })
  const amount = spec.amount ?? 100
  const latencies: number[] = []
  let non2xx = 0
  let errors = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: amount }, (_, i) => {
      const token = tokens.length === 0 ? undefined : (tokens[i % tokens.length] as string)
      const headers: Record<string, string> =
        token === undefined || spec.transport === 'none'
          ? {}
          : spec.transport === 'cookie'
            ? {
                cookie: `${spec.extraCookie ? `${spec.extraCookie}; ` : ''}${COOKIE_NAMES.sessionJwt}=${token}`,
              }
            : { authorization: `Bearer ${token}` }
      const t0 = performance.now()
      return new Promise<void>((resolve) => {
        const req = get(`${spec.url}/protected`, { agent, headers }, (res) => {
          res.resume()
          res.on('end', () => {
            if ((res.statusCode ?? 0) < 300) latencies.push(performance.now() - t0)
            else non2xx++
            resolve()
          })
        })
        req.on('error', () => {
          errors++
          resolve()
        })
      })
    }),
  )
  agent.destroy()
  latencies.sort((a, b) => a - b)
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN
  return {
    rps: amount / ((performance.now() - started) / 1000),
    p50: at(0.5),
    p99: at(0.99),
    requests: amount,
    non2xx,
    errors,
  }
}

// Runs as a child: `load.ts '<LoadSpec JSON>'`; prints the result as JSON.
if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
  const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec
  if (spec.warmupSec) {
    await runAutocannon({ ...spec, durationSec: spec.warmupSec, amount: undefined })
  }
  const out = await runAutocannon(spec)
  process.stdout.write(`${JSON.stringify(out)}\n`)
}
