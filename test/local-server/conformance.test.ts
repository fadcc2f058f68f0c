// Wire conformance of the local server: every endpoint over real HTTP, every body checked against
// the Stytch JSON Schemas (test/fixtures/stytch-schemas) and the spec (shared spec, sections 3-10).

import { createHash, X509Certificate } from 'node:crypto'
import { createLocalJWKSet, generateKeyPair, type JWK, jwtVerify, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLocalServer } from '../../src/local-server/index.js'
import { createTestClock } from '../helpers/clock.js'
import {
  basicAuth,
  type CallOptions,
  callStytch,
  type StytchCallResult,
} from '../helpers/local-api.js'
import {
  decodeJwt,
  ENDPOINT_KEYS,
  expectJwtHeader,
  expectJwtPayload,
  expectMatchesSchema,
  expectStytchError,
  schemaStats,
} from '../helpers/schemas.js'
import { P } from './fixtures.js'

/**
 * Floor on schema-validated responses (success + error). Raise it when coverage grows; the last
 * test fails if a change makes the suite validate fewer bodies than this.
 */
const MIN_VALIDATED_RESPONSES = 490
/** Floor on distinct session JWTs decoded and checked (header, payload, claim rules). */
const MIN_VALIDATED_JWTS = 35

const K = {
  loginOrSignup: 'POST /v1/b2b/otps/email/login_or_signup',
  otpAuthenticate: 'POST /v1/b2b/otps/email/authenticate',
  discoverySend: 'POST /v1/b2b/otps/email/discovery/send',
  discoveryAuthenticate: 'POST /v1/b2b/otps/email/discovery/authenticate',
  discoveryList: 'POST /v1/b2b/discovery/organizations',
  discoveryCreate: 'POST /v1/b2b/discovery/organizations/create',
  istExchange: 'POST /v1/b2b/discovery/intermediate_sessions/exchange',
  sessionsAuthenticate: 'POST /v1/b2b/sessions/authenticate',
  sessionsRevoke: 'POST /v1/b2b/sessions/revoke',
  sessionsExchange: 'POST /v1/b2b/sessions/exchange',
  jwks: 'GET /v1/b2b/sessions/jwks/{project_id}',
  sessionsGet: 'GET /v1/b2b/sessions',
  orgCreate: 'POST /v1/b2b/organizations',
  orgGet: 'GET /v1/b2b/organizations/{organization_id}',
  orgSearch: 'POST /v1/b2b/organizations/search',
  membersCreate: 'POST /v1/b2b/organizations/{organization_id}/members',
  memberGet: 'GET /v1/b2b/organizations/{organization_id}/member',
  rbacPolicy: 'GET /v1/b2b/rbac/policy',
  rbacOrg: 'GET /v1/b2b/rbac/organizations/{organization_id}',
} as const

