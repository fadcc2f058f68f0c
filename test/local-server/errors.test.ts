// Bad input on every endpoint: each answer is the Stytch envelope with the exact status and type.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { basicAuth, callStytch } from '../helpers/local-api.js'
import { createOrganization, type Harness, P, startHarness } from './fixtures.js'

let h: Harness
let orgId: string

beforeAll(async () => {
  h = await startHarness()
  orgId = (await createOrganization(h, { organization_name: 'Acme', organization_slug: 'acme' }))
    .organization_id
})
afterAll(async () => {
  await h.local.close()
})

const POSTS = [
  '/v1/b2b/otps/email/login_or_signup',
  '/v1/b2b/otps/email/authenticate',
  '/v1/b2b/otps/email/discovery/send',
  '/v1/b2b/otps/email/discovery/authenticate',
  '/v1/b2b/discovery/organizations',
  '/v1/b2b/discovery/organizations/create',
  '/v1/b2b/discovery/intermediate_sessions/exchange',
  '/v1/b2b/sessions/authenticate',
  '/v1/b2b/sessions/revoke',
  '/v1/b2b/sessions/exchange',
  '/v1/b2b/organizations',
  '/v1/b2b/organizations/search',
  '/v1/b2b/organizations/ORG/members',
]
const GETS = [
  '/v1/b2b/sessions?organization_id=ORG&member_id=x',
  '/v1/b2b/organizations/ORG',
  '/v1/b2b/organizations/ORG/member?member_id=x',
  '/v1/b2b/rbac/policy',
  '/v1/b2b/rbac/organizations/ORG',
]
const withOrg = (path: string) => path.replace('ORG', orgId)

function expectEnvelope(body: unknown, status: number, errorType: string): void {
  expect(body).toEqual({
    status_code: status,
    request_id: expect.stringMatching(/^request-id-test-[0-9a-f-]{36}$/),
    error_type: errorType,
    error_message: expect.any(String),
    error_url: `https://stytch.com/docs/api-reference/b2b/api/errors/${status}#${errorType}`,
  })
  expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/) // no stack trace
}

describe('credentials', () => {
  it.each([...POSTS.map((p) => ['POST', p]), ...GETS.map((p) => ['GET', p])])(
    '%s %s without or with wrong Basic auth → 401 unauthorized_credentials',
    async (method, path) => {
      for (const authorization of [
        null,
        basicAuth(h.local.projectId, 'wrong'),
        basicAuth('project-test-other', h.local.secret),
        'Bearer x',
      ]) {
        const body = method === 'POST' ? {} : undefined
        const res = await callStytch(h.local, method, withOrg(path), body, { authorization })
        expect(res.status).toBe(401)
        expectEnvelope(res.body, 401, 'unauthorized_credentials')
        expect(res.body.error_message).toBe('Unauthorized credentials.')
      }
    },
  )

  it('the JWKS needs no credentials and ignores wrong ones', async () => {
    const path = `/v1/b2b/sessions/jwks/${h.local.projectId}`
    const res = await callStytch(h.local, 'GET', path, undefined, { authorization: 'Basic bad' })
    expect(res.status).toBe(200)
  })
})

describe('request bodies', () => {
  it.each(POSTS)('POST %s with malformed JSON → 400 bad_request', async (path) => {
    for (const rawBody of ['{"a":', '[1,2]', '"text"', 'null']) {
      const res = await callStytch(h.local, 'POST', withOrg(path), undefined, { rawBody })
      expect(res.status).toBe(400)
      expectEnvelope(res.body, 400, 'bad_request')
    }
  })

  it.each(POSTS)('POST %s over 1 MB → 413 request_too_large', async (path) => {
    const rawBody = JSON.stringify({ email_address: 'a@b.io', pad: 'x'.repeat(1024 * 1024 + 10) })
    const res = await callStytch(h.local, 'POST', withOrg(path), undefined, { rawBody })
    expect(res.status).toBe(413)
    expectEnvelope(res.body, 413, 'request_too_large')
  })

  it('ignores unknown fields', async () => {
    const res = await h.post('/v1/b2b/otps/email/discovery/send', {
      email_address: 'a@b.io',
      something_new: { nested: true },
    })
    expect(res.status).toBe(200)
  })
})

