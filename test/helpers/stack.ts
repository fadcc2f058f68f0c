// Test stack: local Stytch server on 127.0.0.1:0 (behind a fault proxy), an Express or Koa app using the package, a shared clock.
import type { RequestListener } from 'node:http'
import express from 'express'
import Koa from 'koa'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import type { StytchB2BOptions } from '../../src/express/index.js'
import * as onExpress from '../../src/express/index.js'
import type { AuthCore, RequireSessionOptions } from '../../src/index.js'
import * as onKoa from '../../src/koa/index.js'
import { type LocalServer, startLocalServer } from '../../src/local-server/index.js'
import { STYTCH_PATHS, stytchPath } from '../../src/wire/paths.js'
import { createTestClock, type TestClock } from './clock.js'
import { cookieHeader, setCookiesOf } from './cookies.js'
import { lateBound } from './late-bound.js'
import { callStytch } from './local-api.js'
import { keyedMemoryStore } from './signing-keys.js'
import { startUpstreamProxy, type UpstreamProxy } from './upstream-proxy.js'

/** What a protected test route sees of the request. */
export interface RouteState {
  member?: { memberId: string } | undefined
  organization?: { organizationId: string } | undefined
}

/** An app with `stytchB2B(options)` mounted, driven the same way on every framework. */
export interface TestApp {
  /** The request listener supertest drives (an Express app, or a Koa app's callback). */
  app: RequestListener
  auth: AuthCore
  /** Adds `GET path` behind `requireSession(guard)`; `reply`'s value is the response body. */
  get(path: string, guard: RequireSessionOptions, reply: (state: RouteState) => unknown): void
  /** Trusts `X-Forwarded-Proto` and `X-Forwarded-Host` from the (loopback) test client. */
  trustProxy(): void
}

/** One framework the behaviour suite runs on. */
export interface TestAdapter {
  name: 'express' | 'koa'
  /** The adapter's `stytchB2B(options)`, unmounted. */
  stytchB2B(options?: StytchB2BOptions): { auth: AuthCore }
  /** The adapter's `requireSession(options)`. */
  requireSession(options?: RequireSessionOptions): unknown
  /** A fresh app with `stytchB2B(options)` mounted first. */
  createApp(options?: StytchB2BOptions): TestApp
}

export const EXPRESS: TestAdapter = {
  name: 'express',
  stytchB2B: onExpress.stytchB2B,
  requireSession: onExpress.requireSession,
  createApp(options) {
    const app = express()
    const router = onExpress.stytchB2B(options)
    app.use(router)
    return {
      app,
      auth: router.auth,
      get(path, guard, reply) {
        app.get(path, onExpress.requireSession(guard), (req, res) => {
          res.send(reply({ member: req.member, organization: req.organization }))
        })
      },
      trustProxy: () => app.set('trust proxy', 'loopback'),
    }
  },
}

export const KOA: TestAdapter = {
  name: 'koa',
  stytchB2B: onKoa.stytchB2B,
  requireSession: onKoa.requireSession,
  createApp(options) {
    const app = new Koa()
    const mounted = onKoa.stytchB2B(options)
    const routes = new Map<string, Koa.Middleware>()
    app.use(mounted)
    // A tiny GET router, so routes can be added after the app's middleware is composed.
    app.use(async function testRoutes(ctx, next) {
      const route = ctx.method === 'GET' || ctx.method === 'HEAD' ? routes.get(ctx.path) : undefined
      return route ? route(ctx, next) : next()
    })
    const callback = app.callback()
    return {
      app: callback,
      auth: mounted.auth,
      get(path, guard, reply) {
        const requireSession = onKoa.requireSession(guard)
        routes.set(path, (ctx) =>
          requireSession(ctx, async () => {
            ctx.body = reply({ member: ctx.state.member, organization: ctx.state.organization })
          }),
        )
      },
      trustProxy: () => {
        // One proxy hop, as docs/many-instances.md says: the right-most X-Forwarded-For entry.
        app.proxy = true
        app.maxIpsCount = 1
      },
    }
  },
}

