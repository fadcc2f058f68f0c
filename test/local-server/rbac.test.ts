// RBAC of the local server: Stytch's default policy exactly, a project's own policy (option,
// validation, persistence) and authorization_check in sessions/authenticate. @see issue 14
import { rm } from 'node:fs/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { type RbacPolicyInput, startLocalServer } from '../../src/local-server/index.js'
import { createTestClock } from '../helpers/clock.js'
import { callStytch } from '../helpers/local-api.js'
import { tempDataDir } from '../helpers/local-stores.js'
import { keyedMemoryStore } from '../helpers/signing-keys.js'
import { createOrganization, type Harness, login, P } from './fixtures.js'

/** A project policy: documents that editors write and every member reads. */
const DOCS_POLICY: RbacPolicyInput = {
  resources: [{ resource_id: 'document', description: 'Docs', actions: ['read', 'write'] }],
  roles: [
    {
      role_id: 'editor',
      description: 'Writes documents',
      permissions: [{ resource_id: 'document', actions: ['*'] }],
    },
    {
      role_id: 'stytch_member',
      permissions: [
        { resource_id: 'stytch.self', actions: ['*'] },
        { resource_id: 'document', actions: ['read'] },
      ],
    },
  ],
  scopes: [{ scope: 'read:docs', permissions: [{ resource_id: 'document', actions: ['read'] }] }],
}

const open: Array<{ close(): Promise<void> }> = []
afterEach(async () => {
  for (const server of open.splice(0)) await server.close()
})

async function harness(options: Parameters<typeof startLocalServer>[0] = {}): Promise<Harness> {
  const clock = createTestClock(Date.UTC(2030, 0, 1))
  const local = await startLocalServer({
    store: await keyedMemoryStore(),
    ...options,
    now: clock.now,
  })
  open.push(local)
  const call = (method: string, path: string, body?: unknown) =>
    callStytch(local, method, path, body)
  return { local, clock, call, post: (path, body) => call('POST', path, body) }
}

/** Acme with a plain member, an admin and an editor, each logged in. */
async function world(h: Harness) {
  const org = await createOrganization(h, { organization_name: 'Acme', organization_slug: 'acme' })
  const id: string = org.organization_id
  const seed = (email: string, roles: string[]) =>
    h.local.seedMember({ organization_id: id, email_address: email, roles })
  seed('member@acme.test', [])
  seed('admin@acme.test', ['stytch_admin'])
  const token = async (email: string) => (await login(h, id, email)).body.session_token as string
  const tokens = { member: await token('member@acme.test'), admin: await token('admin@acme.test') }
  const check = (session_token: string, resource_id: string, action: string) =>
    h.post(P.sessionsAuthenticate, {
      session_token,
      authorization_check: { organization_id: id, resource_id, action },
    })
  return { id, seed, token, tokens, check }
}

describe('the default policy is Stytch’s', () => {
  it('serves five stytch resources and the two default roles, nothing else', async () => {
    const h = await harness()
    const { body } = await h.call('GET', P.rbacPolicy)
    const { roles, resources, scopes } = body.policy
    expect(resources.map((r: { resource_id: string }) => r.resource_id)).toEqual([
      'stytch.self',
      'stytch.organization',
      'stytch.member',
      'stytch.sso',
      'stytch.scim',
    ])
    const actions = (id: string) =>
      resources.find((r: { resource_id: string }) => r.resource_id === id).actions
    expect(actions('stytch.member')).toEqual(
      expect.arrayContaining(['create', 'search', 'delete', 'revoke-sessions']),
    )
    expect(actions('stytch.organization')).toEqual(
      expect.arrayContaining(['update.info.name', 'update.settings.allowed-domains', 'delete']),
    )
    expect(actions('stytch.organization')).not.toContain('update.settings')
    expect(actions('stytch.organization')).not.toContain('search')
    expect(actions('stytch.self')).not.toContain('revoke-sessions')
    expect(actions('stytch.sso')).toEqual(['create', 'get', 'update', 'delete'])
    expect(roles).toEqual([
      {
        role_id: 'stytch_admin',
        description: expect.any(String),
        permissions: ['stytch.organization', 'stytch.member', 'stytch.sso', 'stytch.scim'].map(
          (resource_id) => ({ resource_id, actions: ['*'] }),
        ),
      },
      {
        role_id: 'stytch_member',
        description: expect.any(String),
        permissions: [{ resource_id: 'stytch.self', actions: ['*'] }],
      },
    ])
    expect(scopes).toEqual([])
  })

  it('denies a plain member everything outside stytch.self; an admin gets the admin resources', async () => {
    const h = await harness()
    const w = await world(h)
    for (const [resource, action] of [
      ['stytch.member', 'search'],
      ['stytch.organization', 'search'],
      ['stytch.organization', 'update.info.name'],
      ['stytch.member', 'revoke-sessions'],
      ['stytch.sso', 'get'],
    ] as const) {
      const denied = await w.check(w.tokens.member, resource, action)
      expect(denied.status, `${resource}:${action}`).toBe(403)
      expect(denied.body.error_type).toBe('session_authorization_error')
      const allowed = await w.check(w.tokens.admin, resource, action)
      expect(allowed.status, `${resource}:${action}`).toBe(200)
      expect(allowed.body.verdict).toEqual({ authorized: true, granting_roles: ['stytch_admin'] })
    }
    const self = await w.check(w.tokens.member, 'stytch.self', 'update.info.name')
    expect(self.body.verdict).toEqual({ authorized: true, granting_roles: ['stytch_member'] })
    const scim = await w.check(w.tokens.admin, 'stytch.scim', 'create')
    expect(scim.status).toBe(200)
    const custom = await w.check(w.tokens.admin, 'document', 'read')
    expect(custom.status).toBe(403)
  })
})

