// Koa adapter (2 and 3): translates ctx to the core's AuthRequest/AuthResponse; ctx.state augmentation.
import type { Middleware, ParameterizedContext } from 'koa'
import {
  type Auth,
  type AuthRequest,
  type AuthResponse,
  attachSession,
  createGuard,
  createRouter,
  failureAnswer,
  notMounted,
  type RequestFields,
  type RequireSessionOptions,
  requestFields,
  type SessionCheck,
  type StepName,
  stepMiddleware,
} from '../core/adapter-kit.js'
import { createAuth, type StytchB2BOptions } from '../index.js'

declare module 'koa' {
  /** `ctx.state.member`, `ctx.state.organization`, `ctx.state.memberSession`, … */
  interface DefaultState extends RequestFields {}
}

export type { RequireSessionOptions, StytchB2BOptions } from '../index.js'

const AUTH = Symbol.for('stytch-b2b-middleware.auth')
const CHECK = Symbol.for('stytch-b2b-middleware.session-check')
type Context = ParameterizedContext & { [AUTH]?: Auth; [CHECK]?: SessionCheck }

/** The middleware returned by `stytchB2B()`, with the core it drives. */
export type StytchB2BMiddleware = Middleware & { auth: Auth }

/**
 * Mounts the auth routes under `basePath` and attaches the session of every request that has one.
 * @example app.use(stytchB2B({ projectId, secret }))
 */
export function stytchB2B(options: StytchB2BOptions = {}): StytchB2BMiddleware {
  const auth = createAuth(options)
  const route = createRouter(auth.config.basePath)
  const middleware = async function stytchB2BMiddleware(
    ctx: Context,
    next: () => Promise<unknown>,
  ) {
    ctx[AUTH] = auth
    // Session failures come back in `check.failure`, never as a rejection.
    const check = await auth.authenticate(toAuthRequest(ctx))
    ctx[CHECK] = check
    for (const cookie of check.setCookies) ctx.append('Set-Cookie', cookie)
    attachSession(ctx.state, check)
    const target = route(ctx.method, ctx.path)
    if (target === undefined) return next()
    if ('answer' in target) return send(ctx, target.answer)
    try {
      send(ctx, await runStep(ctx, target.step))
    } catch (error) {
      send(ctx, failureAnswer(error) ?? rethrow(error))
    }
    return undefined
  }
  return Object.assign(middleware as Middleware, { auth })
}

/**
 * Protects a route: without a valid session it answers 401 JSON (or redirects HTML navigations to
 * `redirectTo`); it can also require an organization or roles. Use after `app.use(stytchB2B())`.
 * @example router.get('/dashboard', requireSession({ redirectTo: '/login' }), handler)
 */
export function requireSession(options: RequireSessionOptions = {}): Middleware {
  const guard = createGuard(options)
  return async function requireStytchSession(ctx: Context, next) {
    const check = ctx[CHECK]
    if (check === undefined) throw notMounted('requireSession()')
    const refusal = guard(toAuthRequest(ctx), check)
    if (refusal === undefined) return next()
    send(ctx, refusal)
  }
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
} = stepMiddleware(
  (name): Middleware =>
    async function stytchStep(ctx: Context, next) {
      writeHead(ctx, await runStep(ctx, name))
      return next()
    },
)

async function runStep(ctx: Context, name: StepName) {
  const auth = ctx[AUTH]
  const check = ctx[CHECK]
  if (auth === undefined || check === undefined) throw notMounted(`${name}()`)
  // @koa/bodyparser leaves `ctx.request.body = {}` and the stream unread for types it skips.
  const parsed = ctx.request as { body?: unknown; rawBody?: unknown }
  const body = {
    stream: ctx.req,
    contentType: ctx.get('content-type') || undefined,
    alreadyParsed: parsed.rawBody !== undefined || ctx.req.readableEnded,
    parsedBody: parsed.body,
  }
  const result = await auth.runStep(name, toAuthRequest(ctx), body, check)
  Object.assign(ctx.state, requestFields(result.state))
  return result
}

function toAuthRequest(ctx: Context): AuthRequest {
  return {
    method: ctx.method,
    url: ctx.originalUrl,
    headers: ctx.headers,
    // Lazy: Koa computes these through its proxy settings, and most requests never need them.
    get https() {
      return ctx.secure
    },
    get hostname() {
      return ctx.hostname
    },
  }
}

function writeHead(ctx: Context, response: AuthResponse): void {
  for (const cookie of response.setCookies) ctx.append('Set-Cookie', cookie)
  ctx.set(response.headers)
}

function send(ctx: Context, response: AuthResponse): void {
  writeHead(ctx, response)
  ctx.status = response.status
  if (response.status >= 300 && response.status < 400) {
    // An empty body like Express's res.end(), not Koa's default status text.
    ctx.body = ''
    ctx.remove('Content-Type')
    return
  }
  ctx.body = response.body
}

function rethrow(error: unknown): never {
  throw error
}
