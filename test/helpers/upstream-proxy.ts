// A loopback proxy in front of the local server that can inject upstream faults and publish extra JWKS keys.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { STYTCH_PATHS } from '../../src/wire/paths.js'

/** `/v1/b2b/sessions/jwks/`: every project's JWKS path starts with it. */
const JWKS_PATH_PREFIX = STYTCH_PATHS.sessionsJwks.replace('{project_id}', '')

/** What the proxy does instead of forwarding, for requests whose path starts with a prefix. */
export type Fault =
  | { kind: 'status'; status: number; body?: string; contentType?: string }
  | { kind: 'hang' }
  | { kind: 'drip'; intervalMs: number }
  | { kind: 'reset' }

export interface UpstreamProxy {
  url: string
  /** Requests received per path (query stripped). */
  count(path: string): number
  /** Injects a fault for paths starting with `prefix`; `undefined` removes it. */
  setFault(prefix: string, fault: Fault | undefined): void
  /** Public JWKs appended to the JWKS answer (for tokens the tests sign themselves). */
  extraKeys: Record<string, unknown>[]
  close(): Promise<void>
}

export async function startUpstreamProxy(target: string): Promise<UpstreamProxy> {
  const counts = new Map<string, number>()
  const faults = new Map<string, Fault>()
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()
  const extraKeys: Record<string, unknown>[] = []

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    counts.set(path, (counts.get(path) ?? 0) + 1)
    const fault = [...faults].find(([prefix]) => path.startsWith(prefix))?.[1]
    if (fault?.kind === 'hang') return
    if (fault?.kind === 'reset') {
      req.socket.destroy()
      return
    }
    if (fault?.kind === 'status') {
      res.writeHead(fault.status, { 'content-type': fault.contentType ?? 'application/json' })
      res.end(
        fault.body ??
          JSON.stringify({ status_code: fault.status, error_type: 'internal_server_error' }),
      )
      return
    }
    if (fault?.kind === 'drip') {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('{"keys":[')
      const timer = setInterval(() => res.write(' '), fault.intervalMs)
      timers.add(timer)
      res.on('close', () => clearInterval(timer))
      return
    }
    void forward(req, res, path)
  })

  async function forward(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const headers: Record<string, string> = {}
    for (const [key, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && key !== 'host' && key !== 'connection') headers[key] = value
    }
    const upstream = await fetch(new URL(req.url ?? '/', target), {
      method: req.method,
      headers,
      body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
    })
    let text = await upstream.text()
    if (path.startsWith(JWKS_PATH_PREFIX) && extraKeys.length > 0 && upstream.ok) {
      const body = JSON.parse(text) as { keys: unknown[] }
      body.keys.push(...extraKeys)
      text = JSON.stringify(body)
    }
    res.writeHead(upstream.status, { 'content-type': 'application/json' })
    res.end(text)
  }

  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    count: (path) => counts.get(path) ?? 0,
    setFault(prefix, fault) {
      if (fault === undefined) faults.delete(prefix)
      else faults.set(prefix, fault)
    },
    extraKeys,
    close: async () => {
      for (const timer of timers) clearInterval(timer)
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
