// The local server's development mailbox stays on this machine: requests must name the server in
// `Host` (DNS rebinding), and it will not listen beyond loopback unless told to, loudly.
import { once } from 'node:events'
import { request } from 'node:http'
import { connect } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type LocalServer, startLocalServer } from '../../src/local-server/index.js'
import { useCli, waitForOutput } from '../helpers/cli.js'
import { callStytch } from '../helpers/local-api.js'

/** GET over a real socket to 127.0.0.1:`port`, with exactly this `Host` header. */
function getWithHost(
  port: number,
  path: string,
  host: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers: { host } })
    req.on('response', (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        text += chunk
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
    })
    req.on('error', reject)
    req.end()
  })
}

const portOf = (local: LocalServer) => Number(new URL(local.url).port)

describe('Host check (DNS rebinding)', () => {
  let local: LocalServer
  let code: string
  beforeEach(async () => {
    local = await startLocalServer()
    const sent = await callStytch(local, 'POST', '/v1/b2b/otps/email/discovery/send', {
      email_address: 'kate@corp.test',
    })
    expect(sent.status).toBe(200)
    code = local.outbox.latest('kate@corp.test')?.code ?? ''
    expect(code).toMatch(/^\d{6}$/)
  })
  afterEach(async () => {
    await local.close()
  })

  it.each([
    'evil.example',
    'attacker.example:PORT',
    'localhost.attacker.example:PORT',
    '127.0.0.1.nip.io:PORT',
    '127.0.0.1:1',
    'localhost',
  ])('refuses the outbox to Host %j with 403 host_not_allowed and no codes', async (given) => {
    const port = portOf(local)
    const host = given.replace('PORT', String(port))
    const res = await getWithHost(port, '/__local/outbox', host)
    expect(res.status).toBe(403)
    expect(JSON.parse(res.text)).toMatchObject({ status_code: 403, error_type: 'host_not_allowed' })
    expect(res.text).not.toContain(code)
    expect(res.text).not.toContain('kate@corp.test')
  })

  it('refuses a request without Host (HTTP/1.0) with 403', async () => {
    const socket = connect(portOf(local), '127.0.0.1')
    await once(socket, 'connect')
    socket.end('GET /__local/outbox HTTP/1.0\r\n\r\n')
    let text = ''
    for await (const chunk of socket) text += String(chunk)
    expect(text).toMatch(/^HTTP\/1\.1 403 /)
    expect(text).toContain('"error_type":"host_not_allowed"')
    expect(text).not.toContain(code)
  })

  it('refuses the JWKS and the API routes to a rebinding Host too', async () => {
    const port = portOf(local)
    const jwks = await getWithHost(
      port,
      `/v1/b2b/sessions/jwks/${local.projectId}`,
      `attacker.example:${port}`,
    )
    expect(jwks.status).toBe(403)
    expect(jwks.text).not.toContain('"keys"')
    const api = await getWithHost(port, '/v1/b2b/rbac/policy', `attacker.example:${port}`)
    expect(api.status).toBe(403)
  })

  it.each(['127.0.0.1:PORT', 'localhost:PORT', 'LOCALHOST:PORT', '[::1]:PORT'])(
    'serves the outbox to the loopback Host %j',
    async (given) => {
      const port = portOf(local)
      const res = await getWithHost(
        port,
        '/__local/outbox?email_address=kate@corp.test',
        given.replace('PORT', String(port)),
      )
      expect(res.status).toBe(200)
      expect(JSON.parse(res.text).messages[0].code).toBe(code)
    },
  )

  it('serves names listed in allowedHosts, with any port or the one given', async () => {
    const other = await startLocalServer({ allowedHosts: ['dev.example', 'box.example:8080'] })
    try {
      const port = portOf(other)
      expect((await getWithHost(port, '/__local/outbox', `dev.example:${port}`)).status).toBe(200)
      expect((await getWithHost(port, '/__local/outbox', 'dev.example')).status).toBe(200)
      expect((await getWithHost(port, '/__local/outbox', 'box.example:8080')).status).toBe(200)
      expect((await getWithHost(port, '/__local/outbox', 'box.example:8081')).status).toBe(403)
      expect((await getWithHost(port, '/__local/outbox', `evil.example:${port}`)).status).toBe(403)
    } finally {
      await other.close()
    }
  })

  it('refuses a malformed allowedHosts entry at start', async () => {
    await expect(startLocalServer({ allowedHosts: ['http://dev.example/'] })).rejects.toThrow(
      /allowedHosts/,
    )
  })
})

