// Shared set-up for the local-server suites: a server on an injected clock and login shortcuts.
import { afterEach, beforeEach, expect } from 'vitest'
import { type LocalServer, startLocalServer } from '../../src/local-server/index.js'
import { STYTCH_PATHS, stytchPath } from '../../src/wire/paths.js'
import { createTestClock, type TestClock } from '../helpers/clock.js'
import { lateBound } from '../helpers/late-bound.js'
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

/**
 * Registers hooks that start a harness on `store` before each test, `build` on it, and close it
 * after; returns the built value as the running test sees it.
 */
function harnessPerTest<T extends Harness>(
  store: LocalStoreCase,
  build: (h: Harness) => Promise<T>,
): T {
  const harness = lateBound<T>('the harness')
  let opened: LocalServer | undefined
  beforeEach(async () => {
    const h = await startHarness(store)
    opened = h.local
    harness.set(await build(h))
  })
  afterEach(async () => {
    await opened?.close()
    opened = undefined
    harness.set(undefined)
  })
  return harness.value
}

/**
 * A fresh harness on `store` for each test of the enclosing `describe`, closed after each.
 * @example const h = useHarness(store)
 */
export function useHarness(store: LocalStoreCase): Harness {
  return harnessPerTest(store, async (h) => h)
}

/** The member `useAcme` seeds. */
export const ALICE = 'alice@acme.io'

/** A harness with organization "Acme" (slug `acme`) and its id. */
export interface AcmeHarness extends Harness {
  orgId: string
}

type SeedMember = Parameters<LocalServer['seedMember']>[0]

/**
 * `useHarness(store)` plus organization "Acme" (slug `acme`) with ALICE as an active member;
 * `member` adds to her seed (e.g. roles).
 * @example const h = useAcme(store); await login(h, h.orgId, ALICE)
 */
export function useAcme(
  store: LocalStoreCase,
  member: Omit<SeedMember, 'organization_id' | 'email_address'> = {},
): AcmeHarness {
  return harnessPerTest(store, async (h) => {
    const orgId: string = (await createNamedOrganization(h, 'Acme', 'acme')).organization_id
    h.local.seedMember({ ...member, organization_id: orgId, email_address: ALICE })
    return { ...h, orgId }
  })
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

/** Creates organization `name` with `slug` (and `extra` settings) and returns it. */
export function createNamedOrganization(
  h: Harness,
  name: string,
  slug: string,
  extra: Record<string, unknown> = {},
  // biome-ignore lint/suspicious/noExplicitAny: wire bodies in tests
): Promise<any> {
  return createOrganization(h, { organization_name: name, organization_slug: slug, ...extra })
}

/** Seeds `email` into an organization as an invited member. */
export function invite(h: Harness, organizationId: string, email: string): void {
  h.local.seedMember({ organization_id: organizationId, email_address: email, status: 'invited' })
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
/** A served JWKS key is a public RS256 verification key with the exponent every key here uses. */
export function expectPublicRs256Key(key: unknown): void {
  expect(key).toMatchObject({
    kty: 'RSA',
    use: 'sig',
    key_ops: ['verify'],
    alg: 'RS256',
    e: 'AQAB',
  })
}

export function wrongCode(code: string): string {
  return String((Number(code) + 1) % 1_000_000).padStart(6, '0')
}
