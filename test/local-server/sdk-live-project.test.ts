// A `project-live-…` local server, driven by the official `stytch` SDK unchanged: live ids end to
// end, and ids of the other environment refused (@see issue 14).
import { randomUUID } from 'node:crypto'
import { B2BClient, StytchError } from 'stytch'
import { afterEach, describe, expect, it } from 'vitest'
import { type LocalServer, startLocalServer } from '../../src/local-server/index.js'
import { callStytch } from '../helpers/local-api.js'
import { decodeJwt } from '../helpers/schemas.js'
import { P } from './fixtures.js'

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}'
const liveId = (kind: string) => new RegExp(`^${kind}-live-${UUID}$`)
const ALICE = 'alice@acme.test'

let local: LocalServer | undefined
afterEach(async () => {
  await local?.close()
  local = undefined
})

async function startLive(): Promise<{ server: LocalServer; client: B2BClient }> {
  const server = await startLocalServer({ projectId: `project-live-${randomUUID()}` })
  local = server
  const client = new B2BClient({
    project_id: server.projectId,
    secret: server.secret,
    env: `${server.url}/`,
  })
  return { server, client }
}

describe('a live project through the official SDK', () => {
  it('mints live ids for organizations, members, emails, sessions, keys and requests', async () => {
    const { server, client } = await startLive()
    expect(server.secret).toMatch(/^secret-live-/)
    const { organization } = await client.organizations.create({
      organization_name: 'Acme',
      organization_slug: 'acme',
    })
    expect(organization.organization_id).toMatch(liveId('organization'))
    const created = await client.organizations.members.create({
      organization_id: organization.organization_id,
      email_address: ALICE,
    })
    expect(created.member_id).toMatch(liveId('member'))
    expect(created.request_id).toMatch(liveId('request-id'))

    await client.otps.email.loginOrSignup({
      organization_id: organization.organization_id,
      email_address: ALICE,
    })
    const code = server.outbox.latest(ALICE)?.code ?? ''
    const login = await client.otps.email.authenticate({
      organization_id: organization.organization_id,
      email_address: ALICE,
      code,
      session_duration_minutes: 60,
    })
    expect(login.method_id).toMatch(liveId('email'))
    expect(login.member_session?.member_session_id).toMatch(liveId('session'))

    const { keys } = await client.sessions.getJWKS({ project_id: server.projectId })
    expect(keys.map((key) => key.kid)).toEqual([expect.stringMatching(liveId('jwk'))])
    expect(decodeJwt(login.session_jwt).header.kid).toBe(keys[0]?.kid)

    const verified = await client.sessions.authenticateJwtLocal({ session_jwt: login.session_jwt })
    expect(verified.member_id).toBe(created.member_id)
    const byToken = await client.sessions.authenticate({ session_token: login.session_token })
    expect(byToken.member.member_id).toBe(created.member_id)
  })

  it('refuses test ids with 400 test_id_used_in_live_environment', async () => {
    const { server, client } = await startLive()
    const testOrg = `organization-test-${randomUUID()}`
    const error = await client.organizations.get({ organization_id: testOrg }).catch((e) => e)
    expect(error).toBeInstanceOf(StytchError)
    expect(error).toMatchObject({
      status_code: 400,
      error_type: 'test_id_used_in_live_environment',
    })
    const inBody = await callStytch(server, 'POST', P.loginOrSignup, {
      organization_id: testOrg,
      email_address: ALICE,
    })
    expect(inBody.status).toBe(400)
    expect(inBody.body.error_type).toBe('test_id_used_in_live_environment')
    expect(server.outbox.latest(ALICE)).toBeUndefined()

    const { organization } = await client.organizations.create({ organization_name: 'Acme' })
    const inQuery = await callStytch(
      server,
      'GET',
      `${P.memberGet(organization.organization_id)}?member_id=member-test-${randomUUID()}`,
    )
    expect(inQuery.body.error_type).toBe('test_id_used_in_live_environment')
  })
})

it('a test project refuses live ids with 400 live_id_used_in_test_environment', async () => {
  const server = await startLocalServer()
  local = server
  const res = await callStytch(server, 'GET', P.org(`ORGANIZATION-LIVE-${randomUUID()}`))
  expect(res.status).toBe(400)
  expect(res.body.error_type).toBe('live_id_used_in_test_environment')
  // A slug or an id of another kind in an id field is never taken for an id of the field's kind.
  const slugLike = await callStytch(server, 'GET', P.org(`member-live-${randomUUID()}`))
  expect(slugLike.body.error_type).toBe('organization_not_found')
})
