// The official `stytch` Node SDK, unchanged, against the local server: the B2B flows end to end.

import { B2BClient, ClientError, StytchError } from 'stytch'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startLocalServer } from '../../src/local-server/index.js'
import { createTestClock } from '../helpers/clock.js'
import { decodeJwt } from '../helpers/schemas.js'
import { keyedMemoryStore } from '../helpers/signing-keys.js'
import { afterWholeFile } from '../helpers/whole-file.js'

const ACME_DOMAIN = 'acme.test'
const ALICE = `alice@${ACME_DOMAIN}`
const PENDING = `pending@${ACME_DOMAIN}`
const VERIFIED = `verified@${ACME_DOMAIN}`
const JOINER = `joiner@${ACME_DOMAIN}`
const FOUNDER = 'founder@newco.test'
const MINUTE = 60_000

// Each test gets its own server on an injected clock that starts at real time; the SDK's local JWT
// checks use real time unless given `current_date`, so the clock only moves where a test says so.
let clock = createTestClock()
let local: Awaited<ReturnType<typeof startLocalServer>>
let client: B2BClient
/** Names of the SDK steps that passed, over the whole file (a step run by several tests counts once). */
const completedSteps = new Set<string>()

/** Runs one SDK step (call + assertions) and counts it once it has passed. */
async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const result = await fn()
  completedSteps.add(name)
  return result
}

function latestCode(email: string, kind?: 'login' | 'signup' | 'discovery'): string {
  const message = local.outbox.latest(email, kind)
  expect(message, `an OTP email to ${email}`).toBeDefined()
  expect(message?.code).toMatch(/^\d{6}$/)
  return message?.code ?? ''
}

function newClient(): B2BClient {
  return new B2BClient({ project_id: local.projectId, secret: local.secret, env: `${local.url}/` })
}

beforeEach(async () => {
  clock = createTestClock(Math.floor(Date.now() / 1000) * 1000)
  local = await startLocalServer({
    port: 0,
    host: '127.0.0.1',
    now: clock.now,
    store: await keyedMemoryStore(),
  })
  client = newClient()
})

afterEach(async () => {
  await local?.close()
})

afterAll(() => {
  console.log(`[sdk] official stytch SDK steps passed: ${completedSteps.size}`)
})

// Floor: every SDK step the file covers passed at least once (checked after the last test).
afterWholeFile(() => {
  expect(completedSteps.size, 'distinct SDK steps passed').toBeGreaterThanOrEqual(36)
})

/** `[organization_id, membership type]` of each discovered organization. */
function membershipTypes(
  discovered: Array<{ organization?: { organization_id: string }; membership?: { type: string } }>,
): Array<[string | undefined, string | undefined]> {
  return discovered.map((d) => [d.organization?.organization_id, d.membership?.type])
}

/** A discovery answer for `email` lists exactly these (organization, membership type) pairs. */
function expectDiscovered(
  res: {
    email_address: string
    discovered_organizations: Parameters<typeof membershipTypes>[0]
  },
  email: string,
  expected: Array<[string, string]>,
): void {
  expect(res.email_address).toBe(email)
  const types = membershipTypes(res.discovered_organizations)
  expect(types).toHaveLength(expected.length)
  expect(types).toEqual(expect.arrayContaining(expected))
}

/** The organizations and members every flow starts from. */
interface Seeded {
  acmeId: string
  betaId: string
  aliceAcmeId: string
  pendingId: string
}

/**
 * Acme (email JIT RESTRICTED to acme.test) with Alice (active), a pending member and a verified
 * member; Beta (defaults) with Alice invited. Created through the SDK, checked step by step.
 */
