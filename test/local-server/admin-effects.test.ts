// The admin endpoints' changes show wherever Stytch shows them (logins, discovery, sessions, on both
// stores), and calls made with a member session (X-Stytch-Member-Session / -SessionJWT) are held
// to that member's RBAC permissions (https://stytch.com/docs/b2b/guides/rbac/backend).
import { afterEach, describe, expect, it } from 'vitest'
import { basicAuth, type StytchCallResult } from '../helpers/local-api.js'
import { LOCAL_STORES } from '../helpers/local-stores.js'
import {
  createOrganization,
  discoveryIst,
  type Harness,
  login,
  P,
  sendDiscoveryOtp,
  startHarness,
} from './fixtures.js'

let h: Harness
afterEach(async () => {
  await h?.local.close()
})

/** Calls the server with Basic auth plus extra headers (the member-session ones). */
async function callWith(
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<StytchCallResult> {
  const res = await fetch(h.local.url + path, {
    method,
    headers: {
      authorization: basicAuth(h.local.projectId, h.local.secret),
      'content-type': 'application/json',
      ...headers,
    },
    body: JSON.stringify(body ?? {}),
  })
  return { status: res.status, body: await res.json(), headers: res.headers }
}

const asToken = (token: string) => ({ 'X-Stytch-Member-Session': token })
const asJwt = (jwt: string) => ({ 'X-Stytch-Member-SessionJWT': jwt })

function expectError(res: StytchCallResult, status: number, errorType: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status)
  expect(res.body.error_type).toBe(errorType)
}

interface Login {
  id: string
  token: string
  jwt: string
}
// biome-ignore lint/suspicious/noExplicitAny: wire body
type Sessions = { acme: any; alice: Login; bob: Login }

/** Acme (JIT RESTRICTED to acme.test) with Alice (a plain member) and Bob, both logged in. */
async function acmeWithSessions() {
  const acme = await createOrganization(h, {
    organization_name: 'Acme',
    organization_slug: 'acme',
    email_jit_provisioning: 'RESTRICTED',
    email_allowed_domains: ['acme.test'],
  })
  const members: Record<string, { id: string; token: string; jwt: string }> = {}
  for (const email of ['alice@acme.test', 'bob@acme.test']) {
    await h.post(P.membersCreate(acme.organization_id), { email_address: email })
    const res = await login(h, acme.organization_id, email)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    members[email] = {
      id: res.body.member_id,
      token: res.body.session_token,
      jwt: res.body.session_jwt,
    }
  }
  return { acme, alice: members['alice@acme.test'], bob: members['bob@acme.test'] }
}

/** Founder Co, created through discovery: its founder is stytch_admin. */
async function founder() {
  const ist = (await discoveryIst(h, 'founder@founder.test')).body.intermediate_session_token
  const res = await h.post(P.discoveryCreate, {
    intermediate_session_token: ist,
    organization_name: 'Founder Co',
    organization_slug: 'founder-co',
  })
  expect(res.status).toBe(200)
  return { org: res.body.organization, id: res.body.member_id, token: res.body.session_token }
}

