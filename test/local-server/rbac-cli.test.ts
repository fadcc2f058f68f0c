// `stytch-b2b-local --rbac-policy <file>`: the project's RBAC policy from a JSON file, kept in the
// data dir; a bad file fails at startup with a message naming the problem. @see issue 14
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { callStytch } from '../helpers/local-api.js'
import { tempDataDir } from '../helpers/local-stores.js'

const CLI = new URL('../../src/local-server/cli.ts', import.meta.url).pathname
const TSX = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname
const CREDENTIALS = ['--project-id', 'project-test-rbac', '--secret', 'secret-test-rbac']
let child: ChildProcess | undefined
let cwd: string

beforeEach(async () => {
  cwd = await tempDataDir()
})
afterEach(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL')
  child = undefined
  await rm(cwd, { recursive: true, force: true })
})

function start(args: string[]): { proc: ChildProcess; output: () => string } {
  const proc = spawn(TSX, [CLI, '--port', '0', ...CREDENTIALS, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child = proc
  let text = ''
  const collect = (chunk: Buffer) => {
    text += chunk.toString()
  }
  proc.stdout?.on('data', collect)
  proc.stderr?.on('data', collect)
  return { proc, output: () => text }
}

/** Runs the CLI until it exits on its own; returns the exit code and everything it printed. */
async function runToExit(args: string[]): Promise<{ code: number; output: string }> {
  const { proc, output } = start(args)
  const [code] = await once(proc, 'exit')
  return { code: code as number, output: output() }
}

/** Starts the CLI, returns the role ids it serves, stops it with SIGTERM. */
async function servedRoles(args: string[]): Promise<string[]> {
  const { proc, output } = start(args)
  for (let i = 0; i < 300 && !/listening on http/.test(output()); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const url = output().match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)?.[1]
  expect(url, output()).toBeDefined()
  const target = { url: url ?? '', projectId: 'project-test-rbac', secret: 'secret-test-rbac' }
  const { body } = await callStytch(target, 'GET', '/v1/b2b/rbac/policy')
  proc.kill('SIGTERM')
  const [code] = await once(proc, 'exit')
  expect(code).toBe(0)
  return body.policy.roles.map((r: { role_id: string }) => r.role_id)
}

async function policyFile(content: string): Promise<string> {
  const file = join(cwd, 'policy.json')
  await writeFile(file, content)
  return file
}

describe('stytch-b2b-local --rbac-policy', () => {
  it('serves the file’s policy and keeps it in the data dir for runs without the flag', async () => {
    const file = await policyFile(
      JSON.stringify({
        resources: [{ resource_id: 'document', actions: ['read'] }],
        roles: [{ role_id: 'reader', permissions: [{ resource_id: 'document', actions: ['*'] }] }],
      }),
    )
    expect(await servedRoles(['--rbac-policy', file])).toEqual([
      'stytch_admin',
      'stytch_member',
      'reader',
    ])
    expect(await servedRoles([])).toContain('reader')
  })

  it('exits 2 naming the file when it cannot be read or is not JSON', async () => {
    const missing = await runToExit(['--rbac-policy', 'absent.json'])
    expect(missing.code).toBe(2)
    expect(missing.output).toContain('--rbac-policy absent.json: cannot be read (ENOENT)')
    const file = await policyFile('{ roles: [] ')
    const broken = await runToExit(['--rbac-policy', file])
    expect(broken.code).toBe(2)
    expect(broken.output).toContain(`--rbac-policy ${file}: is not JSON`)
  })

  it('exits non-zero naming the bad field of a policy', async () => {
    const file = await policyFile(
      JSON.stringify({
        resources: [],
        roles: [{ role_id: 'x', permissions: [{ resource_id: 'nothing', actions: ['*'] }] }],
      }),
    )
    const run = await runToExit(['--rbac-policy', file])
    expect(run.code).not.toBe(0)
    expect(run.output).toContain(
      '"rbacPolicy.roles[0].permissions[0].resource_id" names no resource of the policy',
    )
  })
})
