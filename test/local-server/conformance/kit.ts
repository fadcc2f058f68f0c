// Shared kit of the wire-conformance suites: one descriptor per endpoint, a fresh local server per
// test, and the checks every body goes through (JSON Schemas in test/fixtures/stytch-schemas).

import { createLocalJWKSet, type JWK, jwtVerify } from 'jose'
import { afterAll, afterEach, beforeEach, expect } from 'vitest'
import { type LocalServer, startLocalServer } from '../../../src/local-server/index.js'
import { STYTCH_PATHS, stytchPath } from '../../../src/wire/paths.js'
import { createTestClock, type TestClock } from '../../helpers/clock.js'
import { type CallOptions, callStytch, type StytchCallResult } from '../../helpers/local-api.js'
import {
  decodeJwt,
  ENDPOINT_KEYS,
  expectJwtHeader,
  expectJwtPayload,
  expectMatchesSchema,
  expectStytchError,
  schemaStats,
} from '../../helpers/schemas.js'
import { keyedMemoryStore } from '../../helpers/signing-keys.js'
import { afterWholeFile } from '../../helpers/whole-file.js'
import { P } from '../fixtures.js'

// ---------------------------------------------------------------------------
// Endpoints: one descriptor each (method, path, and the response schema key in index.json)

/** One Stytch endpoint bound to a concrete path. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE'

export interface Endpoint {
  method: HttpMethod
  path: string
  /** `METHOD /template` key of the success schema in index.json. */
  schema: string
}

/** An endpoint with one path parameter: bind it with `at(id)`. */
export interface PathEndpoint {
  method: HttpMethod
  schema: string
  /** Binds the path; a second id, when given, is ignored. */
  at(id: string, _unused?: string): Endpoint
}

function fixed(method: HttpMethod, path: string): Endpoint {
  return { method, path, schema: `${method} ${path}` }
}

function templated(
  method: HttpMethod,
  template: string,
  path: (id: string) => string,
): PathEndpoint {
  const schema = `${method} ${template}`
  return { method, schema, at: (id) => ({ method, path: path(id), schema }) }
}

/** An endpoint with an organization and a member in its path: bind it with `at(org, member)`. */
export interface MemberPathEndpoint {
  method: HttpMethod
  schema: string
  at(organizationId: string, memberId: string): Endpoint
}

function memberTemplated(
  method: HttpMethod,
  template: string,
  path: (organizationId: string, memberId: string) => string,
): MemberPathEndpoint {
  const schema = `${method} ${template}`
  return { method, schema, at: (o, m) => ({ method, path: path(o, m), schema }) }
}

export const E = {
  loginOrSignup: fixed('POST', P.loginOrSignup),
  otpAuthenticate: fixed('POST', P.otpAuthenticate),
  discoverySend: fixed('POST', P.discoverySend),
  discoveryAuthenticate: fixed('POST', P.discoveryAuthenticate),
  discoveryList: fixed('POST', P.discoveryList),
  discoveryCreate: fixed('POST', P.discoveryCreate),
  istExchange: fixed('POST', P.istExchange),
  sessionsAuthenticate: fixed('POST', P.sessionsAuthenticate),
  sessionsRevoke: fixed('POST', P.sessionsRevoke),
  sessionsExchange: fixed('POST', P.sessionsExchange),
  sessionsGet: fixed('GET', P.sessionsGet),
  jwks: templated('GET', '/v1/b2b/sessions/jwks/{project_id}', P.jwks),
  orgCreate: fixed('POST', P.orgCreate),
  orgGet: templated('GET', '/v1/b2b/organizations/{organization_id}', P.org),
  orgSearch: fixed('POST', P.orgSearch),
  membersCreate: templated(
    'POST',
    '/v1/b2b/organizations/{organization_id}/members',
    P.membersCreate,
  ),
  memberGet: templated('GET', '/v1/b2b/organizations/{organization_id}/member', P.memberGet),
  rbacPolicy: fixed('GET', P.rbacPolicy),
  rbacOrg: templated('GET', '/v1/b2b/rbac/organizations/{organization_id}', P.rbacOrg),
  orgUpdate: templated('PUT', '/v1/b2b/organizations/{organization_id}', P.org),
  orgDelete: templated('DELETE', '/v1/b2b/organizations/{organization_id}', P.org),
  memberUpdate: memberTemplated(
    'PUT',
    '/v1/b2b/organizations/{organization_id}/members/{member_id}',
    P.member,
  ),
  memberDelete: memberTemplated(
    'DELETE',
    '/v1/b2b/organizations/{organization_id}/members/{member_id}',
    P.member,
  ),
  memberReactivate: memberTemplated(
    'PUT',
    '/v1/b2b/organizations/{organization_id}/members/{member_id}/reactivate',
    P.memberReactivate,
  ),
  membersSearch: fixed('POST', P.membersSearch),
  smsSend: fixed('POST', STYTCH_PATHS.otpSmsSend),
  smsAuthenticate: fixed('POST', STYTCH_PATHS.otpSmsAuthenticate),
  totpCreate: fixed('POST', STYTCH_PATHS.totpCreate),
  totpAuthenticate: fixed('POST', STYTCH_PATHS.totpAuthenticate),
  recoveryCodesRecover: fixed('POST', STYTCH_PATHS.recoveryCodesRecover),
  recoveryCodesGet: memberTemplated('GET', STYTCH_PATHS.recoveryCodesGet, (o, m) =>
    stytchPath('recoveryCodesGet', { organization_id: o, member_id: m }),
  ),
  recoveryCodesRotate: fixed('POST', STYTCH_PATHS.recoveryCodesRotate),
} as const

