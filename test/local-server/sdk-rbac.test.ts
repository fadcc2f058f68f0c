// The official `stytch` SDK, unchanged, against the local server's RBAC: client.rbac.policy() and
// authorization checks (remote and local) for admins, members and a project's custom role. @see issue 14
import { B2BClient, ClientError, StytchError } from 'stytch'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type LocalServer, startLocalServer } from '../../src/local-server/index.js'
import { createTestClock } from '../helpers/clock.js'

const DOMAIN = 'acme.test'
let clock = createTestClock()
let local: LocalServer
let client: B2BClient

beforeEach(async () => {
  clock = createTestClock(Math.floor(Date.now() / 1000) * 1000)
  local = await startLocalServer({
    now: clock.now,
    rbacPolicy: {
      resources: [{ resource_id: 'invoice', description: 'Invoices', actions: ['read', 'pay'] }],
      roles: [
        {
          role_id: 'accountant',
          description: 'Pays invoices',
          permissions: [{ resource_id: 'invoice', actions: ['*'] }],
        },
      ],
    },
  })
  client = new B2BClient({
    project_id: local.projectId,
    secret: local.secret,
    env: `${local.url}/`,
  })
})
afterEach(async () => {
  await local.close()
})

/** Acme with a member, an admin and an accountant, created and logged in through the SDK. */
async function acme() {
  const { organization } = await client.organizations.create({
    organization_name: 'Acme',
    organization_slug: 'acme',
  })
  const organization_id = organization?.organization_id ?? ''
  const sessionOf = async (name: string, roles: string[]) => {
    const email_address = `${name}@${DOMAIN}`
    await client.organizations.members.create({ organization_id, email_address, roles })
    await client.otps.email.loginOrSignup({ organization_id, email_address })
    const code = local.outbox.latest(email_address, 'login')?.code ?? ''
    const res = await client.otps.email.authenticate({ organization_id, email_address, code })
    return { token: res.session_token, jwt: res.session_jwt }
  }
  return {
    organization_id,
    member: await sessionOf('member', []),
    admin: await sessionOf('admin', ['stytch_admin']),
    accountant: await sessionOf('accountant', ['accountant']),
  }
}

describe('stytch SDK: RBAC', () => {
  it('rbac.policy() returns Stytch’s defaults plus the project’s resources and roles', async () => {
    const { policy } = await client.rbac.policy()
    expect(policy?.resources.map((r) => r.resource_id)).toEqual([
      'stytch.self',
      'stytch.organization',
      'stytch.member',
      'stytch.sso',
      'stytch.scim',
      'invoice',
    ])
    expect(policy?.roles.map((r) => r.role_id)).toEqual([
      'stytch_admin',
      'stytch_member',
      'accountant',
    ])
    const member = policy?.roles.find((r) => r.role_id === 'stytch_member')
    expect(member?.permissions).toEqual([{ resource_id: 'stytch.self', actions: ['*'] }])
  })

  it('sessions.authenticate({ authorization_check }) answers per role on default and custom resources', async () => {
    const w = await acme()
    const check = (session_token: string, resource_id: string, action: string) =>
      client.sessions.authenticate({
        session_token,
        authorization_check: { organization_id: w.organization_id, resource_id, action },
      })
    const refused = async (promise: Promise<unknown>) => {
      const error = await promise.catch((e: unknown) => e)
      expect(error).toBeInstanceOf(StytchError)
      expect(error).toMatchObject({ status_code: 403, error_type: 'session_authorization_error' })
    }
    await refused(check(w.member.token, 'stytch.member', 'search'))
    await refused(check(w.member.token, 'invoice', 'read'))
    await refused(check(w.admin.token, 'invoice', 'pay'))
    await refused(check(w.accountant.token, 'stytch.member', 'delete'))
    expect((await check(w.member.token, 'stytch.self', 'delete')).verdict).toEqual({
      authorized: true,
      granting_roles: ['stytch_member'],
    })
    expect((await check(w.admin.token, 'stytch.member', 'search')).verdict).toEqual({
      authorized: true,
      granting_roles: ['stytch_admin'],
    })
    expect((await check(w.accountant.token, 'invoice', 'pay')).verdict).toEqual({
      authorized: true,
      granting_roles: ['accountant'],
    })
  })

  it('sessions.authenticateJwtLocal checks the served policy the same way', async () => {
    const w = await acme()
    const checkLocally = (session_jwt: string, resource_id: string, action: string) =>
      client.sessions.authenticateJwtLocal({
        session_jwt,
        current_date: new Date(clock.now()),
        authorization_check: { organization_id: w.organization_id, resource_id, action },
      })
    const session = await checkLocally(w.accountant.jwt, 'invoice', 'pay')
    expect(session.roles).toEqual(['stytch_member', 'accountant'])
    for (const [jwt, resource, action] of [
      [w.member.jwt, 'invoice', 'read'],
      [w.member.jwt, 'stytch.organization', 'update.info.name'],
      [w.admin.jwt, 'invoice', 'read'],
    ] as const) {
      const error = await checkLocally(jwt, resource, action).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ClientError)
      expect(error).toMatchObject({ code: 'invalid_permissions' })
    }
    await expect(checkLocally(w.admin.jwt, 'stytch.organization', 'delete')).resolves.toBeDefined()
  })
})