// Error types the spec (8.2) names for a request body that is missing a field or has the wrong
// type. The spec's generic answer is 400 `bad_request` (U); field-specific types also exist.
const BAD_REQUEST = ['bad_request'] as const
const BAD_EMAIL = ['bad_request', 'invalid_email'] as const
const BAD_ORG_ID = ['bad_request', 'invalid_organization_id'] as const
const BAD_DURATION = [
  'bad_request',
  'invalid_session_duration_minutes',
  'invalid_session_duration',
] as const
// Spec 3.1 / 3.7: "this email may not join this org" — type and status UNCONFIRMED.
const JIT_REFUSED = [
  'email_jit_provisioning_not_allowed',
  'invalid_email_for_jit_provisioning',
  'invalid_intermediate_session_token_for_organization',
] as const
const ID_PATTERN = (kind: string) =>
  new RegExp(`^${kind}-test-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/
const REGISTERED_CLAIMS = ['aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'sub']
const MINUTE = 60_000

const clock = createTestClock(Math.floor(Date.now() / 1000) * 1000)
let local: Awaited<ReturnType<typeof startLocalServer>>

// ---------------------------------------------------------------------------
// HTTP helpers

function post(path: string, body?: unknown, options?: CallOptions): Promise<StytchCallResult> {
  return callStytch(local, 'POST', path, body, options)
}

function get(
  path: string,
  query: Record<string, string> = {},
  options?: CallOptions,
): Promise<StytchCallResult> {
  const qs = new URLSearchParams(query).toString()
  return callStytch(local, 'GET', qs ? `${path}?${qs}` : path, undefined, options)
}

function show(res: StytchCallResult): string {
  return `HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 600)}`
}

// Keys whose values are user data, not Stytch-made: the walkers below do not descend into them.
const USER_DATA_KEYS = new Set(['trusted_metadata', 'untrusted_metadata', 'custom_claims'])
const ID_KINDS: Record<string, string> = {
  organization_id: 'organization',
  member_id: 'member',
  member_session_id: 'session',
  email_id: 'email',
  request_id: 'request-id',
}

/**
 * Walks a success body: every `*_at` string is an RFC 3339 UTC timestamp (spec 1.4) and every
 * Stytch id has its `<kind>-test-<uuid v4>` form (spec 1.5).
 */
function expectWireFormats(value: unknown, path = '$'): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      expectWireFormats(item, `${path}[${i}]`)
    })
    return
  }
  if (value === null || typeof value !== 'object') return
  for (const [key, child] of Object.entries(value)) {
    if (USER_DATA_KEYS.has(key)) continue
    const where = `${path}.${key}`
    if (typeof child === 'string' && key.endsWith('_at') && child !== '') {
      expect(child, where).toMatch(RFC3339)
    }
    const kind = ID_KINDS[key]
    if (kind && typeof child === 'string') expect(child, where).toMatch(ID_PATTERN(kind))
    expectWireFormats(child, where)
  }
}

/** Asserts a 200 Stytch success body for `key`, validates it, returns the body. */
// biome-ignore lint/suspicious/noExplicitAny: Stytch bodies are read field by field in tests
function ok(key: string, res: StytchCallResult): any {
  expect(res.status, show(res)).toBe(200)
  expect(res.headers.get('content-type') ?? '').toMatch(/^application\/json/)
  expectMatchesSchema(key, res.body)
  expect(res.body.status_code).toBe(200)
  expect(res.body.request_id).toMatch(ID_PATTERN('request-id'))
  expectFreshRequestId(res.body.request_id)
  expectWireFormats(res.body)
  expectLoginOutcome(res.body)
  return res.body
}

/**
 * Rules shared by every body that may carry a session (spec 1.4, 3.2, 3.7): a full login has a
 * token, a JWT and a member_session and an empty IST; otherwise the reverse. Every JWT is decoded
 * and checked against the schemas and claim rules.
 */
// biome-ignore lint/suspicious/noExplicitAny: Stytch bodies are read field by field in tests
function expectLoginOutcome(body: any): void {
  if (body.member_authenticated === true) {
    expect(body.session_token).not.toBe('')
    expect(body.session_jwt).not.toBe('')
    expect(body.intermediate_session_token).toBe('')
    expect(body.member_session).toBeTruthy()
  } else if (body.member_authenticated === false) {
    expect(body.session_token).toBe('')
    expect(body.session_jwt).toBe('')
    expect(body.intermediate_session_token).not.toBe('')
    expect(body.member_session ?? null).toBeNull()
  }
  if (typeof body.session_jwt === 'string' && body.session_jwt !== '') {
    expect(body.member_session, 'a session_jwt comes with its member_session').toBeTruthy()
    expectSessionJwtClaims(body.session_jwt, body.member_session)
  }
}

const seenRequestIds = new Set<string>()

/** Every answer carries its own request_id. */
function expectFreshRequestId(requestId: string): void {
  expect(seenRequestIds.has(requestId), `request_id ${requestId} reused`).toBe(false)
  seenRequestIds.add(requestId)
}

/** Asserts a Stytch error envelope with the given status(es) and error type(s) (spec 8.1, 8.2). */
function fails(
  res: StytchCallResult,
  status: number | readonly number[],
  errorType: string | readonly string[],
): void {
  const statuses = typeof status === 'number' ? [status] : status
  const types = typeof errorType === 'string' ? [errorType] : errorType
  expect(statuses, show(res)).toContain(res.status)
  expect(res.headers.get('content-type') ?? '').toMatch(/^application\/json/)
  expectStytchError(res.body)
  expect(res.body.status_code, 'body status_code equals the HTTP status').toBe(res.status)
  expect(types, show(res)).toContain(res.body.error_type)
  expect(res.body.request_id).toMatch(ID_PATTERN('request-id'))
  expectFreshRequestId(res.body.request_id)
  expect(res.body.error_message).not.toBe('')
  // No secret or token may leak into an error (STYLE: errors).
  expect(JSON.stringify(res.body)).not.toContain(local.secret)
}

function wrongCode(code: string): string {
  return String((Number(code) + 1) % 1_000_000).padStart(6, '0')
}

function latestCode(email: string, kind?: 'login' | 'signup' | 'discovery'): string {
  const message = local.outbox.latest(email, kind)
  expect(message, `an OTP email to ${email}`).toBeDefined()
  expect(message?.code).toMatch(/^\d{6}$/)
  return message?.code ?? ''
}

// ---------------------------------------------------------------------------
// Session JWT checks (spec 9)

async function currentJwks(): Promise<{ keys: JWK[] }> {
  const body = ok(K.jwks, await get(P.jwks(local.projectId), {}, { authorization: null }))
  return { keys: body.keys as JWK[] }
}

interface SessionLike {
  member_session_id: string
  member_id: string
  organization_id: string
  organization_slug: string
  started_at: string
  last_accessed_at: string
  expires_at: string
  authentication_factors: unknown[]
  roles: string[]
  custom_claims?: Record<string, unknown> | null
}

const claimCheckedJwts = new Set<string>()

/**
 * Checks a session_jwt against the header/payload schemas and the claim rules (spec 9.1-9.4), for
 * a JWT minted at the clock's current second for `session`. Each JWT is checked once.
 */
function expectSessionJwtClaims(jwt: string, session: SessionLike): void {
  if (claimCheckedJwts.has(jwt)) return
  expect(jwt.split('.')).toHaveLength(3)
  const { header, payload } = decodeJwt(jwt)
  expectJwtHeader(header)
  expectJwtPayload(payload)
  expect(header.kid).toMatch(ID_PATTERN('jwk'))

  const nowSeconds = Math.floor(clock.now() / 1000)
  expect(payload.iat).toBe(nowSeconds)
  expect(payload.nbf).toBe(payload.iat)
  expect(payload.exp).toBe(nowSeconds + 300)
  expect(payload.iss).toBe(`stytch.com/${local.projectId}`)
  expect(payload.aud).toEqual([local.projectId])
  expect(payload.sub).toBe(session.member_id)
  expect(payload['https://stytch.com/organization']).toEqual({
    organization_id: session.organization_id,
    slug: session.organization_slug,
  })
  const claim = payload['https://stytch.com/session'] as Record<string, unknown>
  expect(claim.id).toBe(session.member_session_id)
  expect(claim.roles).toEqual(session.roles)
  expect(claim.authentication_factors).toEqual(session.authentication_factors)
  for (const key of ['started_at', 'last_accessed_at', 'expires_at'] as const) {
    expect(claim[key]).toMatch(RFC3339)
    expect(Date.parse(claim[key] as string), key).toBe(Date.parse(session[key]))
  }
  const attributes = claim.attributes as Record<string, unknown>
  expect(typeof attributes.user_agent).toBe('string')
  expect(typeof attributes.ip_address).toBe('string')

  // Custom claims sit at the top level (spec 9.4) and mirror member_session.custom_claims.
  const custom = Object.fromEntries(
    Object.entries(payload).filter(
      ([k]) => !REGISTERED_CLAIMS.includes(k) && !k.startsWith('https://stytch.com/'),
    ),
  )
  expect(custom).toEqual(session.custom_claims ?? {})
  claimCheckedJwts.add(jwt)
}

/** The claim checks above plus an RS256 signature check against the served JWKS (9.5, 9.6). */
async function expectSessionJwt(jwt: string, session: SessionLike): Promise<void> {
  expectSessionJwtClaims(jwt, session)
  const jwks = await currentJwks()
  const { header, payload } = decodeJwt(jwt)
  expect(jwks.keys.map((k) => k.kid)).toContain(header.kid)
  const verified = await jwtVerify(jwt, createLocalJWKSet(jwks), {
    algorithms: ['RS256'],
    issuer: `stytch.com/${local.projectId}`,
    audience: local.projectId,
    typ: 'JWT',
    currentDate: new Date(clock.now()),
  })
  expect(verified.payload).toEqual(payload)
}

/** Common checks of a MemberSession (spec 4.3, 10.2). */
function expectMemberSession(
  session: SessionLike,
  expected: { memberId: string; organizationId: string; slug: string; durationMinutes?: number },
): void {
  expect(session.member_session_id).toMatch(ID_PATTERN('session'))
  expect(session.member_id).toBe(expected.memberId)
  expect(session.organization_id).toBe(expected.organizationId)
  expect(session.organization_slug).toBe(expected.slug)
  for (const key of ['started_at', 'last_accessed_at', 'expires_at'] as const) {
    expect(session[key]).toMatch(RFC3339)
  }
  expect(session.roles).toContain('stytch_member')
  if (expected.durationMinutes !== undefined) {
    expect(Date.parse(session.expires_at) - Date.parse(session.started_at)).toBe(
      expected.durationMinutes * MINUTE,
    )
  }
}

/** An email OTP factor for `email` is among the session's factors (spec 3.2 item 3, 4.4). */
function expectEmailOtpFactor(session: SessionLike, email: string): void {
  const factors = session.authentication_factors as Array<Record<string, unknown>>
  const factor = factors.find((f) => f.type === 'email_otp')
  expect(factor, JSON.stringify(factors)).toBeDefined()
  expect(factor?.delivery_method).toBe('email')
  const emailFactor = factor?.email_factor as Record<string, unknown> | undefined
  expect(emailFactor?.email_address).toBe(email)
  expect(emailFactor?.email_id).toMatch(ID_PATTERN('email'))
}

// ---------------------------------------------------------------------------
// Shared scenario state (tests in this file run in order)

const ACME_DOMAIN = 'acme.test'
const ALICE = `alice@${ACME_DOMAIN}`
const BOB = `bob@${ACME_DOMAIN}`
const NEWBIE = `newbie@${ACME_DOMAIN}`
const JOINER = `joiner@${ACME_DOMAIN}`
const DANA = `dana@${ACME_DOMAIN}`
const VERIFIED = `verified@${ACME_DOMAIN}`
const CAROL = 'carol@beta.test'
const STRANGER = 'stranger@nowhere.test'
const FOUNDER = 'founder@founder.test'

// biome-ignore lint/suspicious/noExplicitAny: Organization / Member bodies from the wire
type Wire = any
let acme: Wire
let beta: Wire
let aliceAcme: Wire
let bobAcme: Wire
let carolBeta: Wire
let aliceSession: { token: string; jwt: string; session: SessionLike }
let bobSession: { token: string; jwt: string; session: SessionLike }
let founderSession: { token: string; jwt: string; session: SessionLike }

async function discoveryIst(email: string): Promise<Wire> {
  ok(K.discoverySend, await post(P.discoverySend, { email_address: email }))
  const code = latestCode(email, 'discovery')
  return ok(
    K.discoveryAuthenticate,
    await post(P.discoveryAuthenticate, { email_address: email, code }),
  )
}

async function orgLogin(
  organizationId: string,
  email: string,
  extra: Record<string, unknown> = {},
): Promise<Wire> {
  ok(
    K.loginOrSignup,
    await post(P.loginOrSignup, { organization_id: organizationId, email_address: email }),
  )
  const code = latestCode(email)
  return ok(
    K.otpAuthenticate,
    await post(P.otpAuthenticate, {
      organization_id: organizationId,
      email_address: email,
      code,
      ...extra,
    }),
  )
}

beforeAll(async () => {
  local = await startLocalServer({ port: 0, host: '127.0.0.1', now: clock.now })
  expect(local.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
})

afterAll(async () => {
  const stats = schemaStats()
  console.log(
    `[conformance] schema-validated responses: ${stats.success + stats.error} ` +
      `(success ${stats.success}, error ${stats.error}); JWT headers ${stats.jwtHeader}, ` +
      `payloads ${stats.jwtPayload}; endpoints with a validated success body: ` +
      `${Object.keys(stats.byEndpoint).length}/${ENDPOINT_KEYS.length}`,
  )
  await local?.close()
})

// ---------------------------------------------------------------------------

describe('POST /v1/b2b/organizations (3.13)', () => {
  it('creates an organization with the requested policy and Stytch defaults', async () => {
    const body = ok(
      K.orgCreate,
      await post(P.orgCreate, {
        organization_name: 'Acme Corp',
        organization_slug: 'acme',
        email_jit_provisioning: 'RESTRICTED',
        email_allowed_domains: [ACME_DOMAIN],
      }),
    )
    acme = body.organization
    expect(acme.organization_id).toMatch(ID_PATTERN('organization'))
    expect(acme.organization_name).toBe('Acme Corp')
    expect(acme.organization_slug).toBe('acme')
    expect(acme.email_jit_provisioning).toBe('RESTRICTED')
    expect(acme.email_allowed_domains).toEqual([ACME_DOMAIN])
    expect(acme.mfa_policy).toBe('OPTIONAL')
    expect(acme.auth_methods).toBe('ALL_ALLOWED')
  })

  it('applies the documented defaults when no policy field is sent', async () => {
    const body = ok(
      K.orgCreate,
      await post(P.orgCreate, { organization_name: 'Beta Inc', organization_slug: 'beta' }),
    )
    beta = body.organization
    expect(beta.organization_slug).toBe('beta')
    expect(beta.sso_jit_provisioning).toBe('ALL_ALLOWED')
    expect(beta.email_jit_provisioning).toBe('NOT_ALLOWED')
    expect(beta.email_invites).toBe('ALL_ALLOWED')
    expect(beta.auth_methods).toBe('ALL_ALLOWED')
    expect(beta.mfa_policy).toBe('OPTIONAL')
    expect(beta.mfa_methods).toBe('ALL_ALLOWED')
    expect(beta.oauth_tenant_jit_provisioning).toBe('NOT_ALLOWED')
    expect(beta.organization_id).not.toBe(acme.organization_id)
  })

  it('derives a valid slug when none is given', async () => {
    const body = ok(K.orgCreate, await post(P.orgCreate, { organization_name: 'Gamma Org' }))
    expect(body.organization.organization_slug).toMatch(/^[A-Za-z0-9._~-]{2,128}$/)
  })

  it('rejects a missing or mistyped organization_name', async () => {
    fails(await post(P.orgCreate, {}), 400, [
      ...BAD_REQUEST,
      'organization_name_missing',
      'invalid_organization_name',
    ])
    fails(await post(P.orgCreate, { organization_name: 42 }), 400, [
      ...BAD_REQUEST,
      'invalid_organization_name',
    ])
  })

  it('rejects a taken slug', async () => {
    fails(
      await post(P.orgCreate, { organization_name: 'Acme 2', organization_slug: 'acme' }),
      400,
      'organization_slug_already_used',
    )
  })

  it('rejects names and slugs outside their length limits', async () => {
    fails(await post(P.orgCreate, { organization_name: 'n'.repeat(129) }), 400, [
      'invalid_organization_name',
    ])
    fails(await post(P.orgCreate, { organization_name: 'Short', organization_slug: 'a' }), 400, [
      'invalid_organization_slug',
    ])
    fails(
      await post(P.orgCreate, { organization_name: 'Long', organization_slug: 's'.repeat(129) }),
      400,
      ['invalid_organization_slug'],
    )
  })

  it('rejects an invalid slug and a common consumer domain', async () => {
    fails(
      await post(P.orgCreate, { organization_name: 'Bad', organization_slug: 'no spaces/here' }),
      400,
      'invalid_organization_slug',
    )
    fails(
      await post(P.orgCreate, {
        organization_name: 'Gmail fans',
        email_jit_provisioning: 'RESTRICTED',
        email_allowed_domains: ['gmail.com'],
      }),
      400,
      'organization_settings_domain_too_common',
    )
  })
})

describe('GET /v1/b2b/organizations/{organization_id} (3.14)', () => {
  it('finds an organization by id and by slug', async () => {
    const byId = ok(K.orgGet, await get(P.org(acme.organization_id)))
    expect(byId.organization).toEqual(acme)
    const bySlug = ok(K.orgGet, await get(P.org('acme')))
    expect(bySlug.organization.organization_id).toBe(acme.organization_id)
  })

  it('answers 404 organization_not_found for an unknown id', async () => {
    fails(
      await get(P.org('organization-test-00000000-0000-4000-8000-000000000000')),
      404,
      'organization_not_found',
    )
  })
})

describe('POST /v1/b2b/organizations/search (3.15)', () => {
  it('filters by organization_ids, slugs and fuzzy name', async () => {
    const byIds = ok(
      K.orgSearch,
      await post(P.orgSearch, {
        query: {
          operator: 'AND',
          operands: [{ filter_name: 'organization_ids', filter_value: [beta.organization_id] }],
        },
      }),
    )
    expect(byIds.organizations.map((o: Wire) => o.organization_id)).toEqual([beta.organization_id])
    expect(byIds.results_metadata.total).toBe(1)

    const bySlug = ok(
      K.orgSearch,
      await post(P.orgSearch, {
        query: {
          operator: 'AND',
          operands: [{ filter_name: 'organization_slugs', filter_value: ['acme'] }],
        },
      }),
    )
    expect(bySlug.organizations.map((o: Wire) => o.organization_id)).toEqual([acme.organization_id])

    const fuzzy = ok(
      K.orgSearch,
      await post(P.orgSearch, {
        query: {
          operator: 'AND',
          operands: [{ filter_name: 'organization_name_fuzzy', filter_value: 'acm' }],
        },
      }),
    )
    expect(fuzzy.organizations.map((o: Wire) => o.organization_id)).toContain(acme.organization_id)
    expect(fuzzy.organizations.map((o: Wire) => o.organization_id)).not.toContain(
      beta.organization_id,
    )
  })

  it('lists every organization without a query and pages with limit/cursor', async () => {
    const all = ok(K.orgSearch, await post(P.orgSearch, {}))
    expect(all.organizations.length).toBe(3)
    expect(all.results_metadata.total).toBe(3)

    const first = ok(K.orgSearch, await post(P.orgSearch, { limit: 2 }))
    expect(first.organizations).toHaveLength(2)
    expect(typeof first.results_metadata.next_cursor).toBe('string')
    const second = ok(
      K.orgSearch,
      await post(P.orgSearch, { limit: 2, cursor: first.results_metadata.next_cursor }),
    )
    expect(second.organizations).toHaveLength(1)
    expect(second.results_metadata.next_cursor ?? null).toBeNull()
  })

  it('rejects a mistyped limit', async () => {
    fails(await post(P.orgSearch, { limit: 'many' }), 400, BAD_REQUEST)
  })
})

describe('POST /v1/b2b/organizations/{organization_id}/members (3.16)', () => {
  it('creates an active member by default and a pending one on request', async () => {
    const alice = ok(
      K.membersCreate,
      await post(P.membersCreate(acme.organization_id), { email_address: ALICE, name: 'Alice' }),
    )
    aliceAcme = alice.member
    expect(alice.member_id).toMatch(ID_PATTERN('member'))
    expect(alice.member_id).toBe(aliceAcme.member_id)
    expect(aliceAcme.organization_id).toBe(acme.organization_id)
    expect(aliceAcme.email_address).toBe(ALICE)
    expect(aliceAcme.name).toBe('Alice')
    expect(aliceAcme.status).toBe('active')
    expect(aliceAcme.is_admin).toBe(false)
    expect(aliceAcme.roles.map((r: Wire) => r.role_id)).toContain('stytch_member')
    expect(alice.organization.organization_id).toBe(acme.organization_id)

    const bob = ok(
      K.membersCreate,
      await post(P.membersCreate(acme.organization_id), {
        email_address: BOB,
        create_member_as_pending: true,
      }),
    )
    bobAcme = bob.member
    expect(bobAcme.status).toBe('pending')

    const carol = ok(K.membersCreate, await post(P.membersCreate('beta'), { email_address: CAROL }))
    carolBeta = carol.member
    expect(carolBeta.organization_id).toBe(beta.organization_id)

    // Seeding hooks for states the API cannot create (spec 3.16 note).
    local.seedMember({
      organization_id: acme.organization_id,
      email_address: VERIFIED,
      email_address_verified: true,
    })
    local.seedMember({
      organization_id: beta.organization_id,
      email_address: ALICE,
      status: 'invited',
    })
    local.seedMember({
      organization_id: beta.organization_id,
      email_address: BOB,
      status: 'invited',
    })
  })

  it('rejects a missing, mistyped or malformed email', async () => {
    fails(await post(P.membersCreate(acme.organization_id), {}), 400, BAD_EMAIL)
    fails(await post(P.membersCreate(acme.organization_id), { email_address: 7 }), 400, BAD_EMAIL)
    fails(
      await post(P.membersCreate(acme.organization_id), { email_address: 'not-an-email' }),
      400,
      'invalid_email',
    )
  })

  it('rejects a duplicate email and an unknown organization', async () => {
    fails(
      await post(P.membersCreate(acme.organization_id), { email_address: ALICE }),
      400,
      'duplicate_member_email',
    )
    fails(
      await post(P.membersCreate('organization-test-00000000-0000-4000-8000-000000000000'), {
        email_address: ALICE,
      }),
      404,
      'organization_not_found',
    )
  })
})

describe('GET /v1/b2b/organizations/{organization_id}/member (3.17)', () => {
  it('finds a member by member_id and by email_address', async () => {
    const byId = ok(
      K.memberGet,
      await get(P.memberGet(acme.organization_id), { member_id: aliceAcme.member_id }),
    )
    expect(byId.member_id).toBe(aliceAcme.member_id)
    expect(byId.member).toEqual(aliceAcme)
    expect(byId.organization.organization_id).toBe(acme.organization_id)
    const byEmail = ok(K.memberGet, await get(P.memberGet('beta'), { email_address: ALICE }))
    expect(byEmail.member.status).toBe('invited')
    expect(byEmail.member.member_id).not.toBe(aliceAcme.member_id)
  })

  it('answers member_not_found, organization_not_found, and 400 without a selector', async () => {
    fails(
      await get(P.memberGet(acme.organization_id), {
        member_id: 'member-test-00000000-0000-4000-8000-000000000000',
      }),
      404,
      'member_not_found',
    )
    fails(
      await get(P.memberGet(acme.organization_id), { email_address: CAROL }),
      404,
      'member_not_found',
    )
    fails(
      await get(P.memberGet('organization-test-00000000-0000-4000-8000-000000000000'), {
        member_id: aliceAcme.member_id,
      }),
      404,
      'organization_not_found',
    )
    fails(await get(P.memberGet(acme.organization_id)), 400, [...BAD_REQUEST, 'member_not_found'])
  })
})

describe('POST /v1/b2b/otps/email/login_or_signup (3.1)', () => {
  it('sends a login OTP to an active member', async () => {
    local.outbox.clear()
    const body = ok(
      K.loginOrSignup,
      await post(P.loginOrSignup, { organization_id: acme.organization_id, email_address: ALICE }),
    )
    expect(body.member_created).toBe(false)
    expect(body.member_id).toBe(aliceAcme.member_id)
    expect(body.member.status).toBe('active')
    expect(body.organization.organization_id).toBe(acme.organization_id)
    const message = local.outbox.latest(ALICE)
    expect(message?.kind).toBe('login')
    expect(message?.organization_id).toBe(acme.organization_id)
    expect(message?.code).toMatch(/^\d{6}$/)
  })

  it('sends a signup OTP to a pending member and keeps it pending', async () => {
    const body = ok(
      K.loginOrSignup,
      await post(P.loginOrSignup, { organization_id: 'acme', email_address: BOB }),
    )
    expect(body.member_created).toBe(false)
    expect(body.member_id).toBe(bobAcme.member_id)
    expect(body.member.status).toBe('pending')
    expect(local.outbox.latest(BOB)?.kind).toBe('signup')
  })

  it('creates a pending member when email JIT by domain allows it', async () => {
    const body = ok(
      K.loginOrSignup,
      await post(P.loginOrSignup, { organization_id: acme.organization_id, email_address: NEWBIE }),
    )
    expect(body.member_created).toBe(true)
    expect(body.member_id).toMatch(ID_PATTERN('member'))
    expect(body.member.email_address).toBe(NEWBIE)
    expect(body.member.status).toBe('pending')
    expect(local.outbox.latest(NEWBIE)?.kind).toBe('signup')
  })

  it('refuses to create a member the organization does not let in', async () => {
    fails(
      await post(P.loginOrSignup, {
        organization_id: acme.organization_id,
        email_address: STRANGER,
      }),
      [400, 403],
      JIT_REFUSED,
    )
    fails(
      await post(P.loginOrSignup, { organization_id: beta.organization_id, email_address: NEWBIE }),
      [400, 403],
      JIT_REFUSED,
    )
    expect(local.outbox.list({ emailAddress: STRANGER })).toHaveLength(0)
  })

  it('validates its input', async () => {
    fails(await post(P.loginOrSignup, { organization_id: acme.organization_id }), 400, BAD_EMAIL)
    fails(
      await post(P.loginOrSignup, { organization_id: acme.organization_id, email_address: ['x'] }),
      400,
      BAD_EMAIL,
    )
    fails(
      await post(P.loginOrSignup, {
        organization_id: acme.organization_id,
        email_address: 'alice-at-acme',
      }),
      400,
      'invalid_email',
    )
    fails(await post(P.loginOrSignup, { email_address: ALICE }), 400, BAD_ORG_ID)
    fails(
      await post(P.loginOrSignup, {
        organization_id: 'organization-test-00000000-0000-4000-8000-000000000000',
        email_address: ALICE,
      }),
      404,
      'organization_not_found',
    )
    fails(
      await post(P.loginOrSignup, {
        organization_id: acme.organization_id,
        email_address: ALICE,
        login_expiration_minutes: 30,
      }),
      400,
      [...BAD_REQUEST, 'invalid_expiration_otp'],
    )
  })
})

describe('POST /v1/b2b/otps/email/authenticate (3.2)', () => {
  it('rejects a wrong code with 404 otp_code_not_found', async () => {
    ok(
      K.loginOrSignup,
      await post(P.loginOrSignup, { organization_id: acme.organization_id, email_address: ALICE }),
    )
    const code = latestCode(ALICE, 'login')
    fails(
      await post(P.otpAuthenticate, {
        organization_id: acme.organization_id,
        email_address: ALICE,
        code: wrongCode(code),
      }),
      404,
      'otp_code_not_found',
    )
  })

  it('logs an active member in, with custom claims and a chosen duration', async () => {
    const code = latestCode(ALICE, 'login')
    const body = ok(
      K.otpAuthenticate,
      await post(P.otpAuthenticate, {
        organization_id: acme.organization_id,
        email_address: ALICE,
        code,
        session_duration_minutes: 120,
        session_custom_claims: { plan: 'pro', seats: 5 },
      }),
    )
    expect(body.member_authenticated).toBe(true)
    expect(body.member_id).toBe(aliceAcme.member_id)
    expect(body.organization_id).toBe(acme.organization_id)
    expect(body.method_id).toMatch(ID_PATTERN('email'))
    expect(body.intermediate_session_token).toBe('')
    expect(body.session_token).not.toBe('')
    expect(body.session_jwt).not.toBe('')
    expect(body.mfa_required ?? null).toBeNull()
    expect(body.primary_required ?? null).toBeNull()
    expect(body.member.status).toBe('active')
    expect(body.member.email_address_verified).toBe(true)
    expectMemberSession(body.member_session, {
      memberId: aliceAcme.member_id,
      organizationId: acme.organization_id,
      slug: 'acme',
      durationMinutes: 120,
    })
    expect(Date.parse(body.member_session.started_at)).toBe(clock.now())
    expect(body.member_session.custom_claims).toEqual({ plan: 'pro', seats: 5 })
    expectEmailOtpFactor(body.member_session, ALICE)
    await expectSessionJwt(body.session_jwt, body.member_session)
    aliceSession = {
      token: body.session_token,
      jwt: body.session_jwt,
      session: body.member_session,
    }
  })

  it('rejects a code that was already used with 401 unable_to_auth_otp_code', async () => {
    const code = latestCode(ALICE, 'login')
    fails(
      await post(P.otpAuthenticate, {
        organization_id: acme.organization_id,
        email_address: ALICE,
        code,
      }),
      401,
      'unable_to_auth_otp_code',
    )
  })

  it('activates a pending member (signup) with the default 60 minute session', async () => {
    const code = latestCode(BOB, 'signup')
    const body = ok(
      K.otpAuthenticate,
      await post(P.otpAuthenticate, { organization_id: 'acme', email_address: BOB, code }),
    )
    expect(body.member_authenticated).toBe(true)
    expect(body.member.member_id).toBe(bobAcme.member_id)
    expect(body.member.status).toBe('active')
    expect(body.member.email_address_verified).toBe(true)
    expectMemberSession(body.member_session, {
      memberId: bobAcme.member_id,
      organizationId: acme.organization_id,
      slug: 'acme',
      durationMinutes: 60,
    })
    expect(body.member_session.custom_claims ?? {}).toEqual({})
    await expectSessionJwt(body.session_jwt, body.member_session)
    bobSession = { token: body.session_token, jwt: body.session_jwt, session: body.member_session }
  })

  it('activates a JIT-created member', async () => {
    const code = latestCode(NEWBIE, 'signup')
    const body = ok(
      K.otpAuthenticate,
      await post(P.otpAuthenticate, {
        organization_id: acme.organization_id,
        email_address: NEWBIE,
        code,
      }),
    )
    expect(body.member.status).toBe('active')
    expect(body.member.email_address_verified).toBe(true)
    await expectSessionJwt(body.session_jwt, body.member_session)
  })

  it('only accepts the newest code for an email', async () => {
    ok(
      K.loginOrSignup,
      await post(P.loginOrSignup, { organization_id: acme.organization_id, email_address: BOB }),
    )
    const first = latestCode(BOB, 'login')
    ok(
      K.loginOrSignup,
      await post(P.loginOrSignup, { organization_id: acme.organization_id, email_address: BOB }),
    )
    const second = latestCode(BOB, 'login')
    if (first !== second) {
      // Superseded: which error is UNCONFIRMED (spec 12.1); either OTP error is acceptable.
      fails(
        await post(P.otpAuthenticate, {
          organization_id: acme.organization_id,
          email_address: BOB,
          code: first,
        }),
        [401, 404],
        ['otp_code_not_found', 'unable_to_auth_otp_code'],
      )
    }
    const body = ok(
      K.otpAuthenticate,
      await post(P.otpAuthenticate, {
        organization_id: acme.organization_id,
        email_address: BOB,
        code: second,
      }),
    )
    expect(body.member_authenticated).toBe(true)
  })

  it('rejects an expired code with 401 unable_to_auth_otp_code', async () => {
    ok(
      K.loginOrSignup,
      await post(P.loginOrSignup, { organization_id: acme.organization_id, email_address: BOB }),
    )
    const code = latestCode(BOB, 'login')
    clock.advance(10 * MINUTE + 1000)
    fails(
      await post(P.otpAuthenticate, {
        organization_id: acme.organization_id,
        email_address: BOB,
        code,
      }),
      401,
      'unable_to_auth_otp_code',
    )
  })

  it('validates its input', async () => {
    ok(
      K.loginOrSignup,
      await post(P.loginOrSignup, { organization_id: acme.organization_id, email_address: BOB }),
    )
    const code = latestCode(BOB, 'login')
    const base = { organization_id: acme.organization_id, email_address: BOB }
    fails(await post(P.otpAuthenticate, base), 400, BAD_REQUEST)
    fails(await post(P.otpAuthenticate, { ...base, code: Number(code) }), 400, BAD_REQUEST)
    fails(await post(P.otpAuthenticate, { email_address: BOB, code }), 400, BAD_ORG_ID)
    fails(
      await post(P.otpAuthenticate, { ...base, code, session_duration_minutes: 1 }),
      400,
      BAD_DURATION,
    )
    fails(
      await post(P.otpAuthenticate, {
        ...base,
        organization_id: 'organization-test-00000000-0000-4000-8000-000000000000',
        code,
      }),
      404,
      'organization_not_found',
    )
  })
})

describe('POST /v1/b2b/otps/email/discovery/send (3.3)', () => {
  it('sends a discovery OTP to any address', async () => {
    const body = ok(K.discoverySend, await post(P.discoverySend, { email_address: STRANGER }))
    expect(Object.keys(body).sort()).toEqual(['request_id', 'status_code'])
    expect(local.outbox.latest(STRANGER)?.kind).toBe('discovery')
  })

  it('validates its input', async () => {
    fails(await post(P.discoverySend, {}), 400, BAD_EMAIL)
    fails(await post(P.discoverySend, { email_address: 12 }), 400, BAD_EMAIL)
    fails(await post(P.discoverySend, { email_address: 'nope' }), 400, 'invalid_email')
    fails(
      await post(P.discoverySend, { email_address: ALICE, discovery_expiration_minutes: 1 }),
      400,
      [...BAD_REQUEST, 'invalid_expiration_otp'],
    )
  })
})

describe('POST /v1/b2b/otps/email/discovery/authenticate (3.4)', () => {
  it('returns an IST and every organization the email can enter', async () => {
    const body = await discoveryIst(ALICE)
    expect(body.email_address).toBe(ALICE)
    expect(body.intermediate_session_token).not.toBe('')
    if (body.intermediate_session_token_expires_at != null) {
      expect(Date.parse(body.intermediate_session_token_expires_at)).toBe(clock.now() + 10 * MINUTE)
    }
    const byOrg = new Map<string, Wire>(
      body.discovered_organizations.map((d: Wire) => [d.organization.organization_id, d]),
    )
    expect([...byOrg.keys()].sort()).toEqual([acme.organization_id, beta.organization_id].sort())
    const inAcme = byOrg.get(acme.organization_id)
    expect(inAcme.membership.type).toBe('active_member')
    expect(inAcme.membership.member.member_id).toBe(aliceAcme.member_id)
    expect(inAcme.member_authenticated).toBe(true)
    const inBeta = byOrg.get(beta.organization_id)
    expect(inBeta.membership.type).toBe('invited_member')
    expect(inBeta.membership.member.status).toBe('invited')
    for (const d of body.discovered_organizations) {
      expect(d.mfa_required?.secondary_auth_initiated ?? null).toBeNull()
    }
    // Discovery never changes a member (spec 3.4 item 5).
    const stillInvited = ok(K.memberGet, await get(P.memberGet('beta'), { email_address: ALICE }))
    expect(stillInvited.member.status).toBe('invited')
  })

  it('offers JIT by email domain only when a verified member shares the domain', async () => {
    const body = await discoveryIst(JOINER)
    expect(body.discovered_organizations).toHaveLength(1)
    const [entry] = body.discovered_organizations
    expect(entry.organization.organization_id).toBe(acme.organization_id)
    expect(entry.membership.type).toBe('eligible_to_join_by_email_domain')
    expect(entry.membership.member ?? null).toBeNull()

    const nobody = await discoveryIst(STRANGER)
    expect(nobody.discovered_organizations).toEqual([])
  })

  it('rejects wrong, reused and missing codes', async () => {
    ok(K.discoverySend, await post(P.discoverySend, { email_address: CAROL }))
    const code = latestCode(CAROL, 'discovery')
    fails(
      await post(P.discoveryAuthenticate, { email_address: CAROL, code: wrongCode(code) }),
      404,
      'otp_code_not_found',
    )
    ok(K.discoveryAuthenticate, await post(P.discoveryAuthenticate, { email_address: CAROL, code }))
    fails(
      await post(P.discoveryAuthenticate, { email_address: CAROL, code }),
      401,
      'unable_to_auth_otp_code',
    )
    fails(await post(P.discoveryAuthenticate, { email_address: CAROL }), 400, BAD_REQUEST)
    fails(await post(P.discoveryAuthenticate, { code }), 400, BAD_EMAIL)
    fails(
      await post(P.discoveryAuthenticate, { email_address: CAROL, code: 123456 }),
      400,
      BAD_REQUEST,
    )
  })
})

describe('POST /v1/b2b/discovery/organizations (3.5)', () => {
  it('lists by IST without consuming it, and by session token or JWT', async () => {
    const discovered = await discoveryIst(ALICE)
    const ist = discovered.intermediate_session_token
    for (let i = 0; i < 2; i += 1) {
      const body = ok(
        K.discoveryList,
        await post(P.discoveryList, { intermediate_session_token: ist }),
      )
      expect(body.email_address).toBe(ALICE)
      expect(body.organization_id_hint ?? null).toBeNull()
      expect(body.discovered_organizations).toEqual(discovered.discovered_organizations)
    }
    for (const selector of [
      { session_token: aliceSession.token },
      { session_jwt: aliceSession.jwt },
    ]) {
      const body = ok(K.discoveryList, await post(P.discoveryList, selector))
      expect(body.email_address).toBe(ALICE)
      expect(body.organization_id_hint ?? null).toBeNull()
      const types = body.discovered_organizations.map((d: Wire) => [
        d.organization.organization_id,
        d.membership.type,
      ])
      expect(types).toEqual(
        expect.arrayContaining([
          [acme.organization_id, 'active_member'],
          [beta.organization_id, 'invited_member'],
        ]),
      )
      expect(types).toHaveLength(2)
    }
  })

  it('hides eligible_to_join organizations from a member session', async () => {
    ok(K.membersCreate, await post(P.membersCreate(beta.organization_id), { email_address: DANA }))
    const login = await orgLogin(beta.organization_id, DANA)
    const byIst = await discoveryIst(DANA)
    const istTypes = byIst.discovered_organizations.map((d: Wire) => [
      d.organization.organization_id,
      d.membership.type,
    ])
    expect(istTypes).toHaveLength(2)
    expect(istTypes).toEqual(
      expect.arrayContaining([
        [beta.organization_id, 'active_member'],
        [acme.organization_id, 'eligible_to_join_by_email_domain'],
      ]),
    )
    const bySession = ok(
      K.discoveryList,
      await post(P.discoveryList, { session_token: login.session_token }),
    )
    expect(
      bySession.discovered_organizations.map((d: Wire) => [
        d.organization.organization_id,
        d.membership.type,
      ]),
    ).toEqual([[beta.organization_id, 'active_member']])
  })

  it('needs exactly one selector', async () => {
    fails(await post(P.discoveryList, {}), 400, [...BAD_REQUEST, 'no_session_arguments'])
    fails(
      await post(P.discoveryList, {
        session_token: aliceSession.token,
        session_jwt: aliceSession.jwt,
      }),
      400,
      [...BAD_REQUEST, 'too_many_session_arguments'],
    )
    const { intermediate_session_token: ist } = await discoveryIst(ALICE)
    fails(
      await post(P.discoveryList, {
        intermediate_session_token: ist,
        session_token: aliceSession.token,
      }),
      400,
      [...BAD_REQUEST, 'too_many_session_arguments'],
    )
    fails(await post(P.discoveryList, { intermediate_session_token: 17 }), 400, BAD_REQUEST)
  })

  it('answers 404 for an unknown IST or session', async () => {
    fails(
      await post(P.discoveryList, {
        intermediate_session_token: 'SeiGwdj5lKkrEVgcEY3QNJXt6srxS3IK2Nwkar6mXD4=',
      }),
      404,
      'intermediate_session_not_found',
    )
    fails(
      await post(P.discoveryList, {
        session_token: 'mZAYn5aLEqKUlZ_Ad9U_fWr38GaAQ1oFAhT8ds245v7Q',
      }),
      404,
      'session_not_found',
    )
  })
})

describe('POST /v1/b2b/discovery/intermediate_sessions/exchange (3.7)', () => {
  it('accepts an invite: invited -> active, session in the target org, IST consumed', async () => {
    const { intermediate_session_token: ist } = await discoveryIst(ALICE)
    const body = ok(
      K.istExchange,
      await post(P.istExchange, {
        intermediate_session_token: ist,
        organization_id: beta.organization_id,
      }),
    )
    expect(body.member_authenticated).toBe(true)
    expect(body.intermediate_session_token).toBe('')
    expect(body.organization.organization_id).toBe(beta.organization_id)
    expect(body.member.email_address).toBe(ALICE)
    expect(body.member.status).toBe('active')
    expect(body.member_id).toBe(body.member.member_id)
    expectMemberSession(body.member_session, {
      memberId: body.member_id,
      organizationId: beta.organization_id,
      slug: 'beta',
      durationMinutes: 60,
    })
    expectEmailOtpFactor(body.member_session, ALICE)
    await expectSessionJwt(body.session_jwt, body.member_session)

    fails(
      await post(P.istExchange, {
        intermediate_session_token: ist,
        organization_id: beta.organization_id,
      }),
      404,
      'intermediate_session_not_found',
    )
  })

  it('JIT-provisions a member by email domain', async () => {
    const { intermediate_session_token: ist } = await discoveryIst(JOINER)
    const body = ok(
      K.istExchange,
      await post(P.istExchange, {
        intermediate_session_token: ist,
        organization_id: 'acme',
        session_duration_minutes: 30,
        session_custom_claims: { joined: true },
      }),
    )
    expect(body.member_authenticated).toBe(true)
    expect(body.member.email_address).toBe(JOINER)
    expect(body.member.status).toBe('active')
    expect(body.member.email_address_verified).toBe(true)
    expect(body.member.organization_id).toBe(acme.organization_id)
    expectMemberSession(body.member_session, {
      memberId: body.member_id,
      organizationId: acme.organization_id,
      slug: 'acme',
      durationMinutes: 30,
    })
    expect(body.member_session.custom_claims).toEqual({ joined: true })
    await expectSessionJwt(body.session_jwt, body.member_session)
  })

  it('refuses an organization the email cannot enter', async () => {
    const { intermediate_session_token: ist } = await discoveryIst(STRANGER)
    fails(
      await post(P.istExchange, {
        intermediate_session_token: ist,
        organization_id: acme.organization_id,
      }),
      [400, 403],
      JIT_REFUSED,
    )
    fails(
      await post(P.istExchange, {
        intermediate_session_token: ist,
        organization_id: 'organization-test-00000000-0000-4000-8000-000000000000',
      }),
      404,
      'organization_not_found',
    )
    fails(await post(P.istExchange, { intermediate_session_token: ist }), 400, BAD_ORG_ID)
    fails(await post(P.istExchange, { organization_id: acme.organization_id }), 400, BAD_REQUEST)
    fails(
      await post(P.istExchange, {
        intermediate_session_token: 'SeiGwdj5lKkrEVgcEY3QNJXt6srxS3IK2Nwkar6mXD4=',
        organization_id: acme.organization_id,
      }),
      404,
      'intermediate_session_not_found',
    )
    fails(
      await post(P.istExchange, {
        intermediate_session_token: ist,
        organization_id: acme.organization_id,
        session_duration_minutes: 600_000,
      }),
      400,
      BAD_DURATION,
    )
  })
})

describe('POST /v1/b2b/discovery/organizations/create (3.6)', () => {
  it('creates an organization whose creator is an admin with a session', async () => {
    const { intermediate_session_token: ist } = await discoveryIst(FOUNDER)
    const body = ok(
      K.discoveryCreate,
      await post(P.discoveryCreate, {
        intermediate_session_token: ist,
        organization_name: 'Founder Co',
        organization_slug: 'founder-co',
        session_custom_claims: { team: 'core' },
      }),
    )
    expect(body.member_authenticated).toBe(true)
    expect(body.intermediate_session_token).toBe('')
    expect(body.organization.organization_id).toMatch(ID_PATTERN('organization'))
    expect(body.organization.organization_name).toBe('Founder Co')
    expect(body.organization.organization_slug).toBe('founder-co')
    // No auth-setting field sent: email_invites defaults to ALL_ALLOWED (3.6 item 7, 3.13).
    expect(body.organization.email_invites).toBe('ALL_ALLOWED')
    expect(body.organization.email_jit_provisioning).toBe('NOT_ALLOWED')
    expect(body.member.email_address).toBe(FOUNDER)
    expect(body.member.status).toBe('active')
    expect(body.member.email_address_verified).toBe(true)
    expect(body.member.is_admin).toBe(true)
    const roleIds = body.member.roles.map((r: Wire) => r.role_id)
    expect(roleIds).toEqual(expect.arrayContaining(['stytch_member', 'stytch_admin']))
    expectMemberSession(body.member_session, {
      memberId: body.member_id,
      organizationId: body.organization.organization_id,
      slug: 'founder-co',
      durationMinutes: 60,
    })
    expect(body.member_session.roles).toEqual(
      expect.arrayContaining(['stytch_member', 'stytch_admin']),
    )
    expect(body.member_session.custom_claims).toEqual({ team: 'core' })
    await expectSessionJwt(body.session_jwt, body.member_session)
    founderSession = {
      token: body.session_token,
      jwt: body.session_jwt,
      session: body.member_session,
    }
    // The IST is consumed on success (emulator choice per spec 3.6 item 8).
    fails(
      await post(P.discoveryCreate, {
        intermediate_session_token: ist,
        organization_name: 'Again',
      }),
      404,
      'intermediate_session_not_found',
    )
  })

  it('requires MFA when the new organization demands it', async () => {
    const { intermediate_session_token: ist } = await discoveryIst('mfa@secure.test')
    const body = ok(
      K.discoveryCreate,
      await post(P.discoveryCreate, {
        intermediate_session_token: ist,
        organization_name: 'Secure Co',
        organization_slug: 'secure-co',
        mfa_policy: 'REQUIRED_FOR_ALL',
      }),
    )
    expect(body.member_authenticated).toBe(false)
    expect(body.session_token).toBe('')
    expect(body.session_jwt).toBe('')
    expect(body.intermediate_session_token).toBe(ist)
    expect(body.member_session ?? null).toBeNull()
    expect(body.mfa_required).not.toBeNull()
    expect(body.mfa_required).toBeDefined()
  })

  it('rejects a taken slug, a consumer domain and bad input', async () => {
    const { intermediate_session_token: ist } = await discoveryIst(STRANGER)
    fails(
      await post(P.discoveryCreate, {
        intermediate_session_token: ist,
        organization_name: 'Copycat',
        organization_slug: 'acme',
      }),
      400,
      'organization_slug_already_used',
    )
    fails(
      await post(P.discoveryCreate, {
        intermediate_session_token: ist,
        organization_name: 'Gmail fans',
        email_jit_provisioning: 'RESTRICTED',
        email_allowed_domains: ['gmail.com'],
      }),
      400,
      'organization_settings_domain_too_common',
    )
    fails(await post(P.discoveryCreate, { organization_name: 'No IST' }), 400, BAD_REQUEST)
    fails(
      await post(P.discoveryCreate, { intermediate_session_token: ist, organization_name: 5 }),
      400,
      [...BAD_REQUEST, 'invalid_organization_name'],
    )
    fails(
      await post(P.discoveryCreate, {
        intermediate_session_token: 'SeiGwdj5lKkrEVgcEY3QNJXt6srxS3IK2Nwkar6mXD4=',
      }),
      404,
      'intermediate_session_not_found',
    )
  })

  it('derives a name and slug from the email when none is given', async () => {
    const { intermediate_session_token: ist } = await discoveryIst('owner@derived.test')
    const body = ok(
      K.discoveryCreate,
      await post(P.discoveryCreate, { intermediate_session_token: ist }),
    )
    expect(body.member_authenticated).toBe(true)
    expect(body.organization.organization_name).not.toBe('')
    expect(body.organization.organization_slug).toMatch(/^[A-Za-z0-9._~-]{2,128}$/)
  })
})

describe('POST /v1/b2b/sessions/authenticate (3.8)', () => {
  it('authenticates by token without extending the session, and mints a fresh JWT', async () => {
    clock.advance(1000)
    const body = ok(
      K.sessionsAuthenticate,
      await post(P.sessionsAuthenticate, { session_token: aliceSession.token }),
    )
    expect(body.member_session.member_session_id).toBe(aliceSession.session.member_session_id)
    expect(body.member_session.expires_at).toBe(aliceSession.session.expires_at)
    expect(body.member_session.started_at).toBe(aliceSession.session.started_at)
    // last_accessed_at follows each successful authenticate (spec 3.8, INFERRED).
    expect(Date.parse(body.member_session.last_accessed_at)).toBe(clock.now())
    expect(body.member.member_id).toBe(aliceAcme.member_id)
    expect(body.organization.organization_id).toBe(acme.organization_id)
    expect(body.session_jwt).not.toBe(aliceSession.jwt)
    expect(body.member_session.custom_claims).toEqual({ plan: 'pro', seats: 5 })
    expect(body.verdict ?? null).toBeNull()
    await expectSessionJwt(body.session_jwt, body.member_session)
  })

  it('authenticates by JWT and extends by session_duration_minutes', async () => {
    const body = ok(
      K.sessionsAuthenticate,
      await post(P.sessionsAuthenticate, {
        session_jwt: aliceSession.jwt,
        session_duration_minutes: 30,
      }),
    )
    expect(body.member_session.member_session_id).toBe(aliceSession.session.member_session_id)
    expect(Date.parse(body.member_session.expires_at)).toBe(clock.now() + 30 * MINUTE)
    await expectSessionJwt(body.session_jwt, body.member_session)
    aliceSession = { ...aliceSession, jwt: body.session_jwt, session: body.member_session }
  })

  it('merges custom claims: new keys added, null deletes, others kept', async () => {
    const body = ok(
      K.sessionsAuthenticate,
      await post(P.sessionsAuthenticate, {
        session_token: aliceSession.token,
        session_custom_claims: { plan: null, tier: 'gold', seats: 6 },
      }),
    )
    expect(body.member_session.custom_claims).toEqual({ tier: 'gold', seats: 6 })
    await expectSessionJwt(body.session_jwt, body.member_session)
    const { payload } = decodeJwt(body.session_jwt)
    expect(payload.tier).toBe('gold')
    expect(payload).not.toHaveProperty('plan')
    aliceSession = { ...aliceSession, jwt: body.session_jwt, session: body.member_session }
  })

  it('rejects custom claims under https://stytch.com/', async () => {
    fails(
      await post(P.sessionsAuthenticate, {
        session_token: aliceSession.token,
        session_custom_claims: { 'https://stytch.com/session': { id: 'forged' } },
      }),
      400,
      ['stytch_claims_in_custom_claims', 'reserved_claims_in_custom_claims'],
    )
  })

  it('accepts a JWT past its exp while the session lives, and returns a new one', async () => {
    const oldJwt = aliceSession.jwt
    clock.advance(6 * MINUTE)
    const body = ok(
      K.sessionsAuthenticate,
      await post(P.sessionsAuthenticate, { session_jwt: oldJwt }),
    )
    expect(body.member_session.member_session_id).toBe(aliceSession.session.member_session_id)
    expect(body.session_jwt).not.toBe(oldJwt)
    await expectSessionJwt(body.session_jwt, body.member_session)
    aliceSession = { ...aliceSession, jwt: body.session_jwt, session: body.member_session }
  })

  it('checks authorization: tenancy, denial and a granted permission', async () => {
    fails(
      await post(P.sessionsAuthenticate, {
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
    fails(
      await post(P.sessionsAuthenticate, {
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
    const policy = ok(K.rbacPolicy, await get(P.rbacPolicy)).policy
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
    const body = ok(
      K.sessionsAuthenticate,
      await post(P.sessionsAuthenticate, {
        session_token: founderSession.token,
        authorization_check: {
          organization_id: founderSession.session.organization_id,
          resource_id: grant.resource,
          action: grant.action === '*' ? 'any-action' : grant.action,
        },
      }),
    )
    expect(body.verdict.authorized).toBe(true)
    expect(body.verdict.granting_roles).toContain(grant.role)
  })

  it('needs exactly one of session_token and session_jwt', async () => {
    fails(await post(P.sessionsAuthenticate, {}), 400, [...BAD_REQUEST, 'no_session_arguments'])
    fails(
      await post(P.sessionsAuthenticate, {
        session_token: aliceSession.token,
        session_jwt: aliceSession.jwt,
      }),
      400,
      [...BAD_REQUEST, 'too_many_session_arguments'],
    )
    fails(await post(P.sessionsAuthenticate, { session_token: 99 }), 400, BAD_REQUEST)
    fails(
      await post(P.sessionsAuthenticate, {
        session_token: aliceSession.token,
        session_duration_minutes: 527_041,
      }),
      400,
      BAD_DURATION,
    )
  })

  it('answers session_not_found for unknown tokens and never accepts a forged JWT', async () => {
    fails(
      await post(P.sessionsAuthenticate, {
        session_token: 'mZAYn5aLEqKUlZ_Ad9U_fWr38GaAQ1oFAhT8ds245v7Q',
      }),
      404,
      'session_not_found',
    )
    fails(
      await post(P.sessionsAuthenticate, { session_jwt: 'not.a.jwt' }),
      [400, 404],
      ['unable_to_parse_session_jwt', 'session_not_found'],
    )
    // Same claims, signed by a key the server never published.
    const { header, payload } = decodeJwt(aliceSession.jwt)
    const { privateKey } = await generateKeyPair('RS256')
    const forged = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid: String(header.kid), typ: 'JWT' })
      .sign(privateKey)
    fails(
      await post(P.sessionsAuthenticate, { session_jwt: forged }),
      [400, 401, 404],
      ['session_not_found', 'unable_to_parse_session_jwt'],
    )
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.`
    fails(
      await post(P.sessionsAuthenticate, { session_jwt: unsigned }),
      [400, 401, 404],
      ['session_not_found', 'unable_to_parse_session_jwt'],
    )
  })

  it('answers session_not_found once the session has expired', async () => {
    const body = await orgLogin(acme.organization_id, NEWBIE, { session_duration_minutes: 5 })
    expectMemberSession(body.member_session, {
      memberId: body.member_id,
      organizationId: acme.organization_id,
      slug: 'acme',
      durationMinutes: 5,
    })
    clock.advance(5 * MINUTE + 1000)
    fails(
      await post(P.sessionsAuthenticate, { session_token: body.session_token }),
      404,
      'session_not_found',
    )
    fails(
      await post(P.sessionsAuthenticate, { session_jwt: body.session_jwt }),
      404,
      'session_not_found',
    )
    const listed = ok(
      K.sessionsGet,
      await get(P.sessionsGet, {
        organization_id: acme.organization_id,
        member_id: body.member_id,
      }),
    )
    expect(listed.member_sessions.map((x: Wire) => x.member_session_id)).not.toContain(
      body.member_session.member_session_id,
    )
  })
})