describe('a project policy (rbacPolicy)', () => {
  it('adds resources, roles and scopes; edits stytch_member; applies them in authorization_check', async () => {
    const h = await harness({ rbacPolicy: DOCS_POLICY })
    const { body } = await h.call('GET', P.rbacPolicy)
    expect(body.policy.resources.at(-1)).toEqual({
      resource_id: 'document',
      description: 'Docs',
      actions: ['read', 'write'],
    })
    expect(body.policy.roles.map((r: { role_id: string }) => r.role_id)).toEqual([
      'stytch_admin',
      'stytch_member',
      'editor',
    ])
    expect(body.policy.roles[1].description).toMatch(/Granted to all Members/)
    expect(body.policy.scopes).toEqual([
      {
        scope: 'read:docs',
        description: '',
        permissions: [{ resource_id: 'document', actions: ['read'] }],
      },
    ])

    const w = await world(h)
    w.seed('editor@acme.test', ['editor'])
    const editor = await w.token('editor@acme.test')
    const write = await w.check(editor, 'document', 'write')
    expect(write.body.verdict).toEqual({ authorized: true, granting_roles: ['editor'] })
    const read = await w.check(editor, 'document', 'read')
    expect(read.body.verdict.granting_roles.sort()).toEqual(['editor', 'stytch_member'])
    expect((await w.check(w.tokens.member, 'document', 'write')).status).toBe(403)
    expect((await w.check(w.tokens.member, 'document', 'read')).status).toBe(200)
    // Stytch's admin role holds no permission on a custom resource unless the policy gives one.
    expect((await w.check(w.tokens.admin, 'document', 'write')).status).toBe(403)
    // Members may be given the policy's custom roles.
    const created = await h.post(P.membersCreate(w.id), {
      email_address: 'new@acme.test',
      roles: ['editor'],
    })
    expect(created.status).toBe(200)
    const minted = await login(h, w.id, 'new@acme.test')
    expect(minted.body.member_session.roles).toEqual(['stytch_member', 'editor'])
  })

  it.each([
    [{}, '"rbacPolicy.resources" must be an array'],
    [{ ...DOCS_POLICY, extra: 1 }, '"rbacPolicy.extra" is not a field'],
    [
      { roles: [], resources: [{ resource_id: 'stytch.custom', actions: [] }] },
      '"rbacPolicy.resources[0].resource_id" must not start with "stytch"',
    ],
    [
      { roles: [], resources: [{ resource_id: 'doc', actions: ['read', 'read'] }] },
      '"rbacPolicy.resources[0].actions[1]" repeats "read"',
    ],
    [
      { roles: [], resources: [{ resource_id: 'doc', actions: ['*'] }] },
      '"rbacPolicy.resources[0].actions[0]" is the wildcard',
    ],
    [
      {
        roles: [{ role_id: 'x', permissions: [{ resource_id: 'doc', actions: ['read'] }] }],
        resources: [],
      },
      '"rbacPolicy.roles[0].permissions[0].resource_id" names no resource of the policy: "doc"',
    ],
    [
      {
        roles: [
          {
            role_id: 'x',
            permissions: [{ resource_id: 'stytch.member', actions: ['update.settings'] }],
          },
        ],
        resources: [],
      },
      '"rbacPolicy.roles[0].permissions[0].actions[0]" is not an action of "stytch.member"',
    ],
    [
      { roles: [{ role_id: '', permissions: [] }], resources: [] },
      '"rbacPolicy.roles[0].role_id" must be a non-empty string',
    ],
    [
      {
        roles: [
          { role_id: 'a', permissions: [] },
          { role_id: 'a', permissions: [] },
        ],
        resources: [],
      },
      '"rbacPolicy.roles[1].role_id" repeats "a"',
    ],
    [
      { roles: [], resources: [], scopes: [{ scope: 's', permissions: 'all' }] },
      '"rbacPolicy.scopes[0].permissions" must be an array',
    ],
  ])('refuses a bad policy with a TypeError naming the field (%#)', async (policy, message) => {
    const attempt = startLocalServer({ rbacPolicy: policy as unknown as RbacPolicyInput })
    await expect(attempt).rejects.toThrow(TypeError)
    await expect(attempt).rejects.toThrow(message)
  })
})

describe('the project policy in the durable store (SQLite)', () => {
  it('survives a restart without the option and is replaced by a new one', async () => {
    const dataDir = await tempDataDir()
    open.push({ close: () => rm(dataDir, { recursive: true, force: true }) })
    const servedRoles = async (options: Parameters<typeof startLocalServer>[0]) => {
      const local = await startLocalServer({ dataDir, ...options })
      try {
        const { body } = await callStytch(local, 'GET', P.rbacPolicy)
        return body.policy.roles.map((r: { role_id: string }) => r.role_id)
      } finally {
        await local.close()
      }
    }
    expect(await servedRoles({ rbacPolicy: DOCS_POLICY })).toContain('editor')
    expect(await servedRoles({})).toContain('editor')
    const viewer = { roles: [{ role_id: 'viewer', permissions: [] }], resources: [] }
    expect(await servedRoles({ rbacPolicy: viewer })).toEqual([
      'stytch_admin',
      'stytch_member',
      'viewer',
    ])
    expect(await servedRoles({})).toEqual(['stytch_admin', 'stytch_member', 'viewer'])
  })
})
