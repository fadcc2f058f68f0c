// The `stytch-b2b-local` command: prints its URL and credentials, serves, stops cleanly on SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import { callStytch } from '../helpers/local-api.js'

const CLI = new URL('../../src/local-server/cli.ts', import.meta.url).pathname
const TSX = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname
let child: ChildProcess | undefined

afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL')
  child = undefined
})

function start(args: string[]): { proc: ChildProcess; output: () => string } {
  const proc = spawn(TSX, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  child = proc
  let text = ''
  proc.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString()
  })
  proc.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString()
  })
  return { proc, output: () => text }
}

async function waitFor(output: () => string, pattern: RegExp): Promise<RegExpMatchArray> {
  for (let i = 0; i < 300; i += 1) {
    const found = output().match(pattern)
    if (found) return found
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`timed out waiting for ${pattern}; output so far:\n${output()}`)
}

describe('stytch-b2b-local', () => {
  it('serves the API on the printed URL and exits 0 on SIGTERM', async () => {
    const { proc, output } = start([
      '--port',
      '0',
      '--project-id',
      'project-test-cli',
      '--secret',
      'secret-test-cli',
    ])
    const [, url] = await waitFor(output, /listening on (http:\/\/127\.0\.0\.1:\d+)/)
    await waitFor(output, /secret: +secret-test-cli/)
    expect(output()).toContain('project id: project-test-cli')
    const target = { url: url ?? '', projectId: 'project-test-cli', secret: 'secret-test-cli' }
    const created = await callStytch(target, 'POST', '/v1/b2b/organizations', {
      organization_name: 'Cli Co',
    })
    expect(created.status).toBe(200)
    const denied = await callStytch({ ...target, secret: 'wrong' }, 'GET', '/v1/b2b/rbac/policy')
    expect(denied.status).toBe(401)
    proc.kill('SIGTERM')
    const [code] = await once(proc, 'exit')
    expect(code).toBe(0)
  })

  it('prints its options with --help, including the default port', async () => {
    const { proc, output } = start(['--help'])
    const [code] = await once(proc, 'exit')
    expect(code).toBe(0)
    expect(output()).toMatch(/--port <n> .*default: 4010/)
  })

  it('refuses an unknown option with exit code 2', async () => {
    const { proc } = start(['--nope'])
    const [code] = await once(proc, 'exit')
    expect(code).toBe(2)
  })
})