describe('POST /v1/b2b/sessions/exchange (3.10)', () => {
  it('switches organization for an existing member and accepts an invite', async () => {
    // Bob was seeded as invited in Beta; his Acme session switches him in.
    const body = ok(
      K.sessionsExchange,
      await post(P.sessionsExchange, {
        session_token: bobSession.token,
        organization_id: beta.organization_id,
      }),
    )
    expect(body.member_authenticated).toBe(true)
    expect(body.intermediate_session_token).toBe('')
    expect(body.organization.organization_id).toBe(beta.organization_id)
    expect(body.member.email_address).toBe(BOB)
    expect(body.member.status).toBe('active')
    expect(body.session_token).not.toBe(bobSession.token)
    expectMemberSession(body.member_session, {
      memberId: body.member_id,
      organizationId: beta.organization_id,
      slug: 'beta',
    })
    expect(body.member_session.member_session_id).not.toBe(bobSession.session.member_session_id)
    await expectSessionJwt(body.session_jwt, body.member_session)
  })

  it('switches by JWT too', async () => {
    const fresh = ok(
      K.sessionsAuthenticate,
      await post(P.sessionsAuthenticate, { session_token: aliceSession.token }),
    )
    aliceSession = { ...aliceSession, jwt: fresh.session_jwt, session: fresh.member_session }
    const body = ok(
      K.sessionsExchange,
      await post(P.sessionsExchange, {
        session_jwt: aliceSession.jwt,
        organization_id: 'beta',
        session_duration_minutes: 15,
        session_custom_claims: { switched: 'yes' },
      }),
    )
    expect(body.member_authenticated).toBe(true)
    expect(body.organization.organization_id).toBe(beta.organization_id)
    expectMemberSession(body.member_session, {
      memberId: body.member_id,
      organizationId: beta.organization_id,
      slug: 'beta',
      durationMinutes: 15,
    })
    expect(body.member_session.custom_claims).toEqual({ switched: 'yes' })
    await expectSessionJwt(body.session_jwt, body.member_session)
  })

  it('refuses organizations without a membership and bad input', async () => {
    const refused = await post(P.sessionsExchange, {
      session_token: aliceSession.token,
      organization_id: founderSession.session.organization_id,
    })
    expect(refused.status).toBeGreaterThanOrEqual(400)
    expect(refused.status).toBeLessThan(500)
    fails(refused, refused.status, [
      'insufficient_factors_for_session_exchange',
      'member_not_found',
      ...JIT_REFUSED,
    ])
    fails(
      await post(P.sessionsExchange, {
        session_token: aliceSession.token,
        organization_id: 'organization-test-00000000-0000-4000-8000-000000000000',
      }),
      404,
      'organization_not_found',
    )
    fails(
      await post(P.sessionsExchange, {
        session_token: 'mZAYn5aLEqKUlZ_Ad9U_fWr38GaAQ1oFAhT8ds245v7Q',
        organization_id: beta.organization_id,
      }),
      404,
      'session_not_found',
    )
    fails(await post(P.sessionsExchange, { session_token: aliceSession.token }), 400, BAD_ORG_ID)
    fails(await post(P.sessionsExchange, { organization_id: beta.organization_id }), 400, [
      ...BAD_REQUEST,
      'no_session_arguments',
    ])
  })
})

