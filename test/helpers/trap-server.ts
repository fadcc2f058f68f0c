// A loopback server that only counts what reaches it: a token must never make us call it.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface TrapServer {
  url: string
  hits: () => number
  close(): Promise<void>
}

export async function startTrapServer(): Promise<TrapServer> {
  let hits = 0
  const server = createServer((_req, res) => {
    hits++
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: () => hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
