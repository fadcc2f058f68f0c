// The official `stytch` Node SDK, unchanged, against the local server: the admin calls an app's
// settings pages make (organizations update/delete, members update/delete/reactivate/search,
// sessions get/revoke by member), with and without `options.authorization`.

import { B2BClient, StytchError } from 'stytch'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startLocalServer } from '../../src/local-server/index.js'
import { createTestClock } from '../helpers/clock.js'
import { keyedMemoryStore } from '../helpers/signing-keys.js'

let local: Awaited<ReturnType<typeof startLocalServer>>
let client: B2BClient

beforeEach(async () => {
  const clock = createTestClock(Math.floor(Date.now() / 1000) * 1000)
  local = await startLocalServer({
    port: 0,
    host: '127.0.0.1',
    now: clock.now,
    store: await keyedMemoryStore(),
  })
  client = new B2BClient({
    project_id: local.projectId,
    secret: local.secret,
    env: `${local.url}/`,
  })
})

afterEach(async () => {
  await local?.close()
})

/** An organization with JIT by acme.test, and Alice logged in through email OTP. */
async function acmeWithAlice() {
  const { organization } = await client.organizations.create({
    organization_name: 'Acme',
    organization_slug: 'acme',
    email_jit_provisioning: 'RESTRICTED',
    email_allowed_domains: ['acme.test'],
  })
  const orgId = organization.organization_id
  await client.organizations.members.create({
    organization_id: orgId,
    email_address: 'alice@acme.test',
  })
  await client.otps.email.loginOrSignup({
    organization_id: orgId,
    email_address: 'alice@acme.test',
  })
  const code = local.outbox.latest('alice@acme.test')?.code ?? ''
  const auth = await client.otps.email.authenticate({
    organization_id: orgId,
    email_address: 'alice@acme.test',
    code,
  })
  return { orgId, memberId: auth.member_id, token: auth.session_token, jwt: auth.session_jwt }
}

async function stytchErrorOf(call: Promise<unknown>): Promise<StytchError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(StytchError)
  return error as StytchError
}

describe('official SDK: organizations.update / delete', () => {
  it('updates the organization and deletes it', async () => {
    const { orgId } = await acmeWithAlice()
    const updated = await client.organizations.update({
      organization_id: orgId,
      organization_name: 'Acme Inc',
      organization_slug: 'acme-inc',
      email_allowed_domains: ['acme.test', 'acme.example'],
      mfa_policy: 'REQUIRED_FOR_ALL',
      auth_methods: 'RESTRICTED',
      allowed_auth_methods: ['email_otp'],
      trusted_metadata: { plan: 'team' },
    })
    expect(updated.status_code).toBe(200)
    expect(updated.organization.organization_slug).toBe('acme-inc')
    expect(updated.organization.mfa_policy).toBe('REQUIRED_FOR_ALL')
    expect(updated.organization.trusted_metadata).toEqual({ plan: 'team' })
    const got = await client.organizations.get({ organization_id: 'acme-inc' })
    expect(got.organization.organization_name).toBe('Acme Inc')

    const deleted = await client.organizations.delete({ organization_id: orgId })
    expect(deleted.organization_id).toBe(orgId)
    const error = await stytchErrorOf(client.organizations.get({ organization_id: orgId }))
    expect(error.error_type).toBe('organization_not_found')
  })

  it('refuses a plain member session (options.authorization) with session_authorization_error', async () => {
    const { orgId, token, jwt } = await acmeWithAlice()
    for (const authorization of [{ session_token: token }, { session_jwt: jwt }]) {
      const error = await stytchErrorOf(
        client.organizations.update(
          { organization_id: orgId, organization_name: 'X' },
          { authorization },
        ),
      )
      expect(error.status_code).toBe(403)
      expect(error.error_type).toBe('session_authorization_error')
    }
    const del = await stytchErrorOf(
      client.organizations.delete(
        { organization_id: orgId },
        { authorization: { session_token: token } },
      ),
    )
    expect(del.error_type).toBe('session_authorization_error')
  })
})

describe('official SDK: organizations.members update / delete / reactivate / search', () => {
  it('updates, searches, deletes and reactivates a member', async () => {
    const { orgId, memberId } = await acmeWithAlice()
    const updated = await client.organizations.members.update({
      organization_id: orgId,
      member_id: memberId,
      name: 'Alice',
      roles: ['stytch_admin'],
      untrusted_metadata: { theme: 'dark' },
      mfa_enrolled: true,
      mfa_phone_number: '+14155550100',
    })
    expect(updated.member.name).toBe('Alice')
    expect(updated.member.is_admin).toBe(true)
    expect(updated.member.mfa_phone_number).toBe('+14155550100')

    const found = await client.organizations.members.search({
      organization_ids: [orgId],
      query: {
        operator: 'AND',
        operands: [{ filter_name: 'member_email_fuzzy', filter_value: 'alice' }],
      },
    })
    expect(found.members.map((m) => m.member_id)).toEqual([memberId])
    expect(Object.keys(found.organizations)).toEqual([orgId])

    const deleted = await client.organizations.members.delete({
      organization_id: orgId,
      member_id: memberId,
    })
    expect(deleted.member_id).toBe(memberId)
    const gone = await stytchErrorOf(
      client.organizations.members.get({ organization_id: orgId, member_id: memberId }),
    )
    expect(gone.error_type).toBe('member_not_found')

    const back = await client.organizations.members.reactivate({
      organization_id: orgId,
      member_id: memberId,
    })
    expect(back.member.status).toBe('active')
  })

  it('lets a member update its own name with its session but not its roles', async () => {
    const { orgId, memberId, token } = await acmeWithAlice()
    const authorization = { session_token: token }
    const self = await client.organizations.members.update(
      { organization_id: orgId, member_id: memberId, name: 'Me' },
      { authorization },
    )
    expect(self.member.name).toBe('Me')
    const error = await stytchErrorOf(
      client.organizations.members.update(
        { organization_id: orgId, member_id: memberId, roles: ['stytch_admin'] },
        { authorization },
      ),
    )
    expect(error.error_type).toBe('session_authorization_error')
  })
})

describe('official SDK: sessions.get and revoke by member', () => {
  it('lists the member sessions, revokes them by member_id, and the JWT no longer refreshes', async () => {
    const { orgId, memberId, token, jwt } = await acmeWithAlice()
    const listed = await client.sessions.get({ organization_id: orgId, member_id: memberId })
    expect(listed.member_sessions).toHaveLength(1)
    await client.sessions.revoke({ member_id: memberId })
    expect(
      (await client.sessions.get({ organization_id: orgId, member_id: memberId })).member_sessions,
    ).toEqual([])
    const byToken = await stytchErrorOf(client.sessions.authenticate({ session_token: token }))
    expect(byToken.error_type).toBe('session_not_found')
    // max_token_age_seconds: 0 makes the SDK ask the API, as a refresh does.
    const byJwt = await stytchErrorOf(
      client.sessions.authenticateJwt({ session_jwt: jwt, max_token_age_seconds: 0 }),
    )
    expect(byJwt.error_type).toBe('session_not_found')
  })

  it('a deleted member’s session stops authenticating through the SDK', async () => {
    const { orgId, memberId, token } = await acmeWithAlice()
    await client.organizations.members.delete({ organization_id: orgId, member_id: memberId })
    const error = await stytchErrorOf(client.sessions.authenticate({ session_token: token }))
    expect(error.error_type).toBe('session_not_found')
  })
})
