// Koa adapter (2 and 3): translates ctx to the core's CoreRequest/CoreResponse; ctx.state augmentation.
import type { Middleware, ParameterizedContext } from 'koa'
import * as kit from '../core/adapter-kit.js'
import { createAuth, type StytchB2BOptions } from '../index.js'

declare module 'koa' {
  /** `ctx.state.member`, `ctx.state.organization`, `ctx.state.memberSession`, … */
  interface DefaultState extends kit.AuthFields {
    /**
     * Whether the signed-in member's roles grant `action` on `resourceId` in its organization,
     * under the project's RBAC policy; `false` when not signed in. Throws 503
     * `ERR_STYTCH_UNAVAILABLE` when the policy cannot be had.
     * @example if (ctx.state.can('stytch.member', 'delete')) showDeleteButton()
     */
    can(resourceId: string, action: string): boolean
  }
}

export type { Permission, RequireSessionOptions, StytchB2BOptions } from '../index.js'

type Context = ParameterizedContext

/** The middleware returned by `stytchB2B()`, with the core it drives. */
export type StytchB2BMiddleware = Middleware & { auth: kit.AuthCore }

/**
 * Mounts the auth routes under `basePath` and attaches the session of every request that has one.
 * @example app.use(stytchB2B({ projectId, secret }))
 */
export function stytchB2B(options: StytchB2BOptions = {}): StytchB2BMiddleware {
  const auth = createAuth(options)
  const route = kit.createRouter(auth)
  const middleware = async function stytchB2BMiddleware(
    ctx: Context,
    next: () => Promise<unknown>,
  ) {
    const state = kit.beginRequest(auth, ctx, ctx)
    // Session failures come back in `check.failure`, never as a rejection.
    const check = await auth.authenticate(ctx)
    kit.checked(state, check)
    for (const cookie of check.setCookies) ctx.append('Set-Cookie', cookie)
    // ctx.state is a new plain object per request (no prototype to share): one closure each.
    ctx.state.can = (resourceId: string, action: string) => kit.canOf(ctx, resourceId, action)
    kit.attachSession(ctx.state, check)
    const answer = kit.answerOf(route(ctx.method, ctx), runStep, ctx, bodyOf)
    if (answer === undefined) return next()
    send(ctx, await answer)
    return undefined
  }
  return Object.assign(middleware as Middleware, { auth })
}

/**
 * Protects a route: without a valid session it answers 401 JSON (or redirects HTML navigations to
 * `redirectTo`); it can also require an organization or roles. Use after `app.use(stytchB2B())`.
 * @example router.get('/dashboard', requireSession({ redirectTo: '/login' }), handler)
 */
export function requireSession(options: kit.RequireSessionOptions = {}): Middleware {
  const refusalOf = kit.createRequestGuard(options)
  return async function requireStytchSession(ctx: Context, next) {
    const refusal = await refusalOf(ctx)
    if (refusal === undefined) return next()
    send(ctx, refusal)
  }
}

/**
 * The request's verified session JWT as the official SDK's `authorization` method option, so that
 * Stytch checks the member's own permissions on admin calls; `undefined` when not signed in.
 * @example await client.organizations.update({ organization_id, name }, { authorization: memberAuthorization(ctx) })
 */
export function memberAuthorization(ctx: Context): { session_jwt: string } | undefined {
  return kit.memberAuthorizationOf(ctx)
}

/** The auth steps as middleware; each sets cookies and `ctx.state.*`, then awaits `next()`. */
export const {
  sendDiscoveryCode,
  authenticateDiscoveryCode,
  listDiscoveredOrganizations,
  exchangeIntermediateSession,
  createOrganization,
  sendLoginCode,
  authenticateLoginCode,
  exchangeSession,
  revokeSession,
  sendMfaSmsCode,
  authenticateMfaSmsCode,
  createTotpRegistration,
  authenticateTotpCode,
  recoverWithRecoveryCode,
  getRecoveryCodes,
  rotateRecoveryCodes,
} = kit.stepMiddleware(
  (name): Middleware =>
    async function stytchStep(ctx: Context, next) {
      writeHead(ctx, await runStep(ctx, name))
      return next()
    },
)

function bodyOf(ctx: Context): kit.BodySource {
  // @koa/bodyparser leaves `ctx.request.body = {}` and the stream unread for types it skips.
  const parsed = ctx.request as { body?: unknown; rawBody?: unknown }
  return {
    stream: ctx.req,
    contentType: ctx.get('content-type') || undefined,
    alreadyParsed: parsed.rawBody !== undefined || ctx.req.readableEnded,
    parsedBody: parsed.body,
  }
}

function runStep(ctx: Context, name: kit.StepName): Promise<kit.StepResult> {
  return kit.runStep(ctx, name, bodyOf(ctx), ctx.state)
}

function writeHead(ctx: Context, response: kit.CoreResponse): void {
  for (const cookie of response.setCookies) ctx.append('Set-Cookie', cookie)
  ctx.set(response.headers)
}

function send(ctx: Context, response: kit.CoreResponse): void {
  writeHead(ctx, response)
  ctx.status = response.status
  if (kit.isRedirect(response)) {
    // An empty body like Express's res.end(), not Koa's default status text.
    ctx.body = ''
    ctx.remove('Content-Type')
    return
  }
  ctx.body = response.text ?? response.body
}
