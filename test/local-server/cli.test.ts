// The `stytch-b2b-local` command: prints its URL and credentials, serves, stops cleanly on SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { callStytch } from '../helpers/local-api.js'
import { tempDataDir } from '../helpers/local-stores.js'

const CLI = new URL('../../src/local-server/cli.ts', import.meta.url).pathname
const TSX = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname
let child: ChildProcess | undefined
/** Working directory of the CLI, so that its default `.stytch-local/` lands in a temp dir. */
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
  const proc = spawn(TSX, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
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

  it('keeps its data in .stytch-local/ of the working directory across restarts (issue 8)', async () => {
    const first = start(['--port', '0'])
    const [, url] = await waitFor(first.output, /listening on (http:\/\/127\.0\.0\.1:\d+)/)
    const [, projectId] = await waitFor(first.output, /project id: (\S+)/)
    const [, secret] = await waitFor(first.output, /secret: +(\S+)/)
    expect(first.output()).toContain(join(cwd, '.stytch-local', 'local.db'))
    const target = { url: url ?? '', projectId: projectId ?? '', secret: secret ?? '' }
    const created = await callStytch(target, 'POST', '/v1/b2b/organizations', {
      organization_name: 'Kept',
    })
    expect(created.status).toBe(200)
    first.proc.kill('SIGTERM')
    await once(first.proc, 'exit')

    const second = start(['--port', '0'])
    const [, url2] = await waitFor(second.output, /listening on (http:\/\/127\.0\.0\.1:\d+)/)
    // Same project id and secret: a developer's .env stays valid across restarts.
    await waitFor(second.output, new RegExp(`secret: +${secret}`))
    const id = created.body.organization.organization_id
    const found = await callStytch(
      { ...target, url: url2 ?? '' },
      'GET',
      `/v1/b2b/organizations/${id}`,
    )
    expect(found.status).toBe(200)
    second.proc.kill('SIGTERM')
    await once(second.proc, 'exit')
  })

  it('--memory keeps nothing on disk; with --data-dir it is a usage error', async () => {
    const { proc, output } = start(['--port', '0', '--memory'])
    await waitFor(output, /data: +in memory/)
    proc.kill('SIGTERM')
    await once(proc, 'exit')
    expect(existsSync(join(cwd, '.stytch-local'))).toBe(false)
    const both = start(['--memory', '--data-dir', 'x'])
    const [code] = await once(both.proc, 'exit')
    expect(code).toBe(2)
  })

  it('refuses a corrupt data file with exit code 1 and a message saying what to do', async () => {
    const { mkdir, writeFile } = await import('node:fs/promises')
    await mkdir(join(cwd, 'data'))
    await writeFile(
      join(cwd, 'data', 'local.db'),
      'not a database at all, not even close'.repeat(200),
    )
    const { proc, output } = start(['--port', '0', '--data-dir', 'data'])
    const [code] = await once(proc, 'exit')
    expect(code).toBe(1)
    expect(output()).toMatch(
      /local\.db is not a valid database .*move it away or delete the folder/,
    )
  })
})

/** Starts the CLI on a free port, returns the role ids it serves, stops it with SIGTERM. */
async function servedRoles(args: string[]): Promise<string[]> {
  const credentials = ['--project-id', 'project-test-rbac', '--secret', 'secret-test-rbac']
  const { proc, output } = start(['--port', '0', ...credentials, ...args])
  const [, url] = await waitFor(output, /listening on (http:\/\/127\.0\.0\.1:\d+)/)
  const target = { url: url ?? '', projectId: 'project-test-rbac', secret: 'secret-test-rbac' }
  const { body } = await callStytch(target, 'GET', '/v1/b2b/rbac/policy')
  proc.kill('SIGTERM')
  const [code] = await once(proc, 'exit')
  expect(code).toBe(0)
  return body.policy.roles.map((r: { role_id: string }) => r.role_id)
}

/** Writes `content` as policy.json in the working directory and returns its path. */
async function policyFile(content: string): Promise<string> {
  const file = join(cwd, 'policy.json')
  await writeFile(file, content)
  return file
}

/** Runs the CLI until it exits on its own: the exit code and everything it printed. */
async function runToExit(args: string[]): Promise<{ code: number; output: string }> {
  const { proc, output } = start(['--port', '0', ...args])
  const [code] = await once(proc, 'exit')
  return { code: code as number, output: output() }
}

// The project's RBAC policy from a JSON file, kept in the data dir. @see issue 14
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