async function seed(): Promise<Seeded> {
  const acme = await step('organizations.create (RESTRICTED email JIT)', async () => {
    const res = await client.organizations.create({
      organization_name: 'Acme Corp',
      organization_slug: 'acme',
      email_jit_provisioning: 'RESTRICTED',
      email_allowed_domains: [ACME_DOMAIN],
    })
    expect(res.status_code).toBe(200)
    expect(res.organization.organization_id).toMatch(/^organization-test-/)
    expect(res.organization.email_jit_provisioning).toBe('RESTRICTED')
    expect(res.organization.email_allowed_domains).toEqual([ACME_DOMAIN])
    return res.organization
  })
  const acmeId = acme.organization_id

  const beta = await step('organizations.create (defaults)', async () => {
    const res = await client.organizations.create({
      organization_name: 'Beta Inc',
      organization_slug: 'beta',
    })
    expect(res.organization.email_jit_provisioning).toBe('NOT_ALLOWED')
    return res.organization
  })
  const betaId = beta.organization_id

  const aliceAcmeId = await step('organizations.members.create (active)', async () => {
    const res = await client.organizations.members.create({
      organization_id: acmeId,
      email_address: ALICE,
      name: 'Alice',
    })
    expect(res.member.status).toBe('active')
    expect(res.member.organization_id).toBe(acmeId)
    expect(res.member_id).toBe(res.member.member_id)
    expect(res.member.roles.map((r) => r.role_id)).toContain('stytch_member')
    return res.member_id
  })

  const pendingId = await step('organizations.members.create (pending)', async () => {
    const res = await client.organizations.members.create({
      organization_id: acmeId,
      email_address: PENDING,
      create_member_as_pending: true,
    })
    expect(res.member.status).toBe('pending')
    return res.member_id
  })

  // States the API cannot create: an invite, and a verified email that enables JIT by domain.
  const invited = await local.seedMember({
    organization_id: betaId,
    email_address: ALICE,
    status: 'invited',
  })
  expect(invited.status).toBe('invited')
  const verified = await local.seedMember({
    organization_id: acmeId,
    email_address: VERIFIED,
    email_address_verified: true,
  })
  expect(verified.email_address_verified).toBe(true)
  return { acmeId, betaId, aliceAcmeId, pendingId }
}

/** Sends Alice an Acme login code unless told it is sent, and logs her in (90 minutes, a claim). */
async function loginAlice(
  w: Seeded,
  codeSent = false,
): Promise<{ token: string; jwt: string; id: string }> {
  if (!codeSent) {
    await client.otps.email.loginOrSignup({ organization_id: w.acmeId, email_address: ALICE })
  }
  return step('otps.email.authenticate', async () => {
    const res = await client.otps.email.authenticate({
      organization_id: w.acmeId,
      email_address: ALICE,
      code: latestCode(ALICE, 'login'),
      session_duration_minutes: 90,
      session_custom_claims: { plan: 'pro' },
    })
    expect(res.member_authenticated).toBe(true)
    expect(res.member_id).toBe(w.aliceAcmeId)
    expect(res.organization_id).toBe(w.acmeId)
    expect(res.member.email_address_verified).toBe(true)
    const session = res.member_session
    expect(session?.organization_id).toBe(w.acmeId)
    expect(session?.custom_claims).toEqual({ plan: 'pro' })
    expect(Date.parse(session?.expires_at ?? '') - Date.parse(session?.started_at ?? '')).toBe(
      90 * MINUTE,
    )
    expect(session?.authentication_factors.map((f) => f.type)).toContain('email_otp')
    return {
      token: res.session_token,
      jwt: res.session_jwt,
      id: session?.member_session_id ?? '',
    }
  })
}

/** Alice accepts her Beta invite through discovery; returns her Beta session. */
async function acceptBetaInvite(w: Seeded): Promise<{ token: string; jwt: string }> {
  await client.otps.email.discovery.send({ email_address: ALICE })
  const { intermediate_session_token } = await client.otps.email.discovery.authenticate({
    email_address: ALICE,
    code: latestCode(ALICE, 'discovery'),
  })
  const res = await client.discovery.intermediateSessions.exchange({
    intermediate_session_token,
    organization_id: w.betaId,
  })
  expect(res.member_authenticated).toBe(true)
  return { token: res.session_token, jwt: res.session_jwt }
}

/** A member who joins Acme by email domain (JIT signup, then the signup code). */
async function joinAcme(w: Seeded, email: string): Promise<void> {
  await client.otps.email.loginOrSignup({ organization_id: w.acmeId, email_address: email })
  const res = await client.otps.email.authenticate({
    organization_id: w.acmeId,
    email_address: email,
    code: latestCode(email, 'signup'),
  })
  expect(res.member.status).toBe('active')
}

