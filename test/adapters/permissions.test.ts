// requireSession({ permission }), req.can / ctx.state.can and memberAuthorization() on both adapters, and the policy cache behind them: one fetch for many requests, stale while Stytch fails, 503 after, never "allow".
import request from 'supertest'
import { describe, expect, test } from 'vitest'
import * as onExpress from '../../src/express/index.js'
import * as onKoa from '../../src/koa/index.js'
import {
  orgPolicyPath,
  POLICY_PATH,
  type RbacStack,
  seedMembers,
  useRbacStacks,
} from '../core/session/rbac-kit.js'
import { signIn } from '../helpers/stack.js'

const DELETE_DOCS = { permission: { resourceId: 'documents', action: 'delete' } }
const READ_DOCS = { permission: { resourceId: 'documents', action: 'read' } }

/** Acme with a plain member, an editor and an admin, all signed in. */
async function acme(stack: RbacStack) {
  const organizationId = await seedMembers(stack.local, 'acme', {
    'pat@acme.test': [],
    'eve@acme.test': ['editor'],
    'ada@acme.test': ['stytch_admin'],
  })
  return {
    organizationId,
    pat: await signIn(stack, 'pat@acme.test', 'acme'),
    eve: await signIn(stack, 'eve@acme.test', 'acme'),
    ada: await signIn(stack, 'ada@acme.test', 'acme'),
  }
}

const get = (stack: RbacStack, path: string, cookie = '') =>
  request(stack.app).get(path).set('cookie', cookie).set('accept', 'application/json')

