// Wire conformance of the local server, sessions: authenticate, exchange, get, revoke, custom
// claims. Every endpoint is called over real HTTP and every body is checked against the Stytch JSON
// Schemas (test/fixtures/stytch-schemas); each test gets a server of its own (see kit.ts).

import { generateKeyPair, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import {
  BAD_DURATION,
  BAD_ORG_ID,
  BAD_REQUEST,
  BOB,
  conformanceSuite,
  coverageFloor,
  decodeJwt,
  E,
  expectActiveMemberIn,
  expectMemberSession,
  JIT_REFUSED,
  MINUTE,
  NEWBIE,
  UNKNOWN_MEMBER,
  UNKNOWN_ORG,
  UNKNOWN_SESSION_TOKEN,
  type Wire,
} from './kit.js'

const c = conformanceSuite('sessions')

describe('POST /v1/b2b/sessions/authenticate', () => {
  it('authenticates by token without extending the session, and mints a fresh JWT', async () => {
    const w = await c.world()
    const { acme, aliceAcme } = w
    const aliceSession = await c.aliceSession(w)
    c.clock.advance(1000)
    const body = await c.ok(E.sessionsAuthenticate, { session_token: aliceSession.token })
    expect(body.member_session.member_session_id).toBe(aliceSession.session.member_session_id)
    expect(body.member_session.expires_at).toBe(aliceSession.session.expires_at)
    expect(body.member_session.started_at).toBe(aliceSession.session.started_at)
    // last_accessed_at follows each successful authenticate: inferred, not documented by Stytch.
    expect(Date.parse(body.member_session.last_accessed_at)).toBe(c.clock.now())
    expect(body.member.member_id).toBe(aliceAcme.member_id)
    expect(body.organization.organization_id).toBe(acme.organization_id)
    expect(body.session_jwt).not.toBe(aliceSession.jwt)
    expect(body.member_session.custom_claims).toEqual({ plan: 'pro', seats: 5 })
    expect(body.verdict ?? null).toBeNull()
    await c.expectSessionJwt(body.session_jwt, body.member_session)
  })

  it('authenticates by JWT and extends by session_duration_minutes', async () => {
    const w = await c.world()
    let aliceSession = await c.aliceSession(w)
    const body = await c.ok(E.sessionsAuthenticate, {
      session_jwt: aliceSession.jwt,
      session_duration_minutes: 30,
    })
    expect(body.member_session.member_session_id).toBe(aliceSession.session.member_session_id)
    expect(Date.parse(body.member_session.expires_at)).toBe(c.clock.now() + 30 * MINUTE)
    await c.expectSessionJwt(body.session_jwt, body.member_session)
    aliceSession = { ...aliceSession, jwt: body.session_jwt, session: body.member_session }
  })

  it('merges custom claims: new keys added, null deletes, others kept', async () => {
    const w = await c.world()
    let aliceSession = await c.aliceSession(w)
    const body = await c.ok(E.sessionsAuthenticate, {
      session_token: aliceSession.token,
      session_custom_claims: { plan: null, tier: 'gold', seats: 6 },
    })
    expect(body.member_session.custom_claims).toEqual({ tier: 'gold', seats: 6 })
    await c.expectSessionJwt(body.session_jwt, body.member_session)
    const { payload } = decodeJwt(body.session_jwt)
    expect(payload.tier).toBe('gold')
    expect(payload).not.toHaveProperty('plan')
    aliceSession = { ...aliceSession, jwt: body.session_jwt, session: body.member_session }
  })

  it('rejects custom claims under https://stytch.com/', async () => {
    const w = await c.world()
    const aliceSession = await c.aliceSession(w)
    c.fails(
      await c.call(E.sessionsAuthenticate, {
        session_token: aliceSession.token,
        session_custom_claims: { 'https://stytch.com/session': { id: 'forged' } },
      }),
      400,
      ['stytch_claims_in_custom_claims', 'reserved_claims_in_custom_claims'],
    )
  })

  it('accepts a JWT past its exp while the session lives, and returns a new one', async () => {
    const w = await c.world()
    let aliceSession = await c.aliceSession(w)
    const oldJwt = aliceSession.jwt
    c.clock.advance(6 * MINUTE)
    const body = await c.ok(E.sessionsAuthenticate, { session_jwt: oldJwt })
    expect(body.member_session.member_session_id).toBe(aliceSession.session.member_session_id)
    expect(body.session_jwt).not.toBe(oldJwt)
    await c.expectSessionJwt(body.session_jwt, body.member_session)
    aliceSession = { ...aliceSession, jwt: body.session_jwt, session: body.member_session }
  })

  it('checks authorization: tenancy, denial and a granted permission', async () => {
    const w = await c.world()
    const { acme, beta } = w
    const aliceSession = await c.aliceSession(w)
    const founderSession = await c.founderSession()
    c.fails(
      await c.call(E.sessionsAuthenticate, {
        session_token: aliceSession.token,
        authorization_check: {
          organization_id: beta.organization_id,
          resource_id: 'stytch.member',
          action: 'search',
        },
      }),
      403,
      'session_authorization_tenancy_error',
    )
    c.fails(
      await c.call(E.sessionsAuthenticate, {
        session_token: aliceSession.token,
        authorization_check: {
          organization_id: acme.organization_id,
          resource_id: 'no-such-resource',
          action: 'explode',
        },
      }),
      403,
      'session_authorization_error',
    )
    // A permission the project policy grants to one of the founder's roles.
    const policy = (await c.ok(E.rbacPolicy)).policy
    const grants: Array<{ role: string; resource: string; action: string }> = []
    for (const role of policy?.roles ?? []) {
      if (!founderSession.session.roles.includes(role.role_id)) continue
      for (const permission of role.permissions) {
        const action = permission.actions[0]
        if (action) grants.push({ role: role.role_id, resource: permission.resource_id, action })
      }
    }
    expect(grants.length, 'the RBAC policy grants stytch_admin something').toBeGreaterThan(0)
    const grant = grants[0]
    if (!grant) return
    const body = await c.ok(E.sessionsAuthenticate, {
      session_token: founderSession.token,
      authorization_check: {
        organization_id: founderSession.session.organization_id,
        resource_id: grant.resource,
        action: grant.action === '*' ? 'any-action' : grant.action,
      },
    })
    expect(body.verdict.authorized).toBe(true)
    expect(body.verdict.granting_roles).toContain(grant.role)
  })

  it('needs exactly one of session_token and session_jwt', async () => {
    const w = await c.world()
    const aliceSession = await c.aliceSession(w)
    await c.failsEach(E.sessionsAuthenticate, [
      [{}, 400, [...BAD_REQUEST, 'no_session_arguments']],
      [
        { session_token: aliceSession.token, session_jwt: aliceSession.jwt },
        400,
        [...BAD_REQUEST, 'too_many_session_arguments'],
      ],
      [{ session_token: 99 }, 400, BAD_REQUEST],
      [{ session_token: aliceSession.token, session_duration_minutes: 527_041 }, 400, BAD_DURATION],
    ])
  })

  it('answers session_not_found for unknown tokens and never accepts a forged JWT', async () => {
    const w = await c.world()
    const aliceSession = await c.aliceSession(w)
    c.fails(
      await c.call(E.sessionsAuthenticate, {
        session_token: UNKNOWN_SESSION_TOKEN,
      }),
      404,
      'session_not_found',
    )
    c.fails(
      await c.call(E.sessionsAuthenticate, { session_jwt: 'not.a.jwt' }),
      [400, 404],
      ['unable_to_parse_session_jwt', 'session_not_found'],
    )
    // Same claims, signed by a key the server never published.
    const { header, payload } = decodeJwt(aliceSession.jwt)
    const { privateKey } = await generateKeyPair('RS256')
    const forged = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid: String(header.kid), typ: 'JWT' })
      .sign(privateKey)
    c.fails(
      await c.call(E.sessionsAuthenticate, { session_jwt: forged }),
      [400, 401, 404],
      ['session_not_found', 'unable_to_parse_session_jwt'],
    )
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.`
    c.fails(
      await c.call(E.sessionsAuthenticate, { session_jwt: unsigned }),
      [400, 401, 404],
      ['session_not_found', 'unable_to_parse_session_jwt'],
    )
  })

  it('answers session_not_found once the session has expired', async () => {
    const { acme } = await c.world()
    const body = await c.orgLogin(acme.organization_id, NEWBIE, { session_duration_minutes: 5 })
    expectMemberSession(body.member_session, {
      memberId: body.member_id,
      organizationId: acme.organization_id,
      slug: 'acme',
      durationMinutes: 5,
    })
    c.clock.advance(5 * MINUTE + 1000)
    await c.expectSessionGone(body)
    const listed = await c.ok(E.sessionsGet, {
      organization_id: acme.organization_id,
      member_id: body.member_id,
    })
    expect(listed.member_sessions.map((x: Wire) => x.member_session_id)).not.toContain(
      body.member_session.member_session_id,
    )
  })
})

describe('POST /v1/b2b/sessions/exchange', () => {
  it('switches organization for an existing member and accepts an invite', async () => {
    const { acme, beta } = await c.world()
    const bobSession = await c.session(acme.organization_id, BOB)
    // Bob was seeded as invited in Beta; his Acme session switches him in.
    const body = await c.ok(E.sessionsExchange, {
      session_token: bobSession.token,
      organization_id: beta.organization_id,
    })
    expectActiveMemberIn(body, beta.organization_id, BOB)
    expect(body.session_token).not.toBe(bobSession.token)
    expectMemberSession(body.member_session, {
      memberId: body.member_id,
      organizationId: beta.organization_id,
      slug: 'beta',
    })
    expect(body.member_session.member_session_id).not.toBe(bobSession.session.member_session_id)
    await c.expectSessionJwt(body.session_jwt, body.member_session)
  })

  it('switches by JWT too', async () => {
    const w = await c.world()
    const { beta } = w
    let aliceSession = await c.aliceSession(w)
    const fresh = await c.ok(E.sessionsAuthenticate, { session_token: aliceSession.token })
    aliceSession = { ...aliceSession, jwt: fresh.session_jwt, session: fresh.member_session }
    const body = await c.ok(E.sessionsExchange, {
      session_jwt: aliceSession.jwt,
      organization_id: 'beta',
      session_duration_minutes: 15,
      session_custom_claims: { switched: 'yes' },
    })
    expect(body.member_authenticated).toBe(true)
    expect(body.organization.organization_id).toBe(beta.organization_id)
    expectMemberSession(body.member_session, {
      memberId: body.member_id,
      organizationId: beta.organization_id,
      slug: 'beta',
      durationMinutes: 15,
    })
    expect(body.member_session.custom_claims).toEqual({ switched: 'yes' })
    await c.expectSessionJwt(body.session_jwt, body.member_session)
  })

  it('refuses organizations without a membership and bad input', async () => {
    const w = await c.world()
    const { beta } = w
    const aliceSession = await c.aliceSession(w)
    const founderSession = await c.founderSession()
    const refused = await c.call(E.sessionsExchange, {
      session_token: aliceSession.token,
      organization_id: founderSession.session.organization_id,
    })
    expect(refused.status).toBeGreaterThanOrEqual(400)
    expect(refused.status).toBeLessThan(500)
    c.fails(refused, refused.status, [
      'insufficient_factors_for_session_exchange',
      'member_not_found',
      ...JIT_REFUSED,
    ])
    c.fails(
      await c.call(E.sessionsExchange, {
        session_token: aliceSession.token,
        organization_id: UNKNOWN_ORG,
      }),
      404,
      'organization_not_found',
    )
    c.fails(
      await c.call(E.sessionsExchange, {
        session_token: UNKNOWN_SESSION_TOKEN,
        organization_id: beta.organization_id,
      }),
      404,
      'session_not_found',
    )
    c.fails(
      await c.call(E.sessionsExchange, { session_token: aliceSession.token }),
      400,
      BAD_ORG_ID,
    )
    c.fails(await c.call(E.sessionsExchange, { organization_id: beta.organization_id }), 400, [
      ...BAD_REQUEST,
      'no_session_arguments',
    ])
  })
})

describe('GET /v1/b2b/sessions', () => {
  it("lists a member's active sessions", async () => {
    const w = await c.world()
    const { acme, aliceAcme } = w
    const aliceSession = await c.aliceSession(w)
    const body = await c.ok(E.sessionsGet, {
      organization_id: acme.organization_id,
      member_id: aliceAcme.member_id,
    })
    const ids = body.member_sessions.map((s: Wire) => s.member_session_id)
    expect(ids).toContain(aliceSession.session.member_session_id)
    for (const s of body.member_sessions) {
      expect(s.member_id).toBe(aliceAcme.member_id)
      expect(s.organization_id).toBe(acme.organization_id)
    }
  })

  it('validates its query', async () => {
    const { acme, aliceAcme } = await c.world()
    await c.failsEach(E.sessionsGet, [
      [{ organization_id: acme.organization_id }, 400, BAD_REQUEST],
      [
        { organization_id: acme.organization_id, member_id: UNKNOWN_MEMBER },
        404,
        'member_not_found',
      ],
      [
        { organization_id: UNKNOWN_ORG, member_id: aliceAcme.member_id },
        404,
        'organization_not_found',
      ],
    ])
  })
})

describe('POST /v1/b2b/sessions/revoke', () => {
  it('revokes by token, session id, JWT and member id', async () => {
    const { acme, bobAcme } = await c.world()
    const bobSession = await c.session(acme.organization_id, BOB)
    const a = await c.orgLogin(acme.organization_id, BOB)
    const body = await c.ok(E.sessionsRevoke, { session_token: a.session_token })
    expect(Object.keys(body).sort()).toEqual(['request_id', 'status_code'])
    await c.expectSessionGone(a)

    const b = await c.orgLogin(acme.organization_id, BOB)
    await c.ok(E.sessionsRevoke, { member_session_id: b.member_session.member_session_id })
    await c.expectSessionGone({ session_token: b.session_token })

    const third = await c.orgLogin(acme.organization_id, BOB)
    await c.ok(E.sessionsRevoke, { session_jwt: third.session_jwt })
    await c.expectSessionGone({ session_token: third.session_token })

    const d1 = await c.orgLogin(acme.organization_id, BOB)
    const d2 = await c.orgLogin(acme.organization_id, BOB)
    await c.ok(E.sessionsRevoke, { member_id: bobAcme.member_id })
    for (const token of [d1.session_token, d2.session_token, bobSession.token]) {
      c.fails(
        await c.call(E.sessionsAuthenticate, { session_token: token }),
        404,
        'session_not_found',
      )
    }
    const left = await c.ok(E.sessionsGet, {
      organization_id: acme.organization_id,
      member_id: bobAcme.member_id,
    })
    expect(left.member_sessions).toEqual([])
  })

  it('needs exactly one selector and a known session', async () => {
    const w = await c.world()
    const { aliceAcme } = w
    const aliceSession = await c.aliceSession(w)
    await c.failsEach(E.sessionsRevoke, [
      [{}, 400, [...BAD_REQUEST, 'no_session_revoke_arguments']],
      [
        { session_token: aliceSession.token, member_id: aliceAcme.member_id },
        400,
        [...BAD_REQUEST, 'too_many_session_revoke_arguments'],
      ],
      [{ session_token: false }, 400, BAD_REQUEST],
      [{ session_token: UNKNOWN_SESSION_TOKEN }, 404, 'session_not_found'],
    ])
    // The failed calls above did not revoke anything.
    await c.ok(E.sessionsAuthenticate, { session_token: aliceSession.token })
  })
})

describe('custom claims limits', () => {
  it('never lets a custom claim replace a registered claim', async () => {
    const w = await c.world()
    const aliceSession = await c.aliceSession(w)
    const res = await c.call(E.sessionsAuthenticate, {
      session_token: aliceSession.token,
      session_custom_claims: { sub: 'member-test-attacker', iss: 'evil', aud: ['x'], note: 'hi' },
    })
    if (res.status !== 200) {
      c.fails(res, 400, 'reserved_claims_in_custom_claims')
      return
    }
    const body = c.expectOk(res)
    expect(body.member_session.custom_claims).not.toHaveProperty('sub')
    expect(body.member_session.custom_claims).not.toHaveProperty('iss')
    await c.expectSessionJwt(body.session_jwt, body.member_session)
  })

  it('rejects claims over 4 KB and claims that are not an object', async () => {
    const w = await c.world()
    const aliceSession = await c.aliceSession(w)
    c.fails(
      await c.call(E.sessionsAuthenticate, {
        session_token: aliceSession.token,
        session_custom_claims: { blob: 'x'.repeat(5000) },
      }),
      400,
      'custom_claims_too_large',
    )
    c.fails(
      await c.call(E.sessionsAuthenticate, {
        session_token: aliceSession.token,
        session_custom_claims: 'plan=pro',
      }),
      400,
      BAD_REQUEST,
    )
  })
})

coverageFloor('sessions')