/** NewCo, created from FOUNDER's discovery IST; returns the founder's JWT and the new org id. */
async function createFounderOrg(): Promise<{ jwt: string; organizationId: string }> {
  await client.otps.email.discovery.send({ email_address: FOUNDER })
  const { intermediate_session_token: ist, discovered_organizations } =
    await client.otps.email.discovery.authenticate({
      email_address: FOUNDER,
      code: latestCode(FOUNDER, 'discovery'),
    })
  expect(discovered_organizations).toEqual([])

  return step('discovery.organizations.create', async () => {
    const res = await client.discovery.organizations.create({
      intermediate_session_token: ist,
      organization_name: 'NewCo',
      organization_slug: 'newco',
    })
    expect(res.member_authenticated).toBe(true)
    expect(res.organization.organization_slug).toBe('newco')
    expect(res.member.email_address).toBe(FOUNDER)
    expect(res.member.is_admin).toBe(true)
    expect(res.member.roles.map((r) => r.role_id)).toEqual(
      expect.arrayContaining(['stytch_admin', 'stytch_member']),
    )
    expect(res.member_session?.roles).toEqual(
      expect.arrayContaining(['stytch_admin', 'stytch_member']),
    )
    return { jwt: res.session_jwt, organizationId: res.organization.organization_id }
  })
}