export type EndpointName = keyof typeof E

/** A call result that remembers which endpoint answered it. */
export interface Answer extends StytchCallResult {
  endpoint: Endpoint
}

// ---------------------------------------------------------------------------
// Wire facts shared by the suites

// Error types Stytch uses for a request body that is missing a field or has the wrong type: the
// generic answer is 400 `bad_request`; field-specific types also exist.
export const BAD_REQUEST = ['bad_request'] as const
export const BAD_EMAIL = ['bad_request', 'invalid_email'] as const
export const BAD_ORG_ID = ['bad_request', 'invalid_organization_id'] as const
export const BAD_DURATION = [
  'bad_request',
  'invalid_session_duration_minutes',
  'invalid_session_duration',
] as const
// "This email may not join this organization": Stytch's exact type and status are not documented.
export const JIT_REFUSED = [
  'email_jit_provisioning_not_allowed',
  'invalid_email_for_jit_provisioning',
  'invalid_intermediate_session_token_for_organization',
] as const
export const UNKNOWN_ORG = 'organization-test-00000000-0000-4000-8000-000000000000'
export const UNKNOWN_MEMBER = 'member-test-00000000-0000-4000-8000-000000000000'
export const UNKNOWN_IST = 'SeiGwdj5lKkrEVgcEY3QNJXt6srxS3IK2Nwkar6mXD4='
export const UNKNOWN_SESSION_TOKEN = 'mZAYn5aLEqKUlZ_Ad9U_fWr38GaAQ1oFAhT8ds245v7Q'
export const ID_PATTERN = (kind: string) =>
  new RegExp(`^${kind}-test-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
export const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/
const REGISTERED_CLAIMS = ['aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'sub']
export const MINUTE = 60_000

export const ACME_DOMAIN = 'acme.test'
export const ALICE = `alice@${ACME_DOMAIN}`
export const BOB = `bob@${ACME_DOMAIN}`
export const NEWBIE = `newbie@${ACME_DOMAIN}`
export const JOINER = `joiner@${ACME_DOMAIN}`
export const DANA = `dana@${ACME_DOMAIN}`
export const VERIFIED = `verified@${ACME_DOMAIN}`
export const CAROL = 'carol@beta.test'
export const STRANGER = 'stranger@nowhere.test'
export const FOUNDER = 'founder@founder.test'

// biome-ignore lint/suspicious/noExplicitAny: Organization / Member bodies from the wire
export type Wire = any

export interface SessionLike {
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

/** A logged-in member: the session token, its JWT and the member_session. */
export interface Login {
  token: string
  jwt: string
  session: SessionLike
}

/** The organizations and members most tests start from. */
export interface World {
  /** Email JIT RESTRICTED to acme.test; Alice active, Bob pending, a verified member seeded. */
  acme: Wire
  /** Stytch defaults; Carol active, Alice and Bob invited. */
  beta: Wire
  /** Created by name only. */
  gamma: Wire
  aliceAcme: Wire
  bobAcme: Wire
  carolBeta: Wire
}

export function show(res: StytchCallResult): string {
  return `HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 600)}`
}

export function wrongCode(code: string): string {
  return String((Number(code) + 1) % 1_000_000).padStart(6, '0')
}

// Keys whose values are user data, not Stytch-made: the walker below does not descend into them.
const USER_DATA_KEYS = new Set(['trusted_metadata', 'untrusted_metadata', 'custom_claims'])
const ID_KINDS: Record<string, string> = {
  organization_id: 'organization',
  member_id: 'member',
  member_session_id: 'session',
  email_id: 'email',
  request_id: 'request-id',
}

/**
 * Walks a success body: every `*_at` string is an RFC 3339 UTC timestamp and every Stytch id has
 * the local server's `<kind>-test-<uuid v4>` form.
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

/**
 * A login answer that put an active member `email` into `organizationId` with a full session (as
 * an invite accepted by an IST or session exchange).
 */
export function expectActiveMemberIn(body: Wire, organizationId: string, email: string): void {
  expect(body.member_authenticated).toBe(true)
  expect(body.intermediate_session_token).toBe('')
  expect(body.organization.organization_id).toBe(organizationId)
  expect(body.member.email_address).toBe(email)
  expect(body.member.status).toBe('active')
}

/** Common checks of a MemberSession. */
export function expectMemberSession(
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

/** An email OTP factor for `email` is among the session's factors. */
export function expectEmailOtpFactor(session: SessionLike, email: string): void {
  const factors = session.authentication_factors as Array<Record<string, unknown>>
  const factor = factors.find((f) => f.type === 'email_otp')
  expect(factor, JSON.stringify(factors)).toBeDefined()
  expect(factor?.delivery_method).toBe('email')
  const emailFactor = factor?.email_factor as Record<string, unknown> | undefined
  expect(emailFactor?.email_address).toBe(email)
  expect(emailFactor?.email_id).toMatch(ID_PATTERN('email'))
}

// ---------------------------------------------------------------------------
// The per-test server and the calls made through it

const seenRequestIds = new Set<string>()
const claimCheckedJwts = new Set<string>()

/** Every answer carries its own request_id. */
function expectFreshRequestId(requestId: string): void {
  expect(seenRequestIds.has(requestId), `request_id ${requestId} reused`).toBe(false)
  seenRequestIds.add(requestId)
}

/** One bad call for `failsEach`: input, expected status(es), error type(s), optional endpoint. */
export type FailCase = readonly [
  input: Record<string, unknown> | undefined,
  status: number | readonly number[],
  errorType: string | readonly string[],
  endpoint?: Endpoint,
]

/**
 * What a test talks to: a local server of its own, on a clock that starts at the current second
 * and only moves when the test says so. Created fresh before each test, closed after it.
 */
export class Conformance {
  readonly local: LocalServer
  readonly clock: TestClock

  constructor(local: LocalServer, clock: TestClock) {
    this.local = local
    this.clock = clock
  }

  /** Calls `endpoint`; `input` is the JSON body of a POST or the query of a GET. */
  async call(
    endpoint: Endpoint,
    input?: Record<string, unknown>,
    options?: CallOptions,
  ): Promise<Answer> {
    let path = endpoint.path
    let body: unknown
    if (endpoint.method === 'GET') {
      const qs = new URLSearchParams((input ?? {}) as Record<string, string>).toString()
      if (qs) path = `${path}?${qs}`
    } else {
      body = input
    }
    const res = await callStytch(this.local, endpoint.method, path, body, options)
    return { ...res, endpoint }
  }

  /** Calls `endpoint`, asserts a valid 200 success body and returns it. */
  async ok(
    endpoint: Endpoint,
    input?: Record<string, unknown>,
    options?: CallOptions,
  ): Promise<Wire> {
    return this.expectOk(await this.call(endpoint, input, options))
  }

  /** Asserts `res` is a 200 Stytch success body for its endpoint, validates it, returns the body. */
  expectOk(res: Answer): Wire {
    expect(res.status, show(res)).toBe(200)
    expect(res.headers.get('content-type') ?? '').toMatch(/^application\/json/)
    expectMatchesSchema(res.endpoint.schema, res.body)
    expect(res.body.status_code).toBe(200)
    expect(res.body.request_id).toMatch(ID_PATTERN('request-id'))
    expectFreshRequestId(res.body.request_id)
    expectWireFormats(res.body)
    this.expectLoginOutcome(res.body)
    return res.body
  }

  /** Creates an organization through the API (a validated 200) and returns its `organization`. */
  async createOrg(fields: Record<string, unknown>): Promise<Wire> {
    return (await this.ok(E.orgCreate, fields)).organization
  }

  /**
   * Calls `endpoint` once per case, in order, and asserts each answer is the given Stytch error
   * (as `fails`). A case may name its own endpoint as a fourth element.
   */
  async failsEach(endpoint: Endpoint, cases: readonly FailCase[]): Promise<void> {
    for (const [input, status, errorType, own] of cases) {
      this.fails(await this.call(own ?? endpoint, input), status, errorType)
    }
  }

  /** Asserts a Stytch error envelope with the given status(es) and error type(s). */
  fails(
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
    // No secret or token may leak into an error.
    expect(JSON.stringify(res.body)).not.toContain(this.local.secret)
  }

  /**
   * Rules shared by every body that may carry a session: a full login has a token, a JWT and a
   * member_session and an empty IST; otherwise the reverse. Every JWT is decoded and checked.
   */
  private expectLoginOutcome(body: Wire): void {
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
      this.expectSessionJwtClaims(body.session_jwt, body.member_session)
    }
  }

  /**
   * Checks a session_jwt against the header/payload schemas and the claim rules of Stytch B2B
   * session JWTs (https://stytch.com/docs/b2b/guides/sessions/using-jwts), for a JWT minted at
   * the clock's current second for `session`. Each JWT is checked once.
   */
  expectSessionJwtClaims(jwt: string, session: SessionLike): void {
    if (claimCheckedJwts.has(jwt)) return
    const { local, clock } = this
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

    // Custom claims sit at the top level and mirror member_session.custom_claims.
    const custom = Object.fromEntries(
      Object.entries(payload).filter(
        ([k]) => !REGISTERED_CLAIMS.includes(k) && !k.startsWith('https://stytch.com/'),
      ),
    )
    expect(custom).toEqual(session.custom_claims ?? {})
    claimCheckedJwts.add(jwt)
  }

  /** The claim checks above plus an RS256 signature check against the served JWKS. */
  async expectSessionJwt(jwt: string, session: SessionLike): Promise<void> {
    this.expectSessionJwtClaims(jwt, session)
    const jwks = await this.currentJwks()
    const { header, payload } = decodeJwt(jwt)
    expect(jwks.keys.map((k) => k.kid)).toContain(header.kid)
    const verified = await jwtVerify(jwt, createLocalJWKSet(jwks), {
      algorithms: ['RS256'],
      issuer: `stytch.com/${this.local.projectId}`,
      audience: this.local.projectId,
      typ: 'JWT',
      currentDate: new Date(this.clock.now()),
    })
    expect(verified.payload).toEqual(payload)
  }

  async currentJwks(): Promise<{ keys: JWK[] }> {
    const body = await this.ok(E.jwks.at(this.local.projectId), {}, { authorization: null })
    return { keys: body.keys as JWK[] }
  }

  /** The newest OTP code mailed to `email` (of `kind`, if given). */
  latestCode(email: string, kind?: 'login' | 'signup' | 'discovery'): string {
    const message = this.local.outbox.latest(email, kind)
    expect(message, `an OTP email to ${email}`).toBeDefined()
    expect(message?.code).toMatch(/^\d{6}$/)
    return message?.code ?? ''
  }

  /** Discovery OTP send + authenticate; returns the validated authenticate body. */
  async discoveryIst(email: string): Promise<Wire> {
    await this.ok(E.discoverySend, { email_address: email })
    const code = this.latestCode(email, 'discovery')
    return this.ok(E.discoveryAuthenticate, { email_address: email, code })
  }

  /** Org-scoped OTP send + authenticate; returns the validated authenticate body. */
  async orgLogin(
    organizationId: string,
    email: string,
    extra: Record<string, unknown> = {},
    kind?: 'login' | 'signup',
  ): Promise<Wire> {
    await this.ok(E.loginOrSignup, { organization_id: organizationId, email_address: email })
    const code = this.latestCode(email, kind)
    return this.ok(E.otpAuthenticate, {
      organization_id: organizationId,
      email_address: email,
      code,
      ...extra,
    })
  }

  /** An org-scoped login that must end in a session; returns token, JWT and member_session. */
  async session(
    organizationId: string,
    email: string,
    extra: Record<string, unknown> = {},
  ): Promise<Login> {
    const body = await this.orgLogin(organizationId, email, extra)
    expect(body.member_authenticated, show({ status: 200, body, headers: new Headers() })).toBe(
      true,
    )
    return { token: body.session_token, jwt: body.session_jwt, session: body.member_session }
  }

  /** Alice's Acme session: 120 minutes, custom claims `{ plan: 'pro', seats: 5 }`. */
  aliceSession(world: World): Promise<Login> {
    return this.session(world.acme.organization_id, ALICE, {
      session_duration_minutes: 120,
      session_custom_claims: { plan: 'pro', seats: 5 },
    })
  }

  /** Founder Co, created through discovery by FOUNDER; returns the IST used and the create body. */
  async createFounderOrg(): Promise<{ ist: string; body: Wire }> {
    const { intermediate_session_token: ist } = await this.discoveryIst(FOUNDER)
    const body = await this.ok(E.discoveryCreate, {
      intermediate_session_token: ist,
      organization_name: 'Founder Co',
      organization_slug: 'founder-co',
      session_custom_claims: { team: 'core' },
    })
    return { ist, body }
  }

  /** Founder Co's creator (an admin) and their session. */
  async founderSession(): Promise<Login> {
    const { body } = await this.createFounderOrg()
    return { token: body.session_token, jwt: body.session_jwt, session: body.member_session }
  }

  /** Neither the session token nor the JWT of `login` authenticates any more. */
  async expectSessionGone(login: { session_token: string; session_jwt?: string }): Promise<void> {
    const selectors: Record<string, string>[] = [{ session_token: login.session_token }]
    if (login.session_jwt !== undefined) selectors.push({ session_jwt: login.session_jwt })
    for (const selector of selectors) {
      this.fails(await this.call(E.sessionsAuthenticate, selector), 404, 'session_not_found')
    }
  }

  /**
   * Creates Acme (email JIT RESTRICTED to acme.test), Beta (defaults) and Gamma; unless
   * `members: false`, Alice (active) and Bob (pending) in Acme, Carol in Beta, and the states the
   * API cannot create: a verified Acme member, Alice and Bob invited to Beta.
   */
  async world(options: { members?: boolean } = {}): Promise<World> {
    const acme = (
      await this.ok(E.orgCreate, {
        organization_name: 'Acme Corp',
        organization_slug: 'acme',
        email_jit_provisioning: 'RESTRICTED',
        email_allowed_domains: [ACME_DOMAIN],
      })
    ).organization
    const beta = (
      await this.ok(E.orgCreate, { organization_name: 'Beta Inc', organization_slug: 'beta' })
    ).organization
    const gamma = (await this.ok(E.orgCreate, { organization_name: 'Gamma Org' })).organization
    if (options.members === false)
      return { acme, beta, gamma, aliceAcme: null, bobAcme: null, carolBeta: null }
    const create = E.membersCreate.at(acme.organization_id)
    const aliceAcme = (await this.ok(create, { email_address: ALICE, name: 'Alice' })).member
    const bobAcme = (await this.ok(create, { email_address: BOB, create_member_as_pending: true }))
      .member
    const carolBeta = (await this.ok(E.membersCreate.at('beta'), { email_address: CAROL })).member
    await this.local.seedMember({
      organization_id: acme.organization_id,
      email_address: VERIFIED,
      email_address_verified: true,
    })
    for (const email of [ALICE, BOB]) {
      await this.local.seedMember({
        organization_id: beta.organization_id,
        email_address: email,
        status: 'invited',
      })
    }
    return { acme, beta, gamma, aliceAcme, bobAcme, carolBeta }
  }
}

/** Coverage floor of one suite: its endpoints and minimum counts of checked bodies. */
export interface Floor {
  /** Endpoints whose success body this suite must validate at least once. */
  endpoints: readonly (Endpoint | PathEndpoint | MemberPathEndpoint)[]
  /** Minimum schema-validated responses (success + error). */
  responses: number
  /** Minimum decoded and checked session JWTs. */
  jwts: number
}

/**
 * Coverage floors per suite, raised when coverage grows: a suite fails if a change makes it
 * validate fewer bodies than this. Together they cover every endpoint of index.json (checked in
 * coverage.test.ts).
 */
export const FLOORS = {
  organizations: { endpoints: [E.orgCreate, E.orgGet, E.orgSearch], responses: 45, jwts: 0 },
  admin: {
    endpoints: [
      E.orgUpdate,
      E.orgDelete,
      E.memberUpdate,
      E.memberDelete,
      E.memberReactivate,
      E.membersSearch,
    ],
    responses: 60,
    jwts: 0,
  },
  members: { endpoints: [E.membersCreate, E.memberGet], responses: 57, jwts: 0 },
  'otp-email': { endpoints: [E.loginOrSignup, E.otpAuthenticate], responses: 158, jwts: 6 },
  discovery: {
    endpoints: [
      E.discoverySend,
      E.discoveryAuthenticate,
      E.discoveryList,
      E.discoveryCreate,
      E.istExchange,
    ],
    responses: 151,
    jwts: 8,
  },
  sessions: {
    endpoints: [E.sessionsAuthenticate, E.sessionsExchange, E.sessionsGet, E.sessionsRevoke],
    responses: 217,
    jwts: 31,
  },
  'jwks-rbac': { endpoints: [E.jwks, E.rbacPolicy, E.rbacOrg], responses: 40, jwts: 2 },
  policies: { endpoints: [], responses: 94, jwts: 5 },
  'wire-rules': { endpoints: [], responses: 219, jwts: 6 },
  mfa: {
    endpoints: [
      E.smsSend,
      E.smsAuthenticate,
      E.totpCreate,
      E.totpAuthenticate,
      E.recoveryCodesRecover,
      E.recoveryCodesGet,
      E.recoveryCodesRotate,
    ],
    responses: 60,
    jwts: 0,
  },
} as const satisfies Record<string, Floor>

export type SuiteName = keyof typeof FLOORS

/**
 * Registers a fresh server before each test of the file (closed after it) and, as the file's last
 * test, the coverage floor: the counts may only go up. Returns the current test's kit.
 */
export function conformanceSuite(name: SuiteName): Conformance {
  let current: Conformance | undefined
  beforeEach(async () => {
    const clock = createTestClock(Math.floor(Date.now() / 1000) * 1000)
    const local = await startLocalServer({
      port: 0,
      host: '127.0.0.1',
      now: clock.now,
      store: await keyedMemoryStore(),
    })
    current = new Conformance(local, clock)
  })
  afterEach(async () => {
    await current?.local.close()
    current = undefined
  })
  afterAll(() => {
    const stats = schemaStats()
    console.log(
      `[conformance ${name}] schema-validated responses: ${stats.success + stats.error} ` +
        `(success ${stats.success}, error ${stats.error}); JWT headers ${stats.jwtHeader}, ` +
        `payloads ${stats.jwtPayload}; endpoints with a validated success body: ` +
        `${Object.keys(stats.byEndpoint).length}`,
    )
  })
  // Stands for the current test's kit, so a test reads `c.ok(...)` without fetching it first.
  return new Proxy({} as Conformance, {
    get(_, key) {
      if (!current) throw new Error('the conformance kit is only available inside a test')
      const value = Reflect.get(current, key, current)
      return typeof value === 'function' ? value.bind(current) : value
    },
  })
}

/**
 * The coverage floor of a suite, checked once all its tests have run (in any order); skipped when
 * a filter left some tests out.
 */
export function coverageFloor(name: SuiteName): void {
  const floor: Floor = FLOORS[name]
  afterWholeFile(() => {
    const stats = schemaStats()
    for (const endpoint of floor.endpoints) {
      expect(stats.byEndpoint[endpoint.schema] ?? 0, `${name}: ${endpoint.schema}`).toBeGreaterThan(
        0,
      )
    }
    expect(stats.success + stats.error, `${name}: validated responses`).toBeGreaterThanOrEqual(
      floor.responses,
    )
    expect(stats.jwtPayload, `${name}: checked session JWTs`).toBeGreaterThanOrEqual(floor.jwts)
    expect(stats.jwtHeader).toBe(stats.jwtPayload)
  })
}

/** Every endpoint named in index.json has exactly one descriptor. */
export const DESCRIBED_SCHEMAS: readonly string[] = Object.values(E).map((e) => e.schema)
export { decodeJwt, ENDPOINT_KEYS, expectStytchError }