/** The behaviour suite runs once per entry: `describe.each(ADAPTERS)('$name', …)`. */
export const ADAPTERS: readonly TestAdapter[] = [EXPRESS, KOA]

export interface Stack extends TestApp {
  adapter: TestAdapter
  local: LocalServer
  proxy: UpstreamProxy
  clock: TestClock
  /** How many times the protected handler ran. */
  handlerRuns: () => number
  /** Calls to a local-server route, e.g. 'POST /v1/b2b/sessions/authenticate'. */
  upstream: (route: string) => number
  jwksFetches: () => number
  close(): Promise<void>
}

/**
 * Starts the local server and proxy and builds an app on `adapter` with `GET /protected` behind
 * `requireSession()`, answering `{ memberId, organizationId }`.
 */
export async function createStack(
  options: StytchB2BOptions = {},
  adapter: TestAdapter = EXPRESS,
): Promise<Stack> {
  const clock = createTestClock()
  const local = await startLocalServer({ now: clock.now, store: await keyedMemoryStore() })
  const proxy = await startUpstreamProxy(local.url)
  const testApp = adapter.createApp({
    projectId: local.projectId,
    secret: local.secret,
    baseUrl: proxy.url,
    now: clock.now,
    requestTimeoutMs: 3000,
    ...options,
  })
  let runs = 0
  testApp.get('/protected', {}, ({ member, organization }) => {
    runs++
    return { memberId: member?.memberId, organizationId: organization?.organizationId }
  })
  return {
    ...testApp,
    adapter,
    local,
    proxy,
    clock,
    handlerRuns: () => runs,
    upstream: (route) => local.requestCount(route),
    jwksFetches: () => proxy.count(stytchPath('sessionsJwks', { project_id: local.projectId })),
    close: async () => {
      await testApp.auth.close()
      await proxy.close()
      await local.close()
    },
  }
}

export interface SeededOrganization {
  organizationId: string
  slug: string
}

/** Creates an organization through the Stytch API and, optionally, an active member in it. */
export async function seedOrganization(
  local: LocalServer,
  slug: string,
  memberEmail?: string,
  settings: Record<string, unknown> = {},
): Promise<SeededOrganization> {
  const created = await callStytch(local, 'POST', STYTCH_PATHS.organizationsCreate, {
    organization_name: `${slug} Inc`,
    organization_slug: slug,
    ...settings,
  })
  if (created.status !== 200)
    throw new Error(`seeding ${slug} failed: ${JSON.stringify(created.body)}`)
  const organizationId = created.body.organization.organization_id as string
  if (memberEmail) {
    const member = await callStytch(
      local,
      'POST',
      stytchPath('membersCreate', { organization_id: organizationId }),
      {
        email_address: memberEmail,
      },
    )
    if (member.status !== 200)
      throw new Error(`seeding member failed: ${JSON.stringify(member.body)}`)
  }
  return { organizationId, slug }
}

/** The latest code sent to an email, read from the local server's outbox. */
export function latestCode(local: LocalServer, email: string): string {
  const message = local.outbox.latest(email)
  if (!message) throw new Error(`no code was sent to ${email}`)
  return message.code
}

export interface SignedIn {
  /** Cookie header carrying the session. */
  cookie: string
  sessionToken: string
  sessionJwt: string
  setCookies: string[]
}

/**
 * Signs `email` in to `organizationSlug` through the app's mounted org-login endpoints: sends the
 * code, reads it from the outbox, authenticates. `headers` go with both requests.
 */