describe.each(LOCAL_STORES)(
  'what the admin endpoints change shows everywhere ($name store)',
  (store) => {
    it('a deleted member can neither authenticate nor refresh its session, by token or JWT', async () => {
      h = await startHarness(store)
      const { acme, alice } = (await acmeWithSessions()) as Sessions
      const del = await h.call('DELETE', P.member(acme.organization_id, alice.id), {})
      expect(del.status).toBe(200)
      for (const selector of [{ session_token: alice.token }, { session_jwt: alice.jwt }]) {
        expectError(await h.post(P.sessionsAuthenticate, selector), 404, 'session_not_found')
      }
      // Nor log in again: the member is gone from its organization.
      const res = await h.post(P.loginOrSignup, {
        organization_id: acme.organization_id,
        email_address: 'alice@acme.test',
      })
      expect(res.body.member?.status ?? 'deleted').not.toBe('active')
    })

    it('revoke by member_id ends every session of that member only', async () => {
      h = await startHarness(store)
      const { alice, bob } = (await acmeWithSessions()) as Sessions
      const second = await h.post(P.sessionsAuthenticate, { session_token: alice.token })
      expect(second.status).toBe(200)
      expect((await h.post(P.sessionsRevoke, { member_id: alice.id })).status).toBe(200)
      expectError(
        await h.post(P.sessionsAuthenticate, { session_jwt: alice.jwt }),
        404,
        'session_not_found',
      )
      expect((await h.post(P.sessionsAuthenticate, { session_token: bob.token })).status).toBe(200)
    })

    it('a deleted organization takes its members and sessions; its slug is free again', async () => {
      h = await startHarness(store)
      const { acme, alice } = (await acmeWithSessions()) as Sessions
      expect((await h.call('DELETE', P.org(acme.organization_id), {})).status).toBe(200)
      expectError(
        await h.post(P.sessionsAuthenticate, { session_token: alice.token }),
        404,
        'session_not_found',
      )
      expectError(await h.post(P.sessionsRevoke, { member_id: alice.id }), 404, 'member_not_found')
      const again = await createOrganization(h, {
        organization_name: 'Acme 2',
        organization_slug: 'acme',
      })
      expect(again.organization_id).not.toBe(acme.organization_id)
    })

    it('a changed JIT setting changes login_or_signup and discovery', async () => {
      h = await startHarness(store)
      const labs = await createOrganization(h, {
        organization_name: 'Labs',
        organization_slug: 'labs',
      })
      h.local.seedMember({
        organization_id: labs.organization_id,
        email_address: 'first@labs.test',
        email_address_verified: true,
      })
      const signup = () =>
        h.post(P.loginOrSignup, { organization_id: 'labs', email_address: 'new@labs.test' })
      const discovered = async (email = 'new@labs.test') => {
        await sendDiscoveryOtp(h, email)
        const ist = (await discoveryIst(h, email)).body.intermediate_session_token
        const list = await h.post(P.discoveryList, { intermediate_session_token: ist })
        return list.body.discovered_organizations.map(
          (d: { organization: { organization_id: string } }) => d.organization.organization_id,
        )
      }
      expectError(await signup(), 403, 'email_jit_provisioning_not_allowed')
      expect(await discovered()).not.toContain(labs.organization_id)

      const put = await h.call('PUT', P.org('labs'), {
        email_jit_provisioning: 'RESTRICTED',
        email_allowed_domains: ['labs.test'],
      })
      expect(put.status, JSON.stringify(put.body)).toBe(200)
      expect(await discovered()).toContain(labs.organization_id)
      expect((await signup()).body.member_created).toBe(true)

      // Narrowing the allowed domains closes the door again.
      await h.call('PUT', P.org('labs'), { email_allowed_domains: ['other.test'] })
      expect(await discovered('late@labs.test')).not.toContain(labs.organization_id)
      const other = await h.post(P.loginOrSignup, {
        organization_id: 'labs',
        email_address: 'x@labs.test',
      })
      expect(other.status).toBe(403)
    })

    it('a slug change is unique and immediately the organization reference', async () => {
      h = await startHarness(store)
      const { acme } = await acmeWithSessions()
      await createOrganization(h, { organization_name: 'Beta', organization_slug: 'beta' })
      expectError(
        await h.call('PUT', P.org('acme'), { organization_slug: 'BETA' }),
        400,
        'organization_slug_already_used',
      )
      expect((await h.call('PUT', P.org('acme'), { organization_slug: 'acme-2' })).status).toBe(200)
      const res = await h.post(P.loginOrSignup, {
        organization_id: 'acme-2',
        email_address: 'alice@acme.test',
      })
      expect(res.body.organization.organization_id).toBe(acme.organization_id)
    })
  },
)

