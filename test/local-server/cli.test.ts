// The `stytch-b2b-local` command: prints its URL and credentials, serves, stops cleanly on SIGTERM.
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useCli, waitForOutput } from '../helpers/cli.js'
import { callStytch } from '../helpers/local-api.js'

const cli = useCli()

describe('stytch-b2b-local', () => {
  it('serves the API on the printed URL and exits 0 on SIGTERM', async () => {
    const { proc, output } = cli.start([
      '--port',
      '0',
      '--project-id',
      'project-test-cli',
      '--secret',
      'secret-test-cli',
    ])
    const [, url] = await waitForOutput(output, /listening on (http:\/\/127\.0\.0\.1:\d+)/)
    await waitForOutput(output, /secret: +secret-test-cli/)
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
    const { proc, output } = cli.start(['--help'])
    const [code] = await once(proc, 'exit')
    expect(code).toBe(0)
    expect(output()).toMatch(/--port <n> .*default: 4010/)
  })

  it('refuses an unknown option with exit code 2', async () => {
    const { proc } = cli.start(['--nope'])
    const [code] = await once(proc, 'exit')
    expect(code).toBe(2)
  })

  it('keeps its data in .stytch-local/ of the working directory across restarts (issue 8)', async () => {
    const first = cli.start(['--port', '0'])
    const [, url] = await waitForOutput(first.output, /listening on (http:\/\/127\.0\.0\.1:\d+)/)
    const [, projectId] = await waitForOutput(first.output, /project id: (\S+)/)
    const [, secret] = await waitForOutput(first.output, /secret: +(\S+)/)
    expect(first.output()).toContain(join(cli.cwd, '.stytch-local', 'local.db'))
    const target = { url: url ?? '', projectId: projectId ?? '', secret: secret ?? '' }
    const created = await callStytch(target, 'POST', '/v1/b2b/organizations', {
      organization_name: 'Kept',
    })
    expect(created.status).toBe(200)
    first.proc.kill('SIGTERM')
    await once(first.proc, 'exit')

    const second = cli.start(['--port', '0'])
    const [, url2] = await waitForOutput(second.output, /listening on (http:\/\/127\.0\.0\.1:\d+)/)
    // Same project id and secret: a developer's .env stays valid across restarts.
    await waitForOutput(second.output, new RegExp(`secret: +${secret}`))
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
    const { proc, output } = cli.start(['--port', '0', '--memory'])
    await waitForOutput(output, /data: +in memory/)
    proc.kill('SIGTERM')
    await once(proc, 'exit')
    expect(existsSync(join(cli.cwd, '.stytch-local'))).toBe(false)
    const both = cli.start(['--memory', '--data-dir', 'x'])
    const [code] = await once(both.proc, 'exit')
    expect(code).toBe(2)
  })

  it('refuses a corrupt data file with exit code 1 and a message saying what to do', async () => {
    const { mkdir } = await import('node:fs/promises')
    await mkdir(join(cli.cwd, 'data'))
    await writeFile(
      join(cli.cwd, 'data', 'local.db'),
      'not a database at all, not even close'.repeat(200),
    )
    const { proc, output } = cli.start(['--port', '0', '--data-dir', 'data'])
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
  const { proc, output } = cli.start(['--port', '0', ...credentials, ...args])
  const [, url] = await waitForOutput(output, /listening on (http:\/\/127\.0\.0\.1:\d+)/)
  const target = { url: url ?? '', projectId: 'project-test-rbac', secret: 'secret-test-rbac' }
  const { body } = await callStytch(target, 'GET', '/v1/b2b/rbac/policy')
  proc.kill('SIGTERM')
  const [code] = await once(proc, 'exit')
  expect(code).toBe(0)
  return body.policy.roles.map((r: { role_id: string }) => r.role_id)
}

/** Writes `content` as policy.json in the working directory and returns its path. */
async function policyFile(content: string): Promise<string> {
  const file = join(cli.cwd, 'policy.json')
  await writeFile(file, content)
  return file
}

/** Runs the CLI until it exits on its own: the exit code and everything it printed. */
async function runToExit(args: string[]): Promise<{ code: number; output: string }> {
  const { proc, output } = cli.start(['--port', '0', ...args])
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