describe('listening beyond loopback', () => {
  it('startLocalServer refuses 0.0.0.0 without allowRemote', async () => {
    await expect(startLocalServer({ host: '0.0.0.0' })).rejects.toThrow(
      /Refusing to listen on "0\.0\.0\.0".*allowRemote/,
    )
  })

  it('with allowRemote it starts, warns what it exposes, and still checks Host', async () => {
    const warnings: Error[] = []
    const onWarning = (warning: Error) => warnings.push(warning)
    process.on('warning', onWarning)
    const remote = await startLocalServer({ host: '0.0.0.0', allowRemote: true })
    try {
      await new Promise((resolve) => setImmediate(resolve)) // warnings are emitted on next tick
      const text = warnings.map((w) => w.message).join('\n')
      expect(text).toContain('/__local/outbox')
      expect(text).not.toContain(remote.secret)
      const port = portOf(remote)
      expect((await getWithHost(port, '/__local/outbox', `127.0.0.1:${port}`)).status).toBe(200)
      expect((await getWithHost(port, '/__local/outbox', `0.0.0.0:${port}`)).status).toBe(200)
      expect((await getWithHost(port, '/__local/outbox', `evil.example:${port}`)).status).toBe(403)
    } finally {
      process.off('warning', onWarning)
      await remote.close()
    }
  })
})

describe('stytch-b2b-local beyond loopback', () => {
  const SECRET = 'secret-test-exposure-cli'
  const cli = useCli({ args: ['--memory', '--port', '0'], env: { NODE_ENV: 'development' } })

  it('refuses --host 0.0.0.0 without --allow-remote: exit 2, says why, prints no secret', async () => {
    const { proc, output } = cli.start(['--host', '0.0.0.0', '--secret', SECRET])
    const [code] = await once(proc, 'exit')
    expect(code).toBe(2)
    expect(output()).toMatch(/Refusing to listen on "0\.0\.0\.0".*--allow-remote/)
    expect(output()).not.toContain(SECRET)
    expect(output()).not.toContain('listening on')
  })

  it('starts with --allow-remote and warns that the outbox hands out every code', async () => {
    const { proc, output } = cli.start(['--host', '0.0.0.0', '--allow-remote', '--secret', SECRET])
    const [, port] = await waitForOutput(output, /listening on http:\/\/0\.0\.0\.0:(\d+)/)
    await waitForOutput(output, /secret: +secret-test-exposure-cli/)
    await waitForOutput(output, /beyond this machine[\s\S]*every sign-in code/)
    const res = await getWithHost(Number(port), '/__local/outbox', `attacker.example:${port}`)
    expect(res.status).toBe(403)
    proc.kill('SIGTERM')
    const [code] = await once(proc, 'exit')
    expect(code).toBe(0)
  })

  it('--allowed-host adds a Host name the server answers', async () => {
    const { proc, output } = cli.start(['--allowed-host', 'dev.example'])
    const [, port] = await waitForOutput(output, /listening on http:\/\/127\.0\.0\.1:(\d+)/)
    const res = await getWithHost(Number(port), '/__local/outbox', `dev.example:${port}`)
    expect(res.status).toBe(200)
    proc.kill('SIGTERM')
    await once(proc, 'exit')
  })

  it('under NODE_ENV=production warns loudly and does not print a generated secret', async () => {
    const { proc, output } = cli.start([], { NODE_ENV: 'production' })
    await waitForOutput(output, /listening on http:\/\/127\.0\.0\.1:\d+/)
    await waitForOutput(output, /NODE_ENV=production/)
    await waitForOutput(output, /secret: +\(not printed/)
    expect(output()).not.toMatch(/secret-test-[A-Za-z0-9_-]{8}/)
    proc.kill('SIGTERM')
    await once(proc, 'exit')
  })
})