describe('official stytch SDK against the local server', () => {
  it('seeds organizations and members', async () => {
    await seed()
  })

  it('discovers organizations by email OTP and enters one through an invite', async () => {
    const { acmeId, betaId } = await seed()
    await step('otps.email.discovery.send', async () => {
      const res = await client.otps.email.discovery.send({ email_address: ALICE })
      expect(res.status_code).toBe(200)
      expect(local.outbox.latest(ALICE)?.kind).toBe('discovery')
    })

    const discovered = await step('otps.email.discovery.authenticate', async () => {
      const res = await client.otps.email.discovery.authenticate({
        email_address: ALICE,
        code: latestCode(ALICE, 'discovery'),
      })
      expect(res.intermediate_session_token).not.toBe('')
      expectDiscovered(res, ALICE, [
        [acmeId, 'active_member'],
        [betaId, 'invited_member'],
      ])
      return res
    })
    const ist = discovered.intermediate_session_token

    await step('discovery.organizations.list (by IST)', async () => {
      const res = await client.discovery.organizations.list({ intermediate_session_token: ist })
      expect(res.email_address).toBe(ALICE)
      expect(res.discovered_organizations).toEqual(discovered.discovered_organizations)
    })

    const aliceBetaSession = await step(
      'discovery.intermediateSessions.exchange (accept invite)',
      async () => {
        const res = await client.discovery.intermediateSessions.exchange({
          intermediate_session_token: ist,
          organization_id: betaId,
        })
        expect(res.member_authenticated).toBe(true)
        expect(res.organization.organization_id).toBe(betaId)
        expect(res.member.email_address).toBe(ALICE)
        expect(res.member.status).toBe('active')
        expect(res.intermediate_session_token).toBe('')
        expect(res.member_session?.organization_id).toBe(betaId)
        expect(res.session_token).not.toBe('')
        return { token: res.session_token, jwt: res.session_jwt }
      },
    )

    await step('discovery.organizations.list (by session)', async () => {
      const res = await client.discovery.organizations.list({
        session_token: aliceBetaSession.token,
      })
      expectDiscovered(res, ALICE, [
        [acmeId, 'active_member'],
        [betaId, 'active_member'],
      ])
    })

    const member = await client.organizations.members.get({
      organization_id: betaId,
      email_address: ALICE,
    })
    expect(member.member.status).toBe('active')
  })

  it('creates an organization from a discovery IST', async () => {
    await createFounderOrg()
  })

  it('logs in with an organization-scoped email OTP', async () => {
    const w = await seed()
    const { acmeId, aliceAcmeId, pendingId } = w
    await step('otps.email.loginOrSignup (existing member)', async () => {
      const res = await client.otps.email.loginOrSignup({
        organization_id: acmeId,
        email_address: ALICE,
      })
      expect(res.member_created).toBe(false)
      expect(res.member_id).toBe(aliceAcmeId)
      expect(local.outbox.latest(ALICE)?.kind).toBe('login')
    })

    await step('otps.email.authenticate (wrong code → StytchError)', async () => {
      const code = latestCode(ALICE, 'login')
      const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0')
      const error = await client.otps.email
        .authenticate({ organization_id: acmeId, email_address: ALICE, code: wrong })
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(StytchError)
      expect(error).toMatchObject({ status_code: 404, error_type: 'otp_code_not_found' })
    })

    await loginAlice(w, true)

    await step('otps.email.loginOrSignup (JIT signup)', async () => {
      const res = await client.otps.email.loginOrSignup({
        organization_id: acmeId,
        email_address: JOINER,
      })
      expect(res.member_created).toBe(true)
      expect(res.member.status).toBe('pending')
      expect(local.outbox.latest(JOINER)?.kind).toBe('signup')
    })

    await step('otps.email.authenticate (pending → active)', async () => {
      const res = await client.otps.email.authenticate({
        organization_id: acmeId,
        email_address: JOINER,
        code: latestCode(JOINER, 'signup'),
      })
      expect(res.member.status).toBe('active')
      expect(res.member.email_address_verified).toBe(true)
      expect(res.member_authenticated).toBe(true)
    })

    await step('otps.email.authenticate (pending member seeded by API)', async () => {
      await client.otps.email.loginOrSignup({ organization_id: acmeId, email_address: PENDING })
      expect(local.outbox.latest(PENDING)?.kind).toBe('signup')
      const res = await client.otps.email.authenticate({
        organization_id: acmeId,
        email_address: PENDING,
        code: latestCode(PENDING, 'signup'),
      })
      expect(res.member_id).toBe(pendingId)
      expect(res.member.status).toBe('active')
    })
  })

  it('authenticates sessions by token, by JWT and locally through the served JWKS', async () => {
    const w = await seed()
    const { acmeId, aliceAcmeId } = w
    let aliceAcmeSession = await loginAlice(w)

    await step('sessions.authenticate (token)', async () => {
      const res = await client.sessions.authenticate({ session_token: aliceAcmeSession.token })
      expect(res.member_session.member_session_id).toBe(aliceAcmeSession.id)
      expect(res.member.member_id).toBe(aliceAcmeId)
      expect(res.organization.organization_id).toBe(acmeId)
      expect(res.member_session.custom_claims).toEqual({ plan: 'pro' })
    })

    await step('sessions.authenticate (JWT)', async () => {
      const res = await client.sessions.authenticate({ session_jwt: aliceAcmeSession.jwt })
      expect(res.member_session.member_session_id).toBe(aliceAcmeSession.id)
      expect(res.session_jwt).not.toBe('')
    })

    await step('sessions.authenticateJwtLocal', async () => {
      const session = await client.sessions.authenticateJwtLocal({
        session_jwt: aliceAcmeSession.jwt,
        current_date: new Date(clock.now()),
      })
      expect(session.member_session_id).toBe(aliceAcmeSession.id)
      expect(session.member_id).toBe(aliceAcmeId)
      expect(session.organization_id).toBe(acmeId)
      expect(session.organization_slug).toBe('acme')
      expect(session.roles).toContain('stytch_member')
      expect(session.custom_claims).toEqual({ plan: 'pro' })
      expect(session.authentication_factors.map((f) => f.type)).toContain('email_otp')
    })

    await step(
      'sessions.authenticateJwt ×20 (fresh JWT: one JWKS fetch, no API call)',
      async () => {
        local.resetRequestCounts()
        const counted = newClient()
        for (let i = 0; i < 20; i += 1) {
          const res = await counted.sessions.authenticateJwt({ session_jwt: aliceAcmeSession.jwt })
          expect(res.session_jwt).toBe(aliceAcmeSession.jwt)
          expect(res.member_session.member_session_id).toBe(aliceAcmeSession.id)
        }
        expect(local.requestCount('GET /v1/b2b/sessions/jwks/{project_id}')).toBe(1)
        expect(local.requestCount('POST /v1/b2b/sessions/authenticate')).toBe(0)
      },
    )

    await step('sessions.authenticateJwtLocal (expired → jwt_invalid)', async () => {
      const { payload } = decodeJwt(aliceAcmeSession.jwt)
      const error = await client.sessions
        .authenticateJwtLocal({
          session_jwt: aliceAcmeSession.jwt,
          current_date: new Date((Number(payload.exp) + 1) * 1000),
        })
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ClientError)
      expect(error).toMatchObject({ code: 'jwt_invalid' })
    })

    await step('sessions.authenticateJwtLocal (max_token_age_seconds → jwt_too_old)', async () => {
      const error = await client.sessions
        .authenticateJwtLocal({
          session_jwt: aliceAcmeSession.jwt,
          current_date: new Date(clock.now() + 61_000),
          max_token_age_seconds: 60,
        })
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ClientError)
      expect(error).toMatchObject({ code: 'jwt_too_old' })
    })

    await step(
      'sessions.authenticateJwt (expired on the injected clock → API refresh)',
      async () => {
        const oldJwt = aliceAcmeSession.jwt
        clock.advance(6 * MINUTE)
        // authenticateJwt forwards its params to authenticateJwtLocal, which reads current_date;
        // the request type omits the field, so it is passed through a variable.
        const params = { session_jwt: oldJwt, current_date: new Date(clock.now()) }
        const res = await client.sessions.authenticateJwt(params)
        // Local verification failed (exp passed), so the SDK asked the API for a new JWT.
        expect(res.session_jwt).not.toBe(oldJwt)
        expect(res.member_session.member_session_id).toBe(aliceAcmeSession.id)
        expect(decodeJwt(res.session_jwt).payload.iat).toBe(Math.floor(clock.now() / 1000))
        const again = await client.sessions.authenticateJwtLocal({
          session_jwt: res.session_jwt,
          current_date: new Date(clock.now()),
        })
        expect(again.member_session_id).toBe(aliceAcmeSession.id)
        aliceAcmeSession = { ...aliceAcmeSession, jwt: res.session_jwt }
      },
    )

    await step('sessions.getJWKS', async () => {
      const res = await client.sessions.getJWKS({ project_id: local.projectId })
      const kid = decodeJwt(aliceAcmeSession.jwt).header.kid
      expect(res.keys.map((k) => k.kid)).toContain(kid)
      for (const key of res.keys) {
        expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' })
      }
    })

    await step('sessions.authenticateJwtLocal (after key rotation, fresh client)', async () => {
      const { kid } = await local.rotateKeys()
      const refreshed = await client.sessions.authenticate({
        session_token: aliceAcmeSession.token,
      })
      expect(decodeJwt(refreshed.session_jwt).header.kid).toBe(kid)
      // A fresh client: jose only refetches a JWKS for an unknown kid after a 30 s cooldown.
      const session = await newClient().sessions.authenticateJwtLocal({
        session_jwt: refreshed.session_jwt,
        current_date: new Date(clock.now()),
      })
      expect(session.member_session_id).toBe(aliceAcmeSession.id)
      const jwks = await client.sessions.getJWKS({ project_id: local.projectId })
      expect(jwks.keys.map((k) => k.kid)).toContain(kid)
      expect(jwks.keys.length).toBeGreaterThanOrEqual(2)
      aliceAcmeSession = { ...aliceAcmeSession, jwt: refreshed.session_jwt }
    })
  })

  it('switches organization and revokes sessions', async () => {
    const w = await seed()
    const { betaId } = w
    const aliceBetaSession = await acceptBetaInvite(w)
    const aliceAcmeSession = await loginAlice(w)

    await step('sessions.exchange (Acme → Beta)', async () => {
      const res = await client.sessions.exchange({
        session_token: aliceAcmeSession.token,
        organization_id: betaId,
      })
      expect(res.member_authenticated).toBe(true)
      expect(res.organization.organization_id).toBe(betaId)
      expect(res.member.email_address).toBe(ALICE)
      expect(res.member_session?.organization_id).toBe(betaId)
      expect(res.session_token).not.toBe(aliceAcmeSession.token)
      const session = await newClient().sessions.authenticateJwtLocal({
        session_jwt: res.session_jwt,
        current_date: new Date(clock.now()),
      })
      expect(session.organization_id).toBe(betaId)
      expect(session.organization_slug).toBe('beta')
    })

    await step('sessions.revoke then sessions.authenticate → session_not_found', async () => {
      const res = await client.sessions.revoke({ session_token: aliceAcmeSession.token })
      expect(res.status_code).toBe(200)
      const error = await client.sessions
        .authenticate({ session_token: aliceAcmeSession.token })
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(StytchError)
      expect(error).toMatchObject({ status_code: 404, error_type: 'session_not_found' })
    })

    // The Beta session from the IST exchange is a different session and still works.
    const beta = await client.sessions.authenticate({ session_token: aliceBetaSession.token })
    expect(beta.organization.organization_id).toBe(betaId)
  })

  it('reads organizations and members', async () => {
    const w = await seed()
    const { acmeId, betaId, aliceAcmeId } = w
    await loginAlice(w)
    await joinAcme(w, JOINER)
    await createFounderOrg()

    await step('organizations.get (by id and slug)', async () => {
      const byId = await client.organizations.get({ organization_id: acmeId })
      expect(byId.organization.organization_slug).toBe('acme')
      const bySlug = await client.organizations.get({ organization_id: 'beta' })
      expect(bySlug.organization.organization_id).toBe(betaId)
    })

    await step('organizations.get (unknown → organization_not_found)', async () => {
      const error = await client.organizations
        .get({ organization_id: 'organization-test-00000000-0000-4000-8000-000000000000' })
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(StytchError)
      expect(error).toMatchObject({ status_code: 404, error_type: 'organization_not_found' })
    })

    await step('organizations.search', async () => {
      const res = await client.organizations.search({
        query: {
          operator: 'AND',
          operands: [{ filter_name: 'organization_slugs', filter_value: ['acme', 'newco'] }],
        },
      })
      expect(res.organizations.map((o) => o.organization_slug).sort()).toEqual(['acme', 'newco'])
      expect(res.results_metadata.total).toBe(2)
    })

    await step('organizations.members.get (by member_id and email)', async () => {
      const byId = await client.organizations.members.get({
        organization_id: acmeId,
        member_id: aliceAcmeId,
      })
      expect(byId.member.email_address).toBe(ALICE)
      expect(byId.member.status).toBe('active')
      expect(byId.member.email_address_verified).toBe(true)
      const byEmail = await client.organizations.members.get({
        organization_id: acmeId,
        email_address: JOINER,
      })
      expect(byEmail.member.status).toBe('active')
      expect(byEmail.organization.organization_id).toBe(acmeId)
    })
  })

  it('lists sessions and checks RBAC locally with the served policy', async () => {
    const w = await seed()
    const { acmeId, betaId } = w
    // Two Beta sessions for Alice: the invite accepted through discovery, then a switch from Acme.
    await acceptBetaInvite(w)
    const aliceAcme = await loginAlice(w)
    await client.sessions.exchange({ session_token: aliceAcme.token, organization_id: betaId })
    const founder = await createFounderOrg()

    await step('sessions.get', async () => {
      const { member_id } = await client.organizations.members.get({
        organization_id: betaId,
        email_address: ALICE,
      })
      const res = await client.sessions.get({ organization_id: betaId, member_id })
      // The IST-exchange session and the sessions.exchange session, both in Beta.
      expect(res.member_sessions.length).toBeGreaterThanOrEqual(2)
      for (const session of res.member_sessions) {
        expect(session.organization_id).toBe(betaId)
      }
    })

    const policy = await step('rbac.policy', async () => {
      const res = await client.rbac.policy()
      const roleIds = (res.policy?.roles ?? []).map((r) => r.role_id)
      expect(roleIds).toEqual(expect.arrayContaining(['stytch_member', 'stytch_admin']))
      return res.policy
    })

    const admin = policy?.roles.find((r) => r.role_id === 'stytch_admin')
    const permission = admin?.permissions.find((p) => p.actions.length > 0)
    expect(permission, 'stytch_admin holds at least one permission').toBeDefined()
    const resourceId = permission?.resource_id ?? ''
    const action = permission?.actions[0] === '*' ? 'any-action' : (permission?.actions[0] ?? '')

    const fresh = newClient()
    const fresherJwt = (await fresh.sessions.authenticate({ session_jwt: founder.jwt })).session_jwt

    await step('sessions.authenticateJwtLocal (authorization_check granted)', async () => {
      const session = await fresh.sessions.authenticateJwtLocal({
        session_jwt: fresherJwt,
        current_date: new Date(clock.now()),
        authorization_check: {
          organization_id: founder.organizationId,
          resource_id: resourceId,
          action,
        },
      })
      expect(session.roles).toContain('stytch_admin')
    })

    await step('sessions.authenticateJwtLocal (authorization_check denied)', async () => {
      const denied = await fresh.sessions
        .authenticateJwtLocal({
          session_jwt: fresherJwt,
          current_date: new Date(clock.now()),
          authorization_check: {
            organization_id: founder.organizationId,
            resource_id: 'no-such-resource',
            action: 'explode',
          },
        })
        .catch((e: unknown) => e)
      expect(denied).toBeInstanceOf(ClientError)
      expect(denied).toMatchObject({ code: 'invalid_permissions' })
      const otherTenant = await fresh.sessions
        .authenticateJwtLocal({
          session_jwt: fresherJwt,
          current_date: new Date(clock.now()),
          authorization_check: { organization_id: acmeId, resource_id: resourceId, action },
        })
        .catch((e: unknown) => e)
      expect(otherTenant).toBeInstanceOf(ClientError)
      expect(otherTenant).toMatchObject({ code: 'tenancy_mismatch' })
    })

    await step('sessions.authenticate (authorization_check → verdict)', async () => {
      const res = await fresh.sessions.authenticate({
        session_jwt: fresherJwt,
        authorization_check: {
          organization_id: founder.organizationId,
          resource_id: resourceId,
          action,
        },
      })
      expect(res.verdict?.authorized).toBe(true)
      expect(res.verdict?.granting_roles).toContain('stytch_admin')
    })
  })
})