export async function signIn(
  stack: Pick<Stack, 'app' | 'local'>,
  email: string,
  organizationSlug: string,
  headers: Record<string, string> = {},
): Promise<SignedIn> {
  const { default: request } = await import('supertest')
  const sent = await request(stack.app)
    .post('/auth/otps/email/login_or_signup')
    .set(headers)
    .send({ organization_id: organizationSlug, email_address: email })
  if (sent.status !== 200) throw new Error(`login_or_signup failed: ${JSON.stringify(sent.body)}`)
  const response = await request(stack.app)
    .post('/auth/otps/email/authenticate')
    .set(headers)
    .send({
      organization_id: organizationSlug,
      email_address: email,
      code: latestCode(stack.local, email),
    })
  if (response.status !== 200)
    throw new Error(`authenticate failed: ${JSON.stringify(response.body)}`)
  const setCookies = setCookiesOf(response)
  const value = (name: string) =>
    decodeURIComponent(
      setCookies
        .find((line) => line.startsWith(`${name}=`))
        ?.split(';')[0]
        ?.slice(name.length + 1) ?? '',
    )
  return {
    cookie: cookieHeader(setCookies),
    sessionToken: value('stytch_session'),
    sessionJwt: value('stytch_session_jwt'),
    setCookies,
  }
}

/**
 * Sends a discovery code to `email` through the app and authenticates with it (the response of
 * `POST /auth/otps/email/discovery/authenticate`, whatever its status). `cookie` goes with both.
 */
export async function discover(stack: Pick<Stack, 'app' | 'local'>, email: string, cookie = '') {
  const { default: request } = await import('supertest')
  const sent = await request(stack.app)
    .post('/auth/otps/email/discovery/send')
    .set('cookie', cookie)
    .send({ email_address: email })
  if (sent.status !== 200) throw new Error(`discovery send failed: ${JSON.stringify(sent.body)}`)
  return request(stack.app)
    .post('/auth/otps/email/discovery/authenticate')
    .set('cookie', cookie)
    .send({ email_address: email, code: latestCode(stack.local, email) })
}

export interface UseStackOptions {
  /** `'each'` (default): a fresh stack per test; `'all'`: one for the describe block. */
  scope?: 'each' | 'all'
  /** Organizations (slug → member email, or `undefined` for none) to seed once the stack is up. */
  seed?: Record<string, string | undefined>
}

/**
 * Registers hooks that start a stack on `adapter` before each test (or once, `scope: 'all'`) and
 * close it after; returns the stack as the tests see it.
 * @example const stack = useStack(adapter, {}, { seed: { acme: 'ada@acme.test' } })
 */
export function useStack(
  adapter: TestAdapter = EXPRESS,
  options: StytchB2BOptions = {},
  { scope = 'each', seed = {} }: UseStackOptions = {},
): Stack {
  const stack = lateBound<Stack>('the stack')
  const [before, after] = scope === 'all' ? [beforeAll, afterAll] : [beforeEach, afterEach]
  let built: Stack | undefined
  before(async () => {
    built = await createStack(options, adapter)
    stack.set(built)
    for (const [slug, email] of Object.entries(seed))
      await seedOrganization(built.local, slug, email)
  })
  after(async () => {
    await built?.close()
    built = undefined
    stack.set(undefined)
  })
  return stack.value
}

/**
 * Registers a hook (after `useStack`'s) that signs `email` in to `organizationSlug` before each
 * test, then zeroes the upstream counts, so a test counts only its own calls.
 */
export function useSignedIn(stack: Stack, email: string, organizationSlug: string): SignedIn {
  const signedIn = lateBound<SignedIn>(`${email}'s session`)
  beforeEach(async () => {
    signedIn.set(await signIn(stack, email, organizationSlug))
    stack.local.resetRequestCounts()
  })
  return signedIn.value
}

/**
 * For suites whose tests each need their own options: registers an `afterEach` that closes the
 * stacks a test started, and returns the function that starts one (seeding `seed` as `useStack`).
 * @example const start = useStackFactory(adapter); const stack = await start({ basePath: '/id' })
 */
export function useStackFactory(
  adapter: TestAdapter = EXPRESS,
): (options?: StytchB2BOptions, seed?: Record<string, string | undefined>) => Promise<Stack> {
  const started: Stack[] = []
  afterEach(async () => {
    for (const stack of started.splice(0)) await stack.close()
  })
  return async (options = {}, seed = {}) => {
    const stack = await createStack(options, adapter)
    started.push(stack)
    for (const [slug, email] of Object.entries(seed))
      await seedOrganization(stack.local, slug, email)
    return stack
  }
}
