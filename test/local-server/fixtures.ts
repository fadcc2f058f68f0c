// Shared set-up for the local-server suites: a server on an injected clock and login shortcuts.
import { type LocalServer, startLocalServer } from '../../src/local-server/index.js'
import { STYTCH_PATHS, stytchPath } from '../../src/wire/paths.js'
import { createTestClock, type TestClock } from '../helpers/clock.js'
import { callStytch, type StytchCallResult } from '../helpers/local-api.js'
import { LOCAL_STORES, type LocalStoreCase } from '../helpers/local-stores.js'

// Short names for the paths of the one table in src/wire/paths.ts; the schema index in
// test/fixtures pins that table to the documented endpoints (test/wire/paths.test.ts).
export const P = {
  loginOrSignup: STYTCH_PATHS.otpEmailLoginOrSignup,
  otpAuthenticate: STYTCH_PATHS.otpEmailAuthenticate,
  discoverySend: STYTCH_PATHS.otpEmailDiscoverySend,
  discoveryAuthenticate: STYTCH_PATHS.otpEmailDiscoveryAuthenticate,
  discoveryList: STYTCH_PATHS.discoveryOrganizations,
  discoveryCreate: STYTCH_PATHS.discoveryOrganizationsCreate,
  istExchange: STYTCH_PATHS.discoveryIntermediateSessionsExchange,
  sessionsAuthenticate: STYTCH_PATHS.sessionsAuthenticate,
  sessionsRevoke: STYTCH_PATHS.sessionsRevoke,
  sessionsExchange: STYTCH_PATHS.sessionsExchange,
  sessionsGet: STYTCH_PATHS.sessionsGet,
  jwks: (projectId: string) => stytchPath('sessionsJwks', { project_id: projectId }),
  orgCreate: STYTCH_PATHS.organizationsCreate,
  org: (id: string) => stytchPath('organizationsGet', { organization_id: id }),
  orgSearch: STYTCH_PATHS.organizationsSearch,
  membersCreate: (id: string) => stytchPath('membersCreate', { organization_id: id }),
  memberGet: (id: string) => stytchPath('membersGet', { organization_id: id }),
  member: (organizationId: string, memberId: string) =>
    stytchPath('membersUpdate', { organization_id: organizationId, member_id: memberId }),
  memberReactivate: (organizationId: string, memberId: string) =>
    stytchPath('membersReactivate', { organization_id: organizationId, member_id: memberId }),
  membersSearch: STYTCH_PATHS.membersSearch,
  rbacPolicy: STYTCH_PATHS.rbacPolicy,
  rbacOrg: (id: string) => stytchPath('rbacOrgPolicy', { organization_id: id }),
} as const

export interface Harness {
  local: LocalServer
  clock: TestClock
  call(method: string, path: string, body?: unknown): Promise<StytchCallResult>
  post(path: string, body?: unknown): Promise<StytchCallResult>
}

/**
 * Starts a server whose clock only moves when the test says so, on `store` (in memory unless
 * told); `local.close()` also removes the store's data dir.
 */
export async function startHarness(
  store: LocalStoreCase = LOCAL_STORES[0] as LocalStoreCase,
): Promise<Harness> {
  const clock = createTestClock(Date.UTC(2030, 0, 1))
  const { options, cleanup } = await store.prepare()
  const started = await startLocalServer({ ...options, now: clock.now })
  const local: LocalServer = {
    ...started,
    close: async () => {
      await started.close()
      await cleanup()
    },
  }
  const call = (method: string, path: string, body?: unknown) =>
    callStytch(local, method, path, body)
  return { local, clock, call, post: (path, body) => call('POST', path, body) }
}

/** Creates an organization (200 expected) and returns it. */
export async function createOrganization(
  h: Harness,
  body: Record<string, unknown>,
  // biome-ignore lint/suspicious/noExplicitAny: wire bodies in tests
): Promise<any> {
  const res = await h.post(P.orgCreate, body)
  if (res.status !== 200) throw new Error(`org create failed: ${JSON.stringify(res.body)}`)
  return res.body.organization
}

/** Sends an org-scoped OTP and returns the code from the outbox. */
export async function sendOrgOtp(
  h: Harness,
  organizationId: string,
  email: string,
): Promise<string> {
  const res = await h.post(P.loginOrSignup, {
    organization_id: organizationId,
    email_address: email,
  })
  if (res.status !== 200) throw new Error(`login_or_signup failed: ${JSON.stringify(res.body)}`)
  const message = h.local.outbox.latest(email)
  if (message === undefined) throw new Error('no OTP in the outbox')
  return message.code
}

/** Sends a discovery OTP and returns the code. */
export async function sendDiscoveryOtp(h: Harness, email: string): Promise<string> {
  const res = await h.post(P.discoverySend, { email_address: email })
  if (res.status !== 200) throw new Error(`discovery send failed: ${JSON.stringify(res.body)}`)
  const message = h.local.outbox.latest(email, 'discovery')
  if (message === undefined) throw new Error('no discovery OTP in the outbox')
  return message.code
}

/** Full org-scoped OTP login of an existing member; returns the authenticate body. */
export async function login(
  h: Harness,
  organizationId: string,
  email: string,
  extra: Record<string, unknown> = {},
): Promise<StytchCallResult> {
  const code = await sendOrgOtp(h, organizationId, email)
  return h.post(P.otpAuthenticate, {
    organization_id: organizationId,
    email_address: email,
    code,
    ...extra,
  })
}

/** Discovery OTP login; returns the IST. */
export async function discoveryIst(h: Harness, email: string): Promise<StytchCallResult> {
  const code = await sendDiscoveryOtp(h, email)
  return h.post(P.discoveryAuthenticate, { email_address: email, code })
}

/** A six-digit code different from `code`. */
export function wrongCode(code: string): string {
  return String((Number(code) + 1) % 1_000_000).padStart(6, '0')
}
