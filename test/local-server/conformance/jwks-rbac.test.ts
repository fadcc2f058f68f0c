// Wire conformance of the local server, JWKS and RBAC policies. Every endpoint is called over real
// HTTP and every body is checked against the Stytch JSON Schemas (test/fixtures/stytch-schemas);
// each test gets a server of its own (see kit.ts).

import { createHash, X509Certificate } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { expectPublicRs256Key } from '../fixtures.js'
import {
  conformanceSuite,
  coverageFloor,
  decodeJwt,
  E,
  expectStytchError,
  ID_PATTERN,
  UNKNOWN_ORG,
  type Wire,
} from './kit.js'

const c = conformanceSuite('jwks-rbac')

describe('GET /v1/b2b/sessions/jwks/{project_id}', () => {
  it('serves RS256 signing keys with and without credentials', async () => {
    const anonymous = await c.ok(E.jwks.at(c.local.projectId), {}, { authorization: null })
    const authed = await c.ok(E.jwks.at(c.local.projectId))
    expect(authed.keys).toEqual(anonymous.keys)
    expect(anonymous.keys.length).toBeGreaterThanOrEqual(1)
    for (const key of anonymous.keys) {
      expectPublicRs256Key(key)
      expect(key.kid).toMatch(ID_PATTERN('jwk'))
      expect(key.x5c.length).toBeGreaterThanOrEqual(1)
      expect(key).not.toHaveProperty('d')
      // x5c[0] is a DER certificate for this very key; x5tS256 is its SHA-256 thumbprint.
      const der = Buffer.from(key.x5c[0], 'base64')
      const certKey = new X509Certificate(der).publicKey.export({ format: 'jwk' })
      expect({ n: certKey.n, e: certKey.e }).toEqual({ n: key.n, e: key.e })
      const thumbprint = createHash('sha256').update(der).digest()
      expect([thumbprint.toString('base64url'), thumbprint.toString('base64')]).toContain(
        key.x5tS256,
      )
      expect(Buffer.from(key.n, 'base64url').length * 8).toBeGreaterThanOrEqual(2048)
    }
  })

  it('publishes a rotated key next to the old one; the old key can be removed', async () => {
    const w = await c.world()
    const aliceSession = await c.aliceSession(w)
    const before = await c.currentJwks()
    const [oldKey] = before.keys
    const { kid } = await c.local.rotateKeys()
    expect(kid).toMatch(ID_PATTERN('jwk'))
    const after = await c.currentJwks()
    expect(after.keys.map((k) => k.kid).sort()).toEqual([oldKey?.kid, kid].sort())

    const body = await c.ok(E.sessionsAuthenticate, { session_token: aliceSession.token })
    expect(decodeJwt(body.session_jwt).header.kid).toBe(kid)
    await c.expectSessionJwt(body.session_jwt, body.member_session)

    if (oldKey?.kid) c.local.removeKey(oldKey.kid)
    const final = await c.currentJwks()
    expect(final.keys.map((k) => k.kid)).toEqual([kid])
  })

  it('answers an error envelope for another project id', async () => {
    const res = await c.call(E.jwks.at('project-test-00000000-0000-4000-8000-000000000000'))
    expect([400, 401, 404]).toContain(res.status)
    expectStytchError(res.body)
    expect(res.body.status_code).toBe(res.status)
  })
})

describe('GET /v1/b2b/rbac/policy and /v1/b2b/rbac/organizations/{id}', () => {
  it('serves the project policy with the default roles', async () => {
    const body = await c.ok(E.rbacPolicy)
    const roleIds = (body.policy?.roles ?? []).map((r: Wire) => r.role_id)
    expect(roleIds).toEqual(expect.arrayContaining(['stytch_member', 'stytch_admin']))
  })

  it('serves Stytch’s default policy: stytch_member holds stytch.self only @see issue 14', async () => {
    const { policy } = await c.ok(E.rbacPolicy)
    expect(policy.resources.map((r: Wire) => r.resource_id)).toEqual([
      'stytch.self',
      'stytch.organization',
      'stytch.member',
      'stytch.sso',
      'stytch.scim',
    ])
    const member = policy.roles.find((r: Wire) => r.role_id === 'stytch_member')
    expect(member.permissions).toEqual([{ resource_id: 'stytch.self', actions: ['*'] }])
    const admin = policy.roles.find((r: Wire) => r.role_id === 'stytch_admin')
    expect(admin.permissions.map((p: Wire) => p.resource_id)).toEqual([
      'stytch.organization',
      'stytch.member',
      'stytch.sso',
      'stytch.scim',
    ])
  })

  it('authorization_check: 403 for a member outside stytch.self, a verdict for an admin', async () => {
    const w = await c.world()
    const alice = await c.aliceSession(w)
    const check = (token: string, organization_id: string, resource_id: string, action: string) =>
      c.call(E.sessionsAuthenticate, {
        session_token: token,
        authorization_check: { organization_id, resource_id, action },
      })
    const acmeId = w.acme.organization_id
    for (const [resource, action] of [
      ['stytch.member', 'search'],
      ['stytch.organization', 'search'],
      ['stytch.organization', 'update.info.name'],
    ] as const) {
      c.fails(
        await check(alice.token, acmeId, resource, action),
        403,
        'session_authorization_error',
      )
    }
    const self = await c.ok(E.sessionsAuthenticate, {
      session_token: alice.token,
      authorization_check: {
        organization_id: acmeId,
        resource_id: 'stytch.self',
        action: 'delete',
      },
    })
    expect(self.verdict).toEqual({ authorized: true, granting_roles: ['stytch_member'] })
    const founder = await c.founderSession()
    const admin = await c.ok(E.sessionsAuthenticate, {
      session_token: founder.token,
      authorization_check: {
        organization_id: founder.session.organization_id,
        resource_id: 'stytch.member',
        action: 'search',
      },
    })
    expect(admin.verdict).toEqual({ authorized: true, granting_roles: ['stytch_admin'] })
  })

  it('serves an organization policy and 404 for an unknown organization', async () => {
    const { acme } = await c.world()
    const body = await c.ok(E.rbacOrg.at(acme.organization_id))
    expect(Array.isArray(body.org_policy.roles)).toBe(true)
    c.fails(await c.call(E.rbacOrg.at(UNKNOWN_ORG)), 404, 'organization_not_found')
  })
})

coverageFloor('jwks-rbac')