describe('missing and wrongly typed fields', () => {
  // The paths come from the one table in src/wire/paths.ts; 'ORG' stands for the test's organization.
  const login = { organization_id: 'ORG', email_address: 'a@b.io' }
  const ist = { intermediate_session_token: 'x' }
  const search = (operand: Record<string, unknown>) => ({
    query: { operator: 'AND', operands: [operand] },
  })
  const members = P.membersCreate('ORG')
  const cases: [string, Record<string, unknown>, number, string][] = [
    [P.loginOrSignup, { email_address: 'a@b.io' }, 400, 'bad_request'],
    [P.loginOrSignup, { organization_id: 'ORG' }, 400, 'bad_request'],
    [P.loginOrSignup, { ...login, organization_id: 7 }, 400, 'bad_request'],
    [P.loginOrSignup, { ...login, email_address: 'nope' }, 400, 'invalid_email'],
    [P.loginOrSignup, { ...login, locale: 'xx' }, 400, 'invalid_locale'],
    [P.loginOrSignup, { ...login, organization_id: 'missing' }, 404, 'organization_not_found'],
    [P.otpAuthenticate, login, 400, 'bad_request'],
    [P.otpAuthenticate, { ...login, code: 123456 }, 400, 'bad_request'],
    [P.otpAuthenticate, { ...login, code: '1', session_custom_claims: 'x' }, 400, 'bad_request'],
    [
      P.otpAuthenticate,
      { ...login, code: '1', intermediate_session_token: 'nope' },
      404,
      'intermediate_session_not_found',
    ],
    [P.discoverySend, {}, 400, 'bad_request'],
    [P.discoverySend, { email_address: ['a@b.io'] }, 400, 'bad_request'],
    [
      P.discoverySend,
      { email_address: 'a@b.io', discovery_expiration_minutes: 20 },
      400,
      'invalid_expiration_otp',
    ],
    [P.discoveryAuthenticate, { email_address: 'a@b.io' }, 400, 'bad_request'],
    [P.discoveryList, { intermediate_session_token: 5 }, 400, 'bad_request'],
    [P.discoveryCreate, {}, 400, 'bad_request'],
    [
      P.discoveryCreate,
      { ...ist, organization_slug: 'bad slug' },
      400,
      'invalid_organization_slug',
    ],
    [
      P.discoveryCreate,
      { ...ist, email_allowed_domains: ['gmail.com'] },
      400,
      'organization_settings_domain_too_common',
    ],
    [P.discoveryCreate, { ...ist, mfa_policy: 'SOMETIMES' }, 400, 'bad_request'],
    [P.istExchange, ist, 400, 'bad_request'],
    [P.istExchange, { ...ist, organization_id: 'ORG' }, 404, 'intermediate_session_not_found'],
    [P.sessionsAuthenticate, { session_token: true }, 400, 'bad_request'],
    [P.sessionsAuthenticate, { session_token: 'unknown' }, 404, 'session_not_found'],
    [
      P.sessionsAuthenticate,
      { session_token: 'x', authorization_check: { organization_id: 'ORG' } },
      400,
      'bad_request',
    ],
    [P.sessionsRevoke, { member_session_id: 'session-test-unknown' }, 404, 'session_not_found'],
    [P.sessionsRevoke, { member_id: 1 }, 400, 'bad_request'],
    [P.sessionsExchange, { session_token: 'x' }, 400, 'bad_request'],
    [P.sessionsExchange, { organization_id: 'ORG' }, 400, 'no_session_arguments'],
    [P.orgCreate, {}, 400, 'organization_name_missing'],
    [P.orgCreate, { organization_name: 'x'.repeat(129) }, 400, 'invalid_organization_name'],
    [
      P.orgCreate,
      { organization_name: 'N', organization_slug: 'acme' },
      400,
      'organization_slug_already_used',
    ],
    [P.orgCreate, { organization_name: 'N', claimed_email_domains: 'x.io' }, 400, 'bad_request'],
    [P.orgSearch, { limit: 0 }, 400, 'bad_request'],
    [P.orgSearch, { cursor: 'garbage' }, 400, 'bad_request'],
    [P.orgSearch, search({ filter_name: 'nope', filter_value: [] }), 400, 'bad_request'],
    [
      P.orgSearch,
      search({ filter_name: 'organization_name_fuzzy', filter_value: 'ab' }),
      400,
      'bad_request',
    ],
    [members, {}, 400, 'bad_request'],
    [members, { email_address: 'a@b.io', roles: ['nope'] }, 400, 'role_not_found'],
    [members, { email_address: 'a@b.io', mfa_phone_number: '123' }, 400, 'invalid_phone_number'],
    [members, { email_address: 'a@b.io', create_member_as_pending: 'yes' }, 400, 'bad_request'],
    [P.membersCreate('missing'), { email_address: 'a@b.io' }, 404, 'organization_not_found'],
  ]
  it.each(cases)('POST %s %j → %i %s', async (path, body, status, errorType) => {
    const patched = JSON.parse(JSON.stringify(body).replaceAll('"ORG"', JSON.stringify(orgId)))
    const res = await h.post(withOrg(path), patched)
    expect(res.status).toBe(status)
    expectEnvelope(res.body, status, errorType)
  })

  it.each([
    ['/v1/b2b/sessions?organization_id=ORG', 400, 'bad_request'],
    ['/v1/b2b/sessions?organization_id=ORG&member_id=member-test-x', 404, 'member_not_found'],
    ['/v1/b2b/organizations/missing', 404, 'organization_not_found'],
    ['/v1/b2b/organizations/ORG/member', 400, 'bad_request'],
    ['/v1/b2b/organizations/ORG/member?email_address=nobody@acme.io', 404, 'member_not_found'],
    ['/v1/b2b/rbac/organizations/missing', 404, 'organization_not_found'],
  ])('GET %s → %i %s', async (path, status, errorType) => {
    const res = await h.call('GET', withOrg(path))
    expect(res.status).toBe(status)
    expectEnvelope(res.body, status, errorType as string)
  })

  it('duplicate member email → 400 duplicate_member_email', async () => {
    const path = `/v1/b2b/organizations/${orgId}/members`
    expect((await h.post(path, { email_address: 'dup@acme.io' })).status).toBe(200)
    const res = await h.post(path, { email_address: 'DUP@acme.io' })
    expectEnvelope(res.body, 400, 'duplicate_member_email')
  })
})