describe.each(['express', 'koa'] as const)('%s', (adapter) => {
  const start = useRbacStacks()

  test('401 without a session, 403 without the permission, 200 with it; the handler runs only when allowed', async () => {
    const stack = await start(adapter)
    const { pat, eve } = await acme(stack)
    stack.guarded('/docs/read', READ_DOCS)
    stack.guarded('/docs/delete', DELETE_DOCS)
    stack.guarded('/members/delete', {
      permission: { resourceId: 'stytch.member', action: 'delete' },
    })

    const anonymous = await get(stack, '/docs/read')
    expect([anonymous.status, anonymous.body.error.code]).toEqual([401, 'ERR_SESSION_MISSING'])
    const patRead = await get(stack, '/docs/read', pat.cookie)
    expect([patRead.status, patRead.body.error.code]).toEqual([403, 'ERR_PERMISSION_FORBIDDEN'])
    const eveDelete = await get(stack, '/docs/delete', eve.cookie)
    expect([eveDelete.status, eveDelete.body.error.code]).toEqual([403, 'ERR_PERMISSION_FORBIDDEN'])
    const eveMembers = await get(stack, '/members/delete', eve.cookie)
    expect(eveMembers.status).toBe(403)
    expect(stack.handlerRuns()).toBe(0)

    const eveRead = await get(stack, '/docs/read', eve.cookie)
    expect([eveRead.status, eveRead.body]).toEqual([200, { ok: true }])
    expect(stack.handlerRuns()).toBe(1)
  })

  test('can() answers per role, false when signed out; memberAuthorization() is the verified JWT', async () => {
    const stack = await start(adapter)
    const { pat, ada } = await acme(stack)
    const can = async (cookie: string, r: string, a: string) =>
      (await get(stack, `/can?r=${r}&a=${a}`, cookie)).body.can
    expect(await can('', 'stytch.self', 'delete')).toBe(false)
    expect(await can(pat.cookie, 'stytch.self', 'delete')).toBe(true)
    expect(await can(pat.cookie, 'stytch.member', 'delete')).toBe(false)
    expect(await can(ada.cookie, 'stytch.member', 'delete')).toBe(true)
    expect(await can(ada.cookie, 'stytch.organization', 'update.settings.mfa-policy')).toBe(true)
    expect(await can(ada.cookie, 'documents', 'read')).toBe(false)

    expect((await get(stack, '/authorization')).body).toEqual({ authorization: null })
    const own = await get(stack, '/authorization', ada.cookie)
    expect(own.body).toEqual({ authorization: { session_jwt: ada.sessionJwt } })
  })

  test('one policy fetch (and one per organization) serves many requests', async () => {
    const stack = await start(adapter)
    const { organizationId, eve, pat } = await acme(stack)
    stack.guarded('/docs/read', READ_DOCS)
    for (let i = 0; i < 5; i++) {
      expect((await get(stack, '/docs/read', eve.cookie)).status).toBe(200)
      expect((await get(stack, '/docs/read', pat.cookie)).status).toBe(403)
      expect((await get(stack, '/can?r=documents&a=write', eve.cookie)).body.can).toBe(true)
    }
    expect(stack.proxy.count(POLICY_PATH)).toBe(1)
    expect(stack.proxy.count(orgPolicyPath(organizationId))).toBe(1)
    expect(stack.auth.stats().rbacPolicy).toEqual({
      policyFetches: 1,
      organizationFetches: 1,
      failures: 0,
    })
  })

  test('Stytch failing: the stale policy is used within the window, then 503 and the handler never runs', async () => {
    const stack = await start(adapter, {
      rbacPolicy: { freshSeconds: 10, staleIfErrorSeconds: 30 },
    })
    const { eve } = await acme(stack)
    stack.guarded('/docs/read', READ_DOCS)
    expect((await get(stack, '/docs/read', eve.cookie)).status).toBe(200)
    stack.proxy.setFault('/v1/b2b/rbac/', { kind: 'status', status: 500 })

    stack.clock.advance(20_000)
    expect((await get(stack, '/docs/read', eve.cookie)).status).toBe(200)
    expect((await get(stack, '/can?r=documents&a=read', eve.cookie)).body.can).toBe(true)
    expect(stack.handlerRuns()).toBe(2)

    stack.clock.advance(25_000)
    const closed = await get(stack, '/docs/read', eve.cookie)
    expect([closed.status, closed.body.error.code]).toEqual([503, 'ERR_STYTCH_UNAVAILABLE'])
    expect((await get(stack, '/can?r=documents&a=read', eve.cookie)).status).toBe(503)
    expect(stack.handlerRuns()).toBe(2)

    // Back up: the next request past the retry cooldown fetches again and is answered.
    stack.proxy.setFault('/v1/b2b/rbac/', undefined)
    stack.clock.advance(2000)
    expect((await get(stack, '/docs/read', eve.cookie)).status).toBe(200)
  })

  test('an oversized policy answer is refused: 503, never allow', async () => {
    // Stytch's default resources alone are larger than 1 KiB.
    const stack = await start(adapter, { rbacPolicy: { maxBytes: 1024 } })
    const { ada } = await acme(stack)
    stack.guarded('/members/delete', {
      permission: { resourceId: 'stytch.member', action: 'delete' },
    })
    const answer = await get(stack, '/members/delete', ada.cookie)
    expect([answer.status, answer.body.error.code]).toEqual([503, 'ERR_STYTCH_UNAVAILABLE'])
    expect(stack.handlerRuns()).toBe(0)
    expect(stack.auth.stats().rbacPolicy?.failures).toBeGreaterThan(0)
  })

  test('a policy answer slower than its deadline is refused: 503, never allow', async () => {
    const stack = await start(adapter, { rbacPolicy: { timeoutMs: 150 } })
    const { ada } = await acme(stack)
    stack.guarded('/members/delete', {
      permission: { resourceId: 'stytch.member', action: 'delete' },
    })
    stack.proxy.setFault(POLICY_PATH, { kind: 'drip', intervalMs: 20 })
    const answer = await get(stack, '/members/delete', ada.cookie)
    expect([answer.status, answer.body.error.code]).toEqual([503, 'ERR_STYTCH_UNAVAILABLE'])
    expect((await get(stack, '/can?r=stytch.member&a=delete', ada.cookie)).status).toBe(503)
    expect(stack.handlerRuns()).toBe(0)
  })

  test('a malformed permission option fails at start-up', () => {
    const requireSession = adapter === 'express' ? onExpress.requireSession : onKoa.requireSession
    for (const permission of [{ resourceId: '', action: 'read' }, { resourceId: 'documents' }]) {
      expect(() => requireSession({ permission } as never)).toThrow(TypeError)
    }
  })
})