describe('GET /v1/b2b/sessions (3.12)', () => {
  it("lists a member's active sessions", async () => {
    const body = ok(
      K.sessionsGet,
      await get(P.sessionsGet, {
        organization_id: acme.organization_id,
        member_id: aliceAcme.member_id,
      }),
    )
    const ids = body.member_sessions.map((s: Wire) => s.member_session_id)
    expect(ids).toContain(aliceSession.session.member_session_id)
    for (const s of body.member_sessions) {
      expect(s.member_id).toBe(aliceAcme.member_id)
      expect(s.organization_id).toBe(acme.organization_id)
    }
  })

  it('validates its query', async () => {
    fails(await get(P.sessionsGet, { organization_id: acme.organization_id }), 400, BAD_REQUEST)
    fails(
      await get(P.sessionsGet, {
        organization_id: acme.organization_id,
        member_id: 'member-test-00000000-0000-4000-8000-000000000000',
      }),
      404,
      'member_not_found',
    )
    fails(
      await get(P.sessionsGet, {
        organization_id: 'organization-test-00000000-0000-4000-8000-000000000000',
        member_id: aliceAcme.member_id,
      }),
      404,
      'organization_not_found',
    )
  })
})

describe('POST /v1/b2b/sessions/revoke (3.9)', () => {
  it('revokes by token, session id, JWT and member id', async () => {
    const a = await orgLogin(acme.organization_id, BOB)
    const body = ok(
      K.sessionsRevoke,
      await post(P.sessionsRevoke, { session_token: a.session_token }),
    )
    expect(Object.keys(body).sort()).toEqual(['request_id', 'status_code'])
    fails(
      await post(P.sessionsAuthenticate, { session_token: a.session_token }),
      404,
      'session_not_found',
    )
    fails(
      await post(P.sessionsAuthenticate, { session_jwt: a.session_jwt }),
      404,
      'session_not_found',
    )

    const b = await orgLogin(acme.organization_id, BOB)
    ok(
      K.sessionsRevoke,
      await post(P.sessionsRevoke, { member_session_id: b.member_session.member_session_id }),
    )
    fails(
      await post(P.sessionsAuthenticate, { session_token: b.session_token }),
      404,
      'session_not_found',
    )

    const c = await orgLogin(acme.organization_id, BOB)
    ok(K.sessionsRevoke, await post(P.sessionsRevoke, { session_jwt: c.session_jwt }))
    fails(
      await post(P.sessionsAuthenticate, { session_token: c.session_token }),
      404,
      'session_not_found',
    )

    const d1 = await orgLogin(acme.organization_id, BOB)
    const d2 = await orgLogin(acme.organization_id, BOB)
    ok(K.sessionsRevoke, await post(P.sessionsRevoke, { member_id: bobAcme.member_id }))
    for (const token of [d1.session_token, d2.session_token, bobSession.token]) {
      fails(await post(P.sessionsAuthenticate, { session_token: token }), 404, 'session_not_found')
    }
    const left = ok(
      K.sessionsGet,
      await get(P.sessionsGet, {
        organization_id: acme.organization_id,
        member_id: bobAcme.member_id,
      }),
    )
    expect(left.member_sessions).toEqual([])
  })

  it('needs exactly one selector and a known session', async () => {
    fails(await post(P.sessionsRevoke, {}), 400, [...BAD_REQUEST, 'no_session_revoke_arguments'])
    fails(
      await post(P.sessionsRevoke, {
        session_token: aliceSession.token,
        member_id: aliceAcme.member_id,
      }),
      400,
      [...BAD_REQUEST, 'too_many_session_revoke_arguments'],
    )
    fails(await post(P.sessionsRevoke, { session_token: false }), 400, BAD_REQUEST)
    fails(
      await post(P.sessionsRevoke, {
        session_token: 'mZAYn5aLEqKUlZ_Ad9U_fWr38GaAQ1oFAhT8ds245v7Q',
      }),
      404,
      'session_not_found',
    )
    // The failed calls above did not revoke anything.
    ok(
      K.sessionsAuthenticate,
      await post(P.sessionsAuthenticate, { session_token: aliceSession.token }),
    )
  })
})

