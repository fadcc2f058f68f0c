// Slow request bodies: a body dripped slower than bodyTimeoutMs is answered 408 ERR_BODY_TIMEOUT and the connection closed.
import { createServer, type Server } from 'node:http'
import { type AddressInfo, connect } from 'node:net'
import { afterEach, describe, expect, test } from 'vitest'
import { ADAPTERS, type Stack, useStackFactory } from '../helpers/stack.js'

const SEND = 'POST /v1/b2b/otps/email/discovery/send'

interface RawResponse {
  status: number
  headers: Map<string, string[]>
  body: string
}

/**
 * Sends the request head, then the body one byte every `dripMs` (each gap far shorter than the
 * deadline, so only a deadline on the whole body can fire) until the server closes the connection.
 */
function dripRequest(
  port: number,
  path: string,
  body: string,
  dripMs: number,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const received: Buffer[] = []
    let sent = 0
    let timer: NodeJS.Timeout | undefined
    socket.on('connect', () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
      )
      timer = setInterval(() => {
        if (sent < body.length) socket.write(body[sent++] as string)
      }, dripMs)
    })
    socket.on('data', (chunk) => received.push(chunk))
    socket.on('error', () => {}) // a drip written after the server closed: EPIPE/ECONNRESET
    socket.on('close', () => {
      clearInterval(timer)
      const text = Buffer.concat(received).toString('utf8')
      const [head = '', ...rest] = text.split('\r\n\r\n')
      const [statusLine = '', ...lines] = head.split('\r\n')
      const headers = new Map<string, string[]>()
      for (const line of lines) {
        const index = line.indexOf(':')
        const name = line.slice(0, index).toLowerCase()
        headers.set(name, [...(headers.get(name) ?? []), line.slice(index + 1).trim()])
      }
      const status = Number(statusLine.split(' ')[1])
      if (!status) reject(new Error(`no HTTP response before the connection closed: ${text}`))
      else resolve({ status, headers, body: rest.join('\r\n\r\n') })
    })
  })
}

describe.each(ADAPTERS)('$name', (adapter) => {
  const startStack = useStackFactory(adapter)
  let stack: Stack
  let server: Server
  afterEach(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  async function start(): Promise<number> {
    stack = await startStack({ bodyTimeoutMs: 300 })
    server = createServer(stack.app)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return (server.address() as AddressInfo).port
  }

  test('a dripped body gets 408 ERR_BODY_TIMEOUT, no cookie, no upstream call, a closed connection', async () => {
    const port = await start()
    const body = JSON.stringify({ email_address: `${'a'.repeat(60)}@b.test` }).padEnd(2000, ' ')
    const response = await dripRequest(port, '/auth/otps/email/discovery/send', body, 10)
    expect(response.status).toBe(408)
    expect(JSON.parse(response.body)).toEqual({
      error: {
        code: 'ERR_BODY_TIMEOUT',
        message: 'The request body did not arrive within 300 ms.',
      },
    })
    expect(response.headers.get('set-cookie')).toBeUndefined()
    expect(response.headers.get('connection')).toEqual(['close'])
    expect(response.headers.get('cache-control')).toEqual(['no-store'])
    expect(stack.upstream(SEND)).toBe(0)
  }, 15_000)

  test('a body that arrives in time is read as before', async () => {
    const port = await start()
    const response = await fetch(`http://127.0.0.1:${port}/auth/otps/email/discovery/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email_address: 'a@b.test' }),
    })
    expect(response.status).toBe(200)
    expect(stack.upstream(SEND)).toBe(1)
  })
})
