// A stack for permission tests: the local server with a custom RBAC policy behind the fault proxy, an Express or Koa app with permission-guarded routes and a route answering can().
import type { RequestListener } from 'node:http'
import express from 'express'
import Koa from 'koa'
import { afterAll, afterEach } from 'vitest'
import * as onExpress from '../../../src/express/index.js'
import type { AuthCore, RequireSessionOptions, StytchB2BOptions } from '../../../src/index.js'
import * as onKoa from '../../../src/koa/index.js'
import {
  type LocalServer,
  type RbacPolicyInput,
  startLocalServer,
} from '../../../src/local-server/index.js'
import { STYTCH_PATHS, stytchPath } from '../../../src/wire/paths.js'
import { createTestClock, type TestClock } from '../../helpers/clock.js'
import { callStytch } from '../../helpers/local-api.js'
import { keyedMemoryStore } from '../../helpers/signing-keys.js'
import { seedOrganization } from '../../helpers/stack.js'
import { startUpstreamProxy, type UpstreamProxy } from '../../helpers/upstream-proxy.js'

/** The project's own policy of these tests: two custom resources and three custom roles. */
export const POLICY: RbacPolicyInput = {
  resources: [
    { resource_id: 'documents', actions: ['read', 'write', 'delete'] },
    { resource_id: 'billing', actions: ['view', 'pay'] },
  ],
  roles: [
    { role_id: 'editor', permissions: [{ resource_id: 'documents', actions: ['read', 'write'] }] },
    { role_id: 'doc_admin', permissions: [{ resource_id: 'documents', actions: ['*'] }] },
    { role_id: 'billing_viewer', permissions: [{ resource_id: 'billing', actions: ['view'] }] },
  ],
}

/** Proxy paths of the two policy documents. */
export const POLICY_PATH = STYTCH_PATHS.rbacPolicy
export const orgPolicyPath = (organizationId: string) =>
  stytchPath('rbacOrgPolicy', { organization_id: organizationId })

export interface RbacStack {
  app: RequestListener
  auth: AuthCore
  local: LocalServer
  proxy: UpstreamProxy
  clock: TestClock
  /** Adds `GET path` behind `requireSession(guard)`, answering `{ ok: true }`. */
  guarded(path: string, guard: RequireSessionOptions): void
  /** Runs of the guarded handlers. */
  handlerRuns(): number
}

type Adapter = 'express' | 'koa'

/**
 * Registers an afterEach (`scope: 'all'`: afterAll) closing what it started; returns the starter. Every app also answers
 * `GET /can?r=<resource>&a=<action>` with `{ can }` (`req.can` / `ctx.state.can`) and
 * `GET /authorization` with `memberAuthorization()`.
 */
export function useRbacStacks(
  scope: 'each' | 'all' = 'each',
): (adapter: Adapter, options?: StytchB2BOptions, policy?: RbacPolicyInput) => Promise<RbacStack> {
  const open: Array<() => Promise<void>> = []
  const after = scope === 'all' ? afterAll : afterEach
  after(async () => {
    for (const close of open.splice(0)) await close()
  })
  return async (adapter, options = {}, policy = POLICY) => {
    const clock = createTestClock(Math.floor(Date.now() / 1000) * 1000)
    const local = await startLocalServer({
      now: clock.now,
      rbacPolicy: policy,
      store: await keyedMemoryStore(),
    })
    const proxy = await startUpstreamProxy(local.url)
    const all = {
      projectId: local.projectId,
      secret: local.secret,
      baseUrl: proxy.url,
      now: clock.now,
      requestTimeoutMs: 3000,
      ...options,
    }
    let runs = 0
    const built = adapter === 'express' ? expressApp(all, () => runs++) : koaApp(all, () => runs++)
    open.push(async () => {
      await built.auth.close()
      await proxy.close()
      await local.close()
    })
    return { ...built, local, proxy, clock, handlerRuns: () => runs }
  }
}

function expressApp(options: StytchB2BOptions, ran: () => void) {
  const app = express()
  const mounted = onExpress.stytchB2B(options)
  app.use(mounted)
  app.get('/can', (req, res) => {
    res.json({ can: req.can(String(req.query.r), String(req.query.a)) })
  })
  app.get('/authorization', (req, res) => {
    res.json({ authorization: onExpress.memberAuthorization(req) ?? null })
  })
  return {
    app: app as unknown as RequestListener,
    auth: mounted.auth,
    guarded(path: string, guard: RequireSessionOptions) {
      app.get(path, onExpress.requireSession(guard), (_req, res) => {
        ran()
        res.json({ ok: true })
      })
    },
  }
}

function koaApp(options: StytchB2BOptions, ran: () => void) {
  const app = new Koa()
  // The 503s these tests provoke on purpose are not logged to stderr.
  app.silent = true
  const mounted = onKoa.stytchB2B(options)
  const routes = new Map<string, Koa.Middleware>()
  app.use(mounted)
  app.use(async (ctx, next) => {
    if (ctx.path === '/can') {
      ctx.body = { can: ctx.state.can(String(ctx.query.r), String(ctx.query.a)) }
      return
    }
    if (ctx.path === '/authorization') {
      ctx.body = { authorization: onKoa.memberAuthorization(ctx) ?? null }
      return
    }
    const route = routes.get(ctx.path)
    return route ? route(ctx, next) : next()
  })
  return {
    app: app.callback(),
    auth: mounted.auth,
    guarded(path: string, guard: RequireSessionOptions) {
      const requireSession = onKoa.requireSession(guard)
      routes.set(path, (ctx) =>
        requireSession(ctx, async () => {
          ran()
          ctx.body = { ok: true }
        }),
      )
    },
  }
}

/** Creates `slug` and, for each email, an active member with those extra roles. */
export async function seedMembers(
  local: LocalServer,
  slug: string,
  members: Record<string, string[]>,
  settings: Record<string, unknown> = {},
): Promise<string> {
  const { organizationId } = await seedOrganization(local, slug, undefined, settings)
  for (const [email_address, roles] of Object.entries(members)) {
    const path = stytchPath('membersCreate', { organization_id: organizationId })
    const created = await callStytch(local, 'POST', path, { email_address, roles })
    if (created.status !== 200) throw new Error(`member ${email_address}: ${created.status}`)
  }
  return organizationId
}