describe('GET /v1/b2b/sessions/jwks/{project_id} (3.11, 9.5)', () => {
  it('serves RS256 signing keys with and without credentials', async () => {
    const anonymous = ok(K.jwks, await get(P.jwks(local.projectId), {}, { authorization: null }))
    const authed = ok(K.jwks, await get(P.jwks(local.projectId)))
    expect(authed.keys).toEqual(anonymous.keys)
    expect(anonymous.keys.length).toBeGreaterThanOrEqual(1)
    for (const key of anonymous.keys) {
      expect(key).toMatchObject({
        kty: 'RSA',
        use: 'sig',
        key_ops: ['verify'],
        alg: 'RS256',
        e: 'AQAB',
      })
      expect(key.kid).toMatch(ID_PATTERN('jwk'))
      expect(key.x5c.length).toBeGreaterThanOrEqual(1)
      expect(key).not.toHaveProperty('d')
      // x5c[0] is a DER certificate for this very key; x5tS256 is its SHA-256 thumbprint (9.5).
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
    const before = await currentJwks()
    const [oldKey] = before.keys
    const { kid } = await local.rotateKeys()
    expect(kid).toMatch(ID_PATTERN('jwk'))
    const after = await currentJwks()
    expect(after.keys.map((k) => k.kid).sort()).toEqual([oldKey?.kid, kid].sort())

    const body = ok(
      K.sessionsAuthenticate,
      await post(P.sessionsAuthenticate, { session_token: aliceSession.token }),
    )
    expect(decodeJwt(body.session_jwt).header.kid).toBe(kid)
    await expectSessionJwt(body.session_jwt, body.member_session)

    if (oldKey?.kid) local.removeKey(oldKey.kid)
    const final = await currentJwks()
    expect(final.keys.map((k) => k.kid)).toEqual([kid])
  })

  it('answers an error envelope for another project id', async () => {
    const res = await get(P.jwks('project-test-00000000-0000-4000-8000-000000000000'))
    expect([400, 401, 404]).toContain(res.status)
    expectStytchError(res.body)
    expect(res.body.status_code).toBe(res.status)
  })
})

describe('GET /v1/b2b/rbac/policy and /v1/b2b/rbac/organizations/{id} (3.18)', () => {
  it('serves the project policy with the default roles', async () => {
    const body = ok(K.rbacPolicy, await get(P.rbacPolicy))
    const roleIds = (body.policy?.roles ?? []).map((r: Wire) => r.role_id)
    expect(roleIds).toEqual(expect.arrayContaining(['stytch_member', 'stytch_admin']))
  })

  it('serves an organization policy and 404 for an unknown organization', async () => {
    const body = ok(K.rbacOrg, await get(P.rbacOrg(acme.organization_id)))
    expect(Array.isArray(body.org_policy.roles)).toBe(true)
    fails(
      await get(P.rbacOrg('organization-test-00000000-0000-4000-8000-000000000000')),
      404,
      'organization_not_found',
    )
  })
})

describe('MFA and auth-method policies (3.2 items 4-7, 3.7 item 3, 3.10 item 3, 7)', () => {
  let vault: Wire
  let ssoOnly: Wire
  let vaultIst = ''

  it('seeds an MFA-required and an SSO-only organization', async () => {
    vault = ok(
      K.orgCreate,
      await post(P.orgCreate, {
        organization_name: 'Vault',
        organization_slug: 'vault',
        mfa_policy: 'REQUIRED_FOR_ALL',
      }),
    ).organization
    expect(vault.mfa_policy).toBe('REQUIRED_FOR_ALL')
    ssoOnly = ok(
      K.orgCreate,
      await post(P.orgCreate, {
        organization_name: 'SSO Only',
        organization_slug: 'sso-only',
        auth_methods: 'RESTRICTED',
        allowed_auth_methods: ['sso'],
      }),
    ).organization
    expect(ssoOnly.auth_methods).toBe('RESTRICTED')
    expect(ssoOnly.allowed_auth_methods).toEqual(['sso'])
    for (const org of [vault, ssoOnly]) {
      ok(
        K.membersCreate,
        await post(P.membersCreate(org.organization_id), { email_address: ALICE }),
      )
    }
  })

  it('org-scoped OTP ends in an IST and mfa_required when MFA is required', async () => {
    const body = await orgLogin(vault.organization_id, ALICE, {
      session_duration_minutes: 90,
      session_custom_claims: { ignored: true },
    })
    expect(body.member_authenticated).toBe(false)
    expect(body.session_token).toBe('')
    expect(body.session_jwt).toBe('')
    expect(body.intermediate_session_token).not.toBe('')
    expect(body.member_session ?? null).toBeNull()
    expect(body.mfa_required).toBeTruthy()
    // Alice has neither a phone nor TOTP (spec 7 item 2).
    expect(body.mfa_required.member_options ?? null).toBeNull()
    expect(body.mfa_required.secondary_auth_initiated ?? null).toBeNull()
    if (body.intermediate_session_token_expires_at != null) {
      expect(Date.parse(body.intermediate_session_token_expires_at)).toBe(clock.now() + 10 * MINUTE)
    }
    const ist = body.intermediate_session_token
    vaultIst = ist

    // An IST from an org-scoped login carries that org as the hint (spec 3.5).
    const listed = ok(
      K.discoveryList,
      await post(P.discoveryList, { intermediate_session_token: ist }),
    )
    expect(listed.organization_id_hint).toBe(vault.organization_id)

    // Exchanging it still needs MFA: same IST back, not consumed (spec 3.7 item 3).
    for (let i = 0; i < 2; i += 1) {
      const exchanged = ok(
        K.istExchange,
        await post(P.istExchange, {
          intermediate_session_token: ist,
          organization_id: vault.organization_id,
        }),
      )
      expect(exchanged.member_authenticated).toBe(false)
      expect(exchanged.intermediate_session_token).toBe(ist)
      expect(exchanged.session_token).toBe('')
      expect(exchanged.session_jwt).toBe('')
      expect(exchanged.mfa_required).toBeTruthy()
    }
  })

  it('an MFA-enrolled member also gets mfa_required', async () => {
    const email = `mfa-user@${ACME_DOMAIN}`
    local.seedMember({
      organization_id: acme.organization_id,
      email_address: email,
      mfa_enrolled: true,
    })
    const body = await orgLogin(acme.organization_id, email)
    expect(body.member.mfa_enrolled).toBe(true)
    expect(body.member_authenticated).toBe(false)
    expect(body.session_jwt).toBe('')
    expect(body.intermediate_session_token).not.toBe('')
    expect(body.mfa_required).toBeTruthy()
  })

  it('discovery marks what each organization still requires', async () => {
    const body = await discoveryIst(ALICE)
    const byOrg = new Map<string, Wire>(
      body.discovered_organizations.map((d: Wire) => [d.organization.organization_id, d]),
    )
    const inVault = byOrg.get(vault.organization_id)
    expect(inVault.member_authenticated).toBe(false)
    expect(inVault.mfa_required).toBeTruthy()
    expect(inVault.mfa_required.secondary_auth_initiated ?? null).toBeNull()
    const inSso = byOrg.get(ssoOnly.organization_id)
    expect(inSso.member_authenticated).toBe(false)
    expect(inSso.primary_required).toEqual({ allowed_auth_methods: ['sso'] })

    const exchanged = ok(
      K.istExchange,
      await post(P.istExchange, {
        intermediate_session_token: body.intermediate_session_token,
        organization_id: ssoOnly.organization_id,
      }),
    )
    expect(exchanged.member_authenticated).toBe(false)
    expect(exchanged.intermediate_session_token).toBe(body.intermediate_session_token)
    expect(exchanged.primary_required).toEqual({ allowed_auth_methods: ['sso'] })
    expect(exchanged.session_jwt).toBe('')
  })

  it('refuses email OTP where the organization does not allow it', async () => {
    const send = await post(P.loginOrSignup, {
      organization_id: ssoOnly.organization_id,
      email_address: ALICE,
    })
    const RESTRICTED = ['operation_restricted_by_organization_auth_methods']
    if (send.status !== 200) {
      fails(send, [400, 403], RESTRICTED)
      return
    }
    ok(K.loginOrSignup, send)
    fails(
      await post(P.otpAuthenticate, {
        organization_id: ssoOnly.organization_id,
        email_address: ALICE,
        code: latestCode(ALICE, 'login'),
      }),
      [400, 403],
      RESTRICTED,
    )
  })

  it('session exchange into an MFA organization ends in an IST', async () => {
    const body = ok(
      K.sessionsExchange,
      await post(P.sessionsExchange, {
        session_token: aliceSession.token,
        organization_id: 'vault',
      }),
    )
    expect(body.member_authenticated).toBe(false)
    expect(body.session_token).toBe('')
    expect(body.session_jwt).toBe('')
    expect(body.intermediate_session_token).not.toBe('')
    expect(body.mfa_required).toBeTruthy()
    expect(body.organization.organization_id).toBe(vault.organization_id)
  })

  it('refuses an org-scoped IST for another organization (11)', async () => {
    ok(
      K.loginOrSignup,
      await post(P.loginOrSignup, { organization_id: acme.organization_id, email_address: ALICE }),
    )
    fails(
      await post(P.otpAuthenticate, {
        organization_id: acme.organization_id,
        email_address: ALICE,
        code: latestCode(ALICE, 'login'),
        intermediate_session_token: vaultIst,
      }),
      400,
      'invalid_intermediate_session_token_for_organization',
    )
  })

  it('turns a discovery IST passed to org-scoped authenticate into a session, consuming it', async () => {
    const { intermediate_session_token: ist } = await discoveryIst(ALICE)
    const body = await orgLogin(acme.organization_id, ALICE, { intermediate_session_token: ist })
    expect(body.member_authenticated).toBe(true)
    expect(body.intermediate_session_token).toBe('')
    expectEmailOtpFactor(body.member_session, ALICE)
    await expectSessionJwt(body.session_jwt, body.member_session)
    fails(
      await post(P.discoveryList, { intermediate_session_token: ist }),
      404,
      'intermediate_session_not_found',
    )
  })

  it("refuses to add a factor to another organization's session", async () => {
    const betaLogin = await orgLogin(beta.organization_id, CAROL)
    ok(
      K.loginOrSignup,
      await post(P.loginOrSignup, { organization_id: acme.organization_id, email_address: ALICE }),
    )
    const res = await post(P.otpAuthenticate, {
      organization_id: acme.organization_id,
      email_address: ALICE,
      code: latestCode(ALICE, 'login'),
      session_token: betaLogin.session_token,
    })
    // The spec names no error type for this case; any 4xx Stytch envelope will do.
    expect([400, 401, 403, 404], show(res)).toContain(res.status)
    fails(
      res,
      res.status,
      String(res.body.error_type).match(/^[a-z_]+$/) ? res.body.error_type : [],
    )
  })

  it('adds the OTP factor to a session passed in and extends it (3.2 item 5)', async () => {
    const body = await orgLogin(acme.organization_id, ALICE, {
      session_token: aliceSession.token,
      session_duration_minutes: 45,
    })
    expect(body.member_authenticated).toBe(true)
    expect(body.member_session.member_session_id).toBe(aliceSession.session.member_session_id)
    expect(Date.parse(body.member_session.expires_at)).toBe(clock.now() + 45 * MINUTE)
    expectEmailOtpFactor(body.member_session, ALICE)
    await expectSessionJwt(body.session_jwt, body.member_session)
    aliceSession = { ...aliceSession, jwt: body.session_jwt, session: body.member_session }
  })
})

describe('custom claims limits (10.3)', () => {
  it('never lets a custom claim replace a registered claim', async () => {
    const res = await post(P.sessionsAuthenticate, {
      session_token: aliceSession.token,
      session_custom_claims: { sub: 'member-test-attacker', iss: 'evil', aud: ['x'], note: 'hi' },
    })
    if (res.status !== 200) {
      fails(res, 400, 'reserved_claims_in_custom_claims')
      return
    }
    const body = ok(K.sessionsAuthenticate, res)
    expect(body.member_session.custom_claims).not.toHaveProperty('sub')
    expect(body.member_session.custom_claims).not.toHaveProperty('iss')
    await expectSessionJwt(body.session_jwt, body.member_session)
  })

  it('rejects claims over 4 KB and claims that are not an object', async () => {
    fails(
      await post(P.sessionsAuthenticate, {
        session_token: aliceSession.token,
        session_custom_claims: { blob: 'x'.repeat(5000) },
      }),
      400,
      'custom_claims_too_large',
    )
    fails(
      await post(P.sessionsAuthenticate, {
        session_token: aliceSession.token,
        session_custom_claims: 'plan=pro',
      }),
      400,
      BAD_REQUEST,
    )
  })
})

describe('external ids and slugs stand in for ids (1.3)', () => {
  it('finds organizations and members by external id', async () => {
    const org = ok(
      K.orgCreate,
      await post(P.orgCreate, {
        organization_name: 'Externally Known',
        organization_slug: 'externally-known',
        organization_external_id: 'ext-org-1',
      }),
    ).organization
    expect(org.organization_external_id).toBe('ext-org-1')
    expect(ok(K.orgGet, await get(P.org('ext-org-1'))).organization.organization_id).toBe(
      org.organization_id,
    )
    const created = ok(
      K.membersCreate,
      await post(P.membersCreate('ext-org-1'), { email_address: CAROL, external_id: 'ext-carol' }),
    )
    expect(created.member.external_id).toBe('ext-carol')
    const found = ok(
      K.memberGet,
      await get(P.memberGet(org.organization_id), { member_id: 'ext-carol' }),
    )
    expect(found.member_id).toBe(created.member_id)
  })

  it('searches organizations by member email', async () => {
    const body = ok(
      K.orgSearch,
      await post(P.orgSearch, {
        query: {
          operator: 'AND',
          operands: [{ filter_name: 'member_emails', filter_value: [CAROL] }],
        },
      }),
    )
    const slugs = body.organizations.map((o: Wire) => o.organization_slug).sort()
    expect(slugs).toEqual(['beta', 'externally-known'])
  })
})

describe('user lock after repeated wrong codes (12.3)', () => {
  it('answers 429 user_lock_limit_reached after 10 consecutive wrong codes', async () => {
    const email = `locky@${ACME_DOMAIN}`
    ok(K.membersCreate, await post(P.membersCreate(acme.organization_id), { email_address: email }))
    ok(
      K.loginOrSignup,
      await post(P.loginOrSignup, { organization_id: acme.organization_id, email_address: email }),
    )
    const code = latestCode(email, 'login')
    const attempt = (c: string) =>
      post(P.otpAuthenticate, {
        organization_id: acme.organization_id,
        email_address: email,
        code: c,
      })
    for (let i = 0; i < 9; i += 1) fails(await attempt(wrongCode(code)), 404, 'otp_code_not_found')
    const tenth = await attempt(wrongCode(code))
    fails(tenth, [404, 429], ['otp_code_not_found', 'user_lock_limit_reached'])
    fails(await attempt(code), 429, 'user_lock_limit_reached')
    const member = ok(
      K.memberGet,
      await get(P.memberGet(acme.organization_id), { email_address: email }),
    ).member
    expect(member.is_locked).toBe(true)
    expect(Date.parse(member.lock_expires_at) - Date.parse(member.lock_created_at)).toBe(
      60 * MINUTE,
    )
  })
})

describe('null is the same as absent for optional inputs (1.3)', () => {
  it('accepts null optional fields on OTP, discovery and session calls', async () => {
    ok(
      K.loginOrSignup,
      await post(P.loginOrSignup, {
        organization_id: acme.organization_id,
        email_address: ALICE,
        login_template_id: null,
        signup_template_id: null,
        locale: null,
        login_expiration_minutes: null,
        signup_expiration_minutes: null,
      }),
    )
    const login = ok(
      K.otpAuthenticate,
      await post(P.otpAuthenticate, {
        organization_id: acme.organization_id,
        email_address: ALICE,
        code: latestCode(ALICE, 'login'),
        session_token: null,
        session_jwt: null,
        intermediate_session_token: null,
        session_duration_minutes: null,
        session_custom_claims: null,
        locale: null,
        telemetry_id: null,
      }),
    )
    expect(login.member_authenticated).toBe(true)
    expect(login.member_session.member_session_id).not.toBe(aliceSession.session.member_session_id)
    expectMemberSession(login.member_session, {
      memberId: aliceAcme.member_id,
      organizationId: acme.organization_id,
      slug: 'acme',
      durationMinutes: 60,
    })

    ok(
      K.discoverySend,
      await post(P.discoverySend, {
        email_address: ALICE,
        login_template_id: null,
        locale: null,
        discovery_expiration_minutes: null,
      }),
    )
    const discovered = ok(
      K.discoveryAuthenticate,
      await post(P.discoveryAuthenticate, {
        email_address: ALICE,
        code: latestCode(ALICE, 'discovery'),
      }),
    )
    const ist = discovered.intermediate_session_token
    ok(
      K.discoveryList,
      await post(P.discoveryList, {
        intermediate_session_token: ist,
        session_token: null,
        session_jwt: null,
      }),
    )
    ok(
      K.discoveryList,
      await post(P.discoveryList, {
        intermediate_session_token: null,
        session_token: login.session_token,
        session_jwt: null,
      }),
    )
    const authed = ok(
      K.sessionsAuthenticate,
      await post(P.sessionsAuthenticate, {
        session_token: login.session_token,
        session_jwt: null,
        session_duration_minutes: null,
        session_custom_claims: null,
        authorization_check: null,
      }),
    )
    expect(authed.member_session.expires_at).toBe(login.member_session.expires_at)
    const exchanged = ok(
      K.sessionsExchange,
      await post(P.sessionsExchange, {
        organization_id: beta.organization_id,
        session_token: null,
        session_jwt: login.session_jwt,
        session_duration_minutes: null,
        session_custom_claims: null,
        locale: null,
      }),
    )
    expect(exchanged.member_authenticated).toBe(true)
    ok(
      K.sessionsRevoke,
      await post(P.sessionsRevoke, {
        session_token: login.session_token,
        session_jwt: null,
        member_session_id: null,
        member_id: null,
      }),
    )
    fails(
      await post(P.sessionsAuthenticate, { session_token: login.session_token }),
      404,
      'session_not_found',
    )
  })

  it('accepts null optional fields when creating organizations and members', async () => {
    const org = ok(
      K.orgCreate,
      await post(P.orgCreate, {
        organization_name: 'Nullable',
        organization_slug: 'nullable',
        organization_logo_url: null,
        trusted_metadata: null,
        organization_external_id: null,
        email_allowed_domains: null,
        email_jit_provisioning: null,
        mfa_policy: null,
      }),
    ).organization
    expect(org.email_jit_provisioning).toBe('NOT_ALLOWED')
    expect(org.mfa_policy).toBe('OPTIONAL')
    expect(org.email_allowed_domains).toEqual([])
    const member = ok(
      K.membersCreate,
      await post(P.membersCreate(org.organization_id), {
        email_address: CAROL,
        name: null,
        external_id: null,
        create_member_as_pending: null,
        roles: null,
        trusted_metadata: null,
      }),
    ).member
    expect(member.status).toBe('active')
    expect(member.name).toBe('')
    ok(K.orgSearch, await post(P.orgSearch, { query: null, limit: null, cursor: null }))
  })
})

describe('JIT by email domain needs a verified member in discovery only (3.1, 6)', () => {
  it('hides the org from discovery until a member of the domain is verified', async () => {
    const omega = ok(
      K.orgCreate,
      await post(P.orgCreate, {
        organization_name: 'Omega',
        organization_slug: 'omega',
        email_jit_provisioning: 'RESTRICTED',
        email_allowed_domains: ['omega.test'],
      }),
    ).organization
    // An unverified member of the same domain does not vouch for it.
    ok(K.membersCreate, await post(P.membersCreate('omega'), { email_address: 'first@omega.test' }))
    const before = await discoveryIst('second@omega.test')
    expect(before.discovered_organizations).toEqual([])
    fails(
      await post(P.istExchange, {
        intermediate_session_token: before.intermediate_session_token,
        organization_id: omega.organization_id,
      }),
      [400, 403],
      JIT_REFUSED,
    )

    // Org-scoped login_or_signup only needs RESTRICTED + an allowed domain.
    const signup = ok(
      K.loginOrSignup,
      await post(P.loginOrSignup, {
        organization_id: omega.organization_id,
        email_address: 'second@omega.test',
      }),
    )
    expect(signup.member_created).toBe(true)
    ok(
      K.otpAuthenticate,
      await post(P.otpAuthenticate, {
        organization_id: omega.organization_id,
        email_address: 'second@omega.test',
        code: latestCode('second@omega.test', 'signup'),
      }),
    )

    // Now a verified member shares the domain: a third address may join by discovery.
    const after = await discoveryIst('third@omega.test')
    expect(
      after.discovered_organizations.map((d: Wire) => [
        d.organization.organization_id,
        d.membership.type,
        d.membership.member ?? null,
      ]),
    ).toEqual([[omega.organization_id, 'eligible_to_join_by_email_domain', null]])
  })
})

describe('single use under concurrency (11, 12.1)', () => {
  it('lets exactly one of several parallel calls use an OTP code or an IST', async () => {
    ok(
      K.loginOrSignup,
      await post(P.loginOrSignup, { organization_id: acme.organization_id, email_address: ALICE }),
    )
    const code = latestCode(ALICE, 'login')
    const otpRuns = await Promise.all(
      Array.from({ length: 5 }, () =>
        post(P.otpAuthenticate, {
          organization_id: acme.organization_id,
          email_address: ALICE,
          code,
        }),
      ),
    )
    const otpWins = otpRuns.filter((r) => r.status === 200)
    expect(otpWins).toHaveLength(1)
    for (const r of otpRuns) {
      if (r.status === 200) ok(K.otpAuthenticate, r)
      else fails(r, 401, 'unable_to_auth_otp_code')
    }

    const { intermediate_session_token: ist } = await discoveryIst(ALICE)
    const exchanges = await Promise.all(
      Array.from({ length: 5 }, () =>
        post(P.istExchange, {
          intermediate_session_token: ist,
          organization_id: acme.organization_id,
        }),
      ),
    )
    expect(exchanges.filter((r) => r.status === 200)).toHaveLength(1)
    for (const r of exchanges) {
      if (r.status === 200) expect(ok(K.istExchange, r).member_authenticated).toBe(true)
      else fails(r, 404, 'intermediate_session_not_found')
    }

    const { intermediate_session_token: createIst } = await discoveryIst('racer@race.test')
    const creates = await Promise.all(
      ['race-1', 'race-2', 'race-3'].map((slug) =>
        post(P.discoveryCreate, {
          intermediate_session_token: createIst,
          organization_name: slug,
          organization_slug: slug,
        }),
      ),
    )
    expect(creates.filter((r) => r.status === 200)).toHaveLength(1)
    for (const r of creates) {
      if (r.status === 200) ok(K.discoveryCreate, r)
      else fails(r, 404, 'intermediate_session_not_found')
    }
  })
})

describe('org-scoped OTP for an invited member (3.1, 3.2)', () => {
  it('sends a signup code, keeps the invite until authenticate, then activates', async () => {
    const email = 'invitee@elsewhere.test'
    const seeded = local.seedMember({
      organization_id: beta.organization_id,
      email_address: email,
      status: 'invited',
    })
    const sent = ok(
      K.loginOrSignup,
      await post(P.loginOrSignup, { organization_id: beta.organization_id, email_address: email }),
    )
    expect(sent.member_created).toBe(false)
    expect(sent.member_id).toBe(seeded.member_id)
    expect(sent.member.status).toBe('invited')
    expect(local.outbox.latest(email)?.kind).toBe('signup')
    const body = ok(
      K.otpAuthenticate,
      await post(P.otpAuthenticate, {
        organization_id: beta.organization_id,
        email_address: email,
        code: latestCode(email, 'signup'),
      }),
    )
    expect(body.member.status).toBe('active')
    expect(body.member.email_address_verified).toBe(true)
    expect(body.member_authenticated).toBe(true)
    await expectSessionJwt(body.session_jwt, body.member_session)
  })

  it('lists sessions by member external id (1.3)', async () => {
    const body = ok(
      K.sessionsGet,
      await get(P.sessionsGet, { organization_id: 'ext-org-1', member_id: 'ext-carol' }),
    )
    expect(body.member_sessions).toEqual([])
  })
})

describe('transport errors on every endpoint (1.2, 8.2)', () => {
  const routes = (): Array<{ method: 'GET' | 'POST'; path: string }> => [
    { method: 'POST', path: P.loginOrSignup },
    { method: 'POST', path: P.otpAuthenticate },
    { method: 'POST', path: P.discoverySend },
    { method: 'POST', path: P.discoveryAuthenticate },
    { method: 'POST', path: P.discoveryList },
    { method: 'POST', path: P.discoveryCreate },
    { method: 'POST', path: P.istExchange },
    { method: 'POST', path: P.sessionsAuthenticate },
    { method: 'POST', path: P.sessionsRevoke },
    { method: 'POST', path: P.sessionsExchange },
    { method: 'GET', path: P.sessionsGet },
    { method: 'POST', path: P.orgCreate },
    { method: 'GET', path: P.org(acme.organization_id) },
    { method: 'POST', path: P.orgSearch },
    { method: 'POST', path: P.membersCreate(acme.organization_id) },
    { method: 'GET', path: P.memberGet(acme.organization_id) },
    { method: 'GET', path: P.rbacPolicy },
    { method: 'GET', path: P.rbacOrg(acme.organization_id) },
  ]

  it('answers 401 unauthorized_credentials for missing or wrong credentials', async () => {
    const wrong = [
      null,
      basicAuth(local.projectId, 'secret-test-wrong'),
      basicAuth('project-test-00000000-0000-4000-8000-000000000000', local.secret),
      `Bearer ${local.secret}`,
      'Basic !!!not-base64!!!',
    ]
    for (const route of routes()) {
      for (const authorization of wrong) {
        const body = route.method === 'POST' ? {} : undefined
        const res = await callStytch(local, route.method, route.path, body, { authorization })
        fails(res, 401, 'unauthorized_credentials')
        expect(res.body.error_message).toBe('Unauthorized credentials.')
      }
    }
  })

  it('answers 400 bad_request for malformed JSON and non-object bodies', async () => {
    for (const route of routes().filter((r) => r.method === 'POST')) {
      for (const rawBody of ['{"email_address": ', '[]', '"text"', 'null']) {
        fails(await post(route.path, undefined, { rawBody }), 400, BAD_REQUEST)
      }
    }
  })

  it('answers 405 method_not_allowed for a wrong method on a known path', async () => {
    // GET /organizations/search would read as organizations.get of an org named "search".
    for (const route of routes().filter((r) => r.path !== P.orgSearch)) {
      // PATCH: a method no Stytch endpoint uses, so no real route can exist there.
      const method = route.method === 'POST' ? 'GET' : 'PATCH'
      fails(
        await callStytch(local, method, route.path, method === 'PATCH' ? {} : undefined),
        405,
        'method_not_allowed',
      )
    }
    fails(await callStytch(local, 'POST', P.jwks(local.projectId), {}), 405, 'method_not_allowed')
  })

  it('answers 404 route_not_found for unknown paths', async () => {
    for (const path of [
      '/',
      '/v1/b2b/otps/email/nope',
      '/v1/b2b/discovery/organizations/list',
      '/v2/b2b/organizations',
    ]) {
      fails(await post(path, {}), 404, 'route_not_found')
      fails(await get(path), 404, 'route_not_found')
    }
  })
})

describe('OTP lifetimes chosen by the caller (12.1)', () => {
  it('honours login, signup and discovery expiration minutes', async () => {
    const signupEmail = `late-signup@${ACME_DOMAIN}`
    ok(
      K.loginOrSignup,
      await post(P.loginOrSignup, {
        organization_id: acme.organization_id,
        email_address: ALICE,
        login_expiration_minutes: 2,
      }),
    )
    const loginCode = latestCode(ALICE, 'login')
    ok(
      K.loginOrSignup,
      await post(P.loginOrSignup, {
        organization_id: acme.organization_id,
        email_address: signupEmail,
        signup_expiration_minutes: 2,
      }),
    )
    const signupCode = latestCode(signupEmail, 'signup')
    ok(
      K.discoverySend,
      await post(P.discoverySend, { email_address: CAROL, discovery_expiration_minutes: 2 }),
    )
    const discoveryCode = latestCode(CAROL, 'discovery')
    clock.advance(2 * MINUTE + 1000)
    for (const [email, code] of [
      [ALICE, loginCode],
      [signupEmail, signupCode],
    ] as const) {
      fails(
        await post(P.otpAuthenticate, {
          organization_id: acme.organization_id,
          email_address: email,
          code,
        }),
        401,
        'unable_to_auth_otp_code',
      )
    }
    fails(
      await post(P.discoveryAuthenticate, { email_address: CAROL, code: discoveryCode }),
      401,
      'unable_to_auth_otp_code',
    )
  })

  it('keeps a 15 minute code valid for 14 minutes', async () => {
    ok(
      K.discoverySend,
      await post(P.discoverySend, { email_address: CAROL, discovery_expiration_minutes: 15 }),
    )
    const code = latestCode(CAROL, 'discovery')
    clock.advance(14 * MINUTE)
    ok(K.discoveryAuthenticate, await post(P.discoveryAuthenticate, { email_address: CAROL, code }))
  })
})

describe('IST lifetime (11)', () => {
  it('expires an IST after 10 minutes', async () => {
    const { intermediate_session_token: ist } = await discoveryIst(ALICE)
    clock.advance(10 * MINUTE + 1000)
    fails(
      await post(P.discoveryList, { intermediate_session_token: ist }),
      404,
      'intermediate_session_not_found',
    )
    fails(
      await post(P.istExchange, { intermediate_session_token: ist, organization_id: 'acme' }),
      404,
      'intermediate_session_not_found',
    )
  })
})

describe('coverage floor', () => {
  it('validated every endpoint and at least the recorded number of bodies', () => {
    const stats = schemaStats()
    expect(Object.keys(stats.byEndpoint).sort()).toEqual([...ENDPOINT_KEYS].sort())
    expect(stats.success + stats.error).toBeGreaterThanOrEqual(MIN_VALIDATED_RESPONSES)
    expect(stats.jwtPayload).toBeGreaterThanOrEqual(MIN_VALIDATED_JWTS)
    expect(stats.jwtHeader).toBe(stats.jwtPayload)
  })
})
