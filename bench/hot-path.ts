// `bench/hot-path.ts`: server CPU per request of the session hit path, ours against bare Express, in-process without sockets.
//
// The loopback benchmark (run.ts) is what users would see, but on a shared 2-core machine its
// per-request CPU moves by ±20 % between runs. This harness drives the same Express apps
// (server.ts) with real `IncomingMessage`/`ServerResponse` objects on a socket that discards what
// is written, one request at a time, so that only the per-request JavaScript work is measured and
// the difference between two contenders is stable to about a microsecond. Run it with
// `TSX_TSCONFIG_PATH=examples/tsconfig.run.json node --import tsx bench/hot-path.ts` after
// `npm run build`; add `--cpu-prof` to node for a profile of the whole run.
import { IncomingMessage, ServerResponse } from 'node:http'
import { Duplex } from 'node:stream'
import { startLocalServer } from 'stytch-b2b-middleware/local-server'
import { fmt1, fmt2, median } from './lib/report.js'
import { login, mintJwts } from './lib/stytch.js'
import { createBenchApp, type ServerEnv, type ServerKind } from './server.js'

const ROUNDS = Number(process.env.HOT_PATH_ROUNDS ?? 30)
const REQUESTS = Number(process.env.HOT_PATH_REQUESTS ?? 2_000)
/** `HOT_PATH_ONLY=ours` runs one contender (with bare), e.g. under `--cpu-prof`. */
const ONLY = process.env.HOT_PATH_ONLY

type Transport = 'none' | 'cookie' | 'bearer'
const CASES = (
  [
    ['bare', 'none'],
    ['ours', 'cookie'],
    ['ours', 'bearer'],
    ['fast-jwt', 'bearer'],
  ] as [ServerKind, Transport][]
).filter(([kind]) => ONLY === undefined || kind === 'bare' || kind === ONLY)

/** A socket that accepts every write at once and never reads. */
function discardingSocket(): Duplex {
  const socket = new Duplex({
    read() {},
    write(_chunk, _encoding, callback) {
      callback()
    },
    writev(_chunks, callback) {
      callback()
    },
  })
  Object.assign(socket, { remoteAddress: '127.0.0.1', encrypted: false })
  return socket
}

type App = (req: IncomingMessage, res: ServerResponse) => void

/** One GET /protected through `app`; resolves when the response has been written. */
function serve(app: App, socket: Duplex, headers: Record<string, string>): Promise<number> {
  const req = new IncomingMessage(socket as never)
  req.method = 'GET'
  req.url = '/protected'
  req.headers = headers
  req.complete = true
  req.push(null)
  const res = new ServerResponse(req)
  res.assignSocket(socket as never)
  return new Promise((resolve) => {
    res.once('finish', () => {
      res.detachSocket(socket as never)
      resolve(res.statusCode)
    })
    app(req, res)
  })
}

const local = await startLocalServer()
try {
  const ada = await login(local, 'acme', 'ada@acme.test')
  const tokens = await mintJwts(local, ada.sessionToken, 100, 8)
  const env: ServerEnv = {
    url: local.url,
    projectId: local.projectId,
    secret: local.secret,
    nowOffsetMs: 0,
  }
  const headersOf = (transport: Transport, i: number): Record<string, string> => {
    const token = tokens[i % tokens.length] as string
    const host = { host: '127.0.0.1:3000' }
    if (transport === 'cookie') return { ...host, cookie: `stytch_session_jwt=${token}` }
    if (transport === 'bearer') return { ...host, authorization: `Bearer ${token}` }
    return host
  }
  const apps = CASES.map(([kind]) => createBenchApp(kind, env) as unknown as App)
  const socket = discardingSocket()
  // Warm up: fetches the key sets, fills the token caches, lets the JIT settle.
  for (const [index, [kind, transport]] of CASES.entries()) {
    for (let i = 0; i < 5_000; i++) {
      const status = await serve(apps[index] as App, socket, headersOf(transport, i))
      if (status !== 200) throw new Error(`${kind} (${transport}) answered ${status}`)
    }
  }
  const results = new Map<string, number[]>()
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < CASES.length; k++) {
      const index = (k + round) % CASES.length
      const [kind, transport] = CASES[index] as [ServerKind, Transport]
      const headers = Array.from({ length: tokens.length }, (_, i) => headersOf(transport, i))
      const app = apps[index] as App
      const before = process.cpuUsage()
      for (let i = 0; i < REQUESTS; i++)
        await serve(app, socket, headers[i % headers.length] as never)
      const used = process.cpuUsage(before)
      const name = `${kind} (${transport})`
      results.set(name, [...(results.get(name) ?? []), (used.user + used.system) / REQUESTS])
    }
  }
  const bare = median(results.get('bare (none)') ?? [])
  const bareMin = Math.min(...(results.get('bare (none)') ?? []))
  process.stdout.write(
    `CPU per request, in-process, ${ROUNDS} interleaved rounds of ${REQUESTS} (median; min, the least disturbed)\n`,
  )
  for (const [name, values] of results) {
    const us = median(values)
    const min = Math.min(...values)
    process.stdout.write(
      `  ${name.padEnd(18)} ${fmt1(us).padStart(6)} µs  +${fmt1(us - bare).padStart(5)} µs  ${fmt2(bare / us)}x bare;  min ${fmt1(min).padStart(6)} µs  +${fmt1(min - bareMin).padStart(5)} µs  ${fmt2(bareMin / min)}x bare\n`,
    )
  }
} finally {
  await local.close()
}
