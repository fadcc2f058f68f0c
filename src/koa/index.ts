// Koa adapter (2 and 3): translates ctx to the core's AuthRequest/AuthResponse; ctx.state augmentation.
import type { Middleware, ParameterizedContext } from 'koa'
import {
  type Auth,
  type AuthRequest,
  type AuthResponse,
  createAuth,
  createGuard,
  errorResponse,
  isAuthError,
  matchStep,
  type RequestAuth,
  type RequestFields,
  type RequireSessionOptions,
  requestBody,
  requestFields,
  type StepName,
  type StepResult,
  type StytchB2BOptions,
} from '../index.js'

declare module 'koa' {
  /** `ctx.state.member`, `ctx.state.organization`, `ctx.state.memberSession`, … */
  interface DefaultState extends RequestFields {}
}

export type { RequireSessionOptions, StytchB2BOptions } from '../index.js'

const AUTH = Symbol.for('stytch-b2b-middleware.auth')
const REQUEST_AUTH = Symbol.for('stytch-b2b-middleware.request-auth')

type Context = ParameterizedContext & { [AUTH]?: Auth; [REQUEST_AUTH]?: RequestAuth }

/** The middleware returned by `stytchB2B()`, with the core it drives. */
export type StytchB2BMiddleware = Middleware & { auth: Auth }

/**
 * Mounts the auth routes under `basePath` and attaches the session of every request that has one.
 * @example app.use(stytchB2B({ projectId, secret }))
 */
export function stytchB2B(options: StytchB2BOptions = {}): StytchB2BMiddleware {
  const auth = createAuth(options)

  const middleware = async function stytchB2BMiddleware(
    ctx: Context,
    next: () => Promise<unknown>,
  ): Promise<unknown> {
    ctx[AUTH] = auth
    // Session failures come back in `found.failure`, never as a rejection.
    const request = toAuthRequest(ctx)
    const found = auth.authenticateSync(request) ?? (await auth.authenticate(request))
    ctx[REQUEST_AUTH] = found
    for (const cookie of found.setCookies) ctx.append('Set-Cookie', cookie)
    ctx.state.member = found.session?.member
    ctx.state.organization = found.session?.organization
    ctx.state.memberSession = found.session?.memberSession
    const match = matchStep(auth.config.basePath, ctx.method, ctx.path)
    if (match === undefined) return next()
    const { step, allowed } = match
    if (!allowed) {
      ctx.set('Allow', step.method)
      ctx.status = 405
      ctx.body = { error: { code: 'ERR_INVALID_INPUT', message: `Use ${step.method}.` } }
      return undefined
    }
    try {
      const result = await runStep(ctx, step.name)
      ctx.status = result.status
      ctx.body = result.body
    } catch (error) {
      if (!isAuthError(error)) throw error
      send(ctx, errorResponse(error))
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
    const found = ctx[REQUEST_AUTH]
    if (found === undefined) throw notMounted('requireSession()')
    const refusal = guard(toAuthRequest(ctx), found)
    if (refusal === undefined) return next()
    send(ctx, refusal)
  }
}

/**
 * Runs one auth step as middleware: validates the body, calls Stytch, sets cookies and attaches
 * the result to `ctx.state` (`ctx.state.member`, `ctx.state.discoveredOrganizations`, …) for the
 * next middleware. Failures are thrown as `AuthError`s with a stable `code`, `status` and `expose`.
 */
function stepMiddleware(name: StepName): Middleware {
  return async function stytchStep(ctx: Context, next) {
    await runStep(ctx, name)
    return next()
  }
}

async function runStep(ctx: Context, name: StepName): Promise<StepResult> {
  const auth = ctx[AUTH]
  const found = ctx[REQUEST_AUTH]
  if (auth === undefined || found === undefined) throw notMounted(`${name}()`)
  const result = await auth.runStep(name, toAuthRequest(ctx), await bodyOf(ctx, auth), found)
  for (const cookie of result.setCookies) ctx.append('Set-Cookie', cookie)
  ctx.set('Cache-Control', 'no-store')
  Object.assign(ctx.state, requestFields(result.state))
  return result
}

/** POST {basePath}/otps/email/discovery/send as middleware. */
export const sendDiscoveryCode = (): Middleware => stepMiddleware('sendDiscoveryCode')
/** Discovery code check as middleware; sets `ctx.state.discoveredOrganizations`. */
export const authenticateDiscoveryCode = (): Middleware =>
  stepMiddleware('authenticateDiscoveryCode')
/** Lists discovered organizations into `ctx.state.discoveredOrganizations`. */
export const listDiscoveredOrganizations = (): Middleware =>
  stepMiddleware('listDiscoveredOrganizations')
/** Enters the organization in `organization_id` with the intermediate session; sets `ctx.state.member`. */
export const exchangeIntermediateSession = (): Middleware =>
  stepMiddleware('exchangeIntermediateSession')
/** Creates an organization from the intermediate session and signs in; sets `ctx.state.member`. */
export const createOrganization = (): Middleware => stepMiddleware('createOrganization')
/** Sends an organization login code. */
export const sendLoginCode = (): Middleware => stepMiddleware('sendLoginCode')
/** Signs in to an organization with a code; sets `ctx.state.member`. */
export const authenticateLoginCode = (): Middleware => stepMiddleware('authenticateLoginCode')
/** Switches the signed-in member to the organization in `organization_id`. */
export const exchangeSession = (): Middleware => stepMiddleware('exchangeSession')
/** Logs out: revokes the session upstream and clears every cookie, even when Stytch fails. */
export const revokeSession = (): Middleware => stepMiddleware('revokeSession')

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

function bodyOf(ctx: Context, auth: Auth): Promise<Record<string, unknown>> {
  // @koa/bodyparser leaves `ctx.request.body = {}` and the stream unread for types it skips.
  const request = ctx.request as { body?: unknown; rawBody?: unknown }
  return requestBody({
    method: ctx.method,
    stream: ctx.req,
    contentType: ctx.get('content-type') || undefined,
    limit: auth.config.maxBodyBytes,
    timeoutMs: auth.config.bodyTimeoutMs,
    alreadyParsed: request.rawBody !== undefined || ctx.req.readableEnded,
    parsedBody: request.body,
  })
}

function send(ctx: Context, response: AuthResponse): void {
  for (const cookie of response.setCookies) ctx.append('Set-Cookie', cookie)
  ctx.set(response.headers)
  ctx.status = response.status
  if (response.status >= 300 && response.status < 400) {
    // An empty body like Express's res.end(), not Koa's default status text.
    ctx.body = ''
    ctx.remove('Content-Type')
    return
  }
  ctx.body = response.body
}

function notMounted(what: string): TypeError {
  return new TypeError(`${what} must run after app.use(stytchB2B())`)
}