describe('member-session headers: the member needs the permission in its own organization', () => {
  it('a plain member may not change its organization; an admin may', async () => {
    h = await startHarness()
    const { acme, alice } = (await acmeWithSessions()) as Sessions
    const f = await founder()
    for (const field of [
      { organization_name: 'Hacked' },
      { email_jit_provisioning: 'NOT_ALLOWED' },
      { mfa_policy: 'REQUIRED_FOR_ALL' },
      { trusted_metadata: { x: 1 } },
    ]) {
      const res = await callWith('PUT', P.org(acme.organization_id), field, asToken(alice.token))
      expectError(res, 403, 'session_authorization_error')
    }
    expectError(
      await callWith('DELETE', P.org(acme.organization_id), {}, asJwt(alice.jwt)),
      403,
      'session_authorization_error',
    )
    // Another organization's admin is refused too.
    expectError(
      await callWith(
        'PUT',
        P.org(acme.organization_id),
        { organization_name: 'X' },
        asToken(f.token),
      ),
      403,
      'session_authorization_error',
    )
    const own = await callWith(
      'PUT',
      P.org(f.org.organization_id),
      { organization_name: 'Renamed' },
      asToken(f.token),
    )
    expect(own.status, JSON.stringify(own.body)).toBe(200)
    expect(own.body.organization.organization_name).toBe('Renamed')
    // Trusted metadata is never a member's to set, admin or not.
    expectError(
      await callWith(
        'PUT',
        P.org(f.org.organization_id),
        { trusted_metadata: {} },
        asToken(f.token),
      ),
      403,
      'session_authorization_error',
    )
    expect(
      (await h.call('GET', P.org(acme.organization_id))).body.organization.organization_name,
    ).toBe('Acme')
  })

  it('a plain member may update its own name but not another member, nor its own roles', async () => {
    h = await startHarness()
    const { acme, alice, bob } = (await acmeWithSessions()) as Sessions
    const org = acme.organization_id
    const self = await callWith(
      'PUT',
      P.member(org, alice.id),
      { name: 'Alice' },
      asToken(alice.token),
    )
    expect(self.status, JSON.stringify(self.body)).toBe(200)
    expect(self.body.member.name).toBe('Alice')
    for (const [memberId, body] of [
      [bob.id, { name: 'Bobby' }],
      [alice.id, { roles: ['stytch_admin'] }],
      [alice.id, { trusted_metadata: { admin: true } }],
      [alice.id, { email_address: 'alice2@acme.test' }],
    ] as const) {
      const res = await callWith('PUT', P.member(org, memberId), body, asJwt(alice.jwt))
      expectError(res, 403, 'session_authorization_error')
    }
    expectError(
      await callWith('DELETE', P.member(org, bob.id), {}, asToken(alice.token)),
      403,
      'session_authorization_error',
    )
    expectError(
      await callWith('POST', P.sessionsRevoke, { member_id: bob.id }, asToken(alice.token)),
      403,
      'session_authorization_error',
    )
    // stytch_member holds stytch.self only (Stytch's default policy): no member search.
    expectError(
      await callWith('POST', P.membersSearch, { organization_ids: [org] }, asToken(alice.token)),
      403,
      'session_authorization_error',
    )
    // Bob is untouched and still logged in.
    expect((await h.post(P.sessionsAuthenticate, { session_token: bob.token })).status).toBe(200)
  })

  it('an admin manages the members of its organization; a member may delete itself', async () => {
    h = await startHarness()
    const f = await founder()
    const org = f.org.organization_id
    const created = await callWith(
      'POST',
      P.membersCreate(org),
      { email_address: 'hire@founder.test' },
      asToken(f.token),
    )
    expect(created.status, JSON.stringify(created.body)).toBe(200)
    const hireId = created.body.member_id
    const promoted = await callWith(
      'PUT',
      P.member(org, hireId),
      { roles: ['stytch_admin'] },
      asToken(f.token),
    )
    expect(promoted.body.member.is_admin).toBe(true)
    const found = await callWith(
      'POST',
      P.membersSearch,
      { organization_ids: [org] },
      asToken(f.token),
    )
    expect(found.body.members).toHaveLength(2)
    expect((await callWith('DELETE', P.member(org, hireId), {}, asToken(f.token))).status).toBe(200)
    const back = await callWith('PUT', P.memberReactivate(org, hireId), {}, asToken(f.token))
    expect(back.status, JSON.stringify(back.body)).toBe(400) // never verified its email
    // Deleting itself ends the founder's own session.
    expect((await callWith('DELETE', P.member(org, f.id), {}, asToken(f.token))).status).toBe(200)
    expectError(
      await h.post(P.sessionsAuthenticate, { session_token: f.token }),
      404,
      'session_not_found',
    )
  })

  it('a bad, revoked or foreign session in the header is refused before anything changes', async () => {
    h = await startHarness()
    const { acme, alice } = (await acmeWithSessions()) as Sessions
    const path = P.org(acme.organization_id)
    expectError(
      await callWith('PUT', path, { organization_name: 'X' }, asToken('x'.repeat(44))),
      404,
      'session_not_found',
    )
    expectError(
      await callWith('PUT', path, { organization_name: 'X' }, asJwt('not.a.jwt')),
      400,
      'unable_to_parse_session_jwt',
    )
    await h.post(P.sessionsRevoke, { session_token: alice.token })
    expectError(
      await callWith('PUT', path, { organization_name: 'X' }, asToken(alice.token)),
      404,
      'session_not_found',
    )
    expect((await h.call('GET', path)).body.organization.organization_name).toBe('Acme')
  })
})