describe('routing', () => {
  it.each([
    ['GET', '/'],
    ['POST', '/v1/b2b/otps/email/login'],
    ['GET', '/v1/b2b/discovery/organizations/list'],
    ['POST', '/v1/b2b/sessions/authenticate/'],
    ['GET', '/v1/b2b/organizations/a/b/c'],
  ])('%s %s → 404 route_not_found', async (method, path) => {
    const res = await h.call(method, path)
    expect(res.status).toBe(404)
    expectEnvelope(res.body, 404, 'route_not_found')
  })

  it.each([
    ['GET', '/v1/b2b/sessions/authenticate', 'POST'],
    ['PUT', '/v1/b2b/otps/email/login_or_signup', 'POST'],
    ['PATCH', '/v1/b2b/organizations/ORG', 'GET, PUT, DELETE'],
    ['GET', '/v1/b2b/organizations/ORG/members/MEMBER', 'PUT, DELETE'],
    ['POST', '/v1/b2b/sessions/jwks/x', 'GET'],
    ['PATCH', '/v1/b2b/organizations', 'POST'],
  ])('%s %s → 405 method_not_allowed', async (method, path, allow) => {
    const res = await h.call(method, withOrg(path))
    expect(res.status).toBe(405)
    expectEnvelope(res.body, 405, 'method_not_allowed')
    expect(res.headers.get('allow')).toBe(allow)
  })

  it('counts the requests that reached each route', async () => {
    h.local.resetRequestCounts()
    await h.post('/v1/b2b/sessions/authenticate', {})
    await callStytch(h.local, 'POST', '/v1/b2b/sessions/authenticate', {}, { authorization: null })
    await fetch(`${h.local.url}/v1/b2b/sessions/jwks/${h.local.projectId}`)
    expect(h.local.requestCount('POST /v1/b2b/sessions/authenticate')).toBe(2)
    expect(h.local.requestCount('GET /v1/b2b/sessions/jwks/{project_id}')).toBe(1)
    h.local.resetRequestCounts()
    expect(h.local.requestCount('POST /v1/b2b/sessions/authenticate')).toBe(0)
  })
})
