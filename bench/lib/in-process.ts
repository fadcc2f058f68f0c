// Driving an app in-process: real IncomingMessage/ServerResponse objects on a socket that discards what is written.
import { IncomingMessage, ServerResponse } from 'node:http'
import { Duplex } from 'node:stream'
import type { LocalServer } from 'stytch-b2b-middleware/local-server'
import type { ServerEnv } from '../server.js'
import { login, mintJwts } from './stytch.js'

/** A socket that accepts every write at once and never reads. */
export function discardingSocket(): Duplex {
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

export type App = (req: IncomingMessage, res: ServerResponse) => void

/** One request (by default GET /protected) through `app`; resolves when the response is written. */
export function serve(
  app: App,
  socket: Duplex,
  headers: Record<string, string>,
  { method = 'GET', url = '/protected' } = {},
): Promise<number> {
  const req = new IncomingMessage(socket as never)
  req.method = method
  req.url = url
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

/** The bench apps' settings on `local`, and 100 valid session JWTs of one signed-in member. */
export async function signedInEnv(
  local: LocalServer,
): Promise<{ env: ServerEnv; tokens: string[] }> {
  const ada = await login(local, 'acme', 'ada@acme.test')
  const tokens = await mintJwts(local, ada.sessionToken, 100, 8)
  const env = { url: local.url, projectId: local.projectId, secret: local.secret, nowOffsetMs: 0 }
  return { env, tokens }
}
