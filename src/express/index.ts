// Express adapter (4 and 5): translates req/res to the core's AuthRequest/AuthResponse; Request augmentation.
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { Router } from 'express'
import {
  type Auth,
  type AuthRequest,
  type AuthResponse,
  createAuth,
  createGuard,
  errorResponse,
  isAuthError,
  type RequestAuth,
  type RequestFields,
  type RequireSessionOptions,
  requestBody,
  requestFields,
  STEPS,
  type StepName,
  type StepResult,
  type StytchB2BOptions,
} from '../index.js'

declare global {
  namespace Express {
    /** `req.member`, `req.organization`, `req.memberSession`, `req.discoveredOrganizations`, … */
    interface Request extends RequestFields {}
  }
}

export type { RequireSessionOptions, StytchB2BOptions } from '../index.js'

/** Our per-request state, under one symbol so `req` changes shape once. */
const STATE = Symbol.for('stytch-b2b-middleware.state')

interface RequestState {
  auth: Auth
  found: RequestAuth | undefined
  request: AuthRequest
  result: StepResult | undefined
}

type Carrier = Request & { [STATE]?: RequestState }

/** The middleware returned by `stytchB2B()`, with the core it drives. */
export type StytchB2BMiddleware = RequestHandler & { auth: Auth }

/**
 * Mounts the auth routes under `basePath` and attaches the session of every request that has one.
 * @example app.use(stytchB2B({ projectId, secret }))
 */
export function stytchB2B(options: StytchB2BOptions = {}): StytchB2BMiddleware {
  const auth = createAuth(options)
  const base = auth.config.basePath === '/' ? '' : auth.config.basePath
  const prefix = `${base.toLowerCase()}/`
  const steps = stepRouter(base)

  // A plain middleware rather than a Router around it: every request of the app passes here, and
  // one router level less is measurably cheaper (bench/). Only auth paths enter the step router.
  const middleware = function stytchB2BMiddleware(req: Request, res: Response, next: NextFunction) {
    const state: RequestState = {
      auth,
      found: undefined,
      request: new ExpressAuthRequest(req),
      result: undefined,
    }
    ;(req as Carrier)[STATE] = state
    const attach = (found: RequestAuth): void => {
      state.found = found
      for (const cookie of found.setCookies) res.append('Set-Cookie', cookie)
      if (found.session) {
        req.member = found.session.member
        req.organization = found.session.organization
        req.memberSession = found.session.memberSession
      }
      if (req.path.toLowerCase().startsWith(prefix)) steps(req, res, next)
      else next()
    }
    // Synchronous when no I/O is needed (a cached JWT, or none): no promise on the hot path.
    const quick = auth.authenticateSync(state.request)
    if (quick !== undefined) return attach(quick)
    void auth.authenticate(state.request).then(attach, next)
  }
  return Object.assign(middleware, { auth })
}

/** The mounted auth routes: each step plus the default JSON responder, 405 for other methods. */
function stepRouter(base: string): Router {
  const steps = Router()
  for (const step of STEPS) {
    const route = steps.route(`${base}${step.path}`)
    const handlers = [runStep(step.name), respondWithStepResult]
    if (step.method === 'GET') route.get(...handlers)
    else route.post(...handlers)
    route.all(function methodNotAllowed(_req, res) {
      res.set('Allow', step.method).status(405)
      res.json({ error: { code: 'ERR_INVALID_INPUT', message: `Use ${step.method}.` } })
    })
  }
  steps.use(function stytchRouteErrors(
    error: unknown,
    _req: Request,
    res: Response,
    next: NextFunction,
  ) {
    if (!isAuthError(error)) return next(error)
    send(res, errorResponse(error))
  })
  return steps
}

/**
 * Protects a route: without a valid session it answers 401 JSON (or redirects HTML navigations to
 * `redirectTo`); it can also require an organization or roles. Use after `app.use(stytchB2B())`.
 * @example app.get('/dashboard', requireSession({ redirectTo: '/login' }), handler)
 */
export function requireSession(options: RequireSessionOptions = {}): RequestHandler {
  const guard = createGuard(options)
  return function requireStytchSession(req, res, next) {
    const state = (req as Carrier)[STATE]
    if (state?.found === undefined) return next(notMounted('requireSession()'))
    const refusal = guard(state.request, state.found)
    if (refusal === undefined) return next()
    send(res, refusal)
  }
}

/**
 * Runs one auth step as middleware: validates the body, calls Stytch, sets cookies and attaches
 * the result to `req` (`req.member`, `req.discoveredOrganizations`, …) for the next handler.
 * Failures go to `next(err)` as `AuthError`s with a stable `code`.
 */
function runStep(name: StepName): RequestHandler {
  return async function stytchStep(req, res, next) {
    const state = (req as Carrier)[STATE]
    if (state?.found === undefined) return next(notMounted(`${name}()`))
    try {
      const { auth, request, found } = state
      const result = await auth.runStep(name, request, await bodyOf(req, auth), found)
      state.result = result
      for (const cookie of result.setCookies) res.append('Set-Cookie', cookie)
      res.set('Cache-Control', 'no-store')
      Object.assign(req, requestFields(result.state))
      next()
    } catch (error) {
      next(error)
    }
  }
}

/** The default responder of the mounted routes: the step's JSON body. */
function respondWithStepResult(req: Request, res: Response): void {
  const result = (req as Carrier)[STATE]?.result as StepResult
  res.status(result.status).json(result.body)
}

/** POST {basePath}/otps/email/discovery/send as middleware. */
export const sendDiscoveryCode = (): RequestHandler => runStep('sendDiscoveryCode')
/** POST {basePath}/otps/email/discovery/authenticate as middleware; sets `req.discoveredOrganizations`. */
export const authenticateDiscoveryCode = (): RequestHandler => runStep('authenticateDiscoveryCode')
/** Lists discovered organizations into `req.discoveredOrganizations`. */
export const listDiscoveredOrganizations = (): RequestHandler =>
  runStep('listDiscoveredOrganizations')
/** Enters the organization in `organization_id` with the intermediate session; sets `req.member`. */
export const exchangeIntermediateSession = (): RequestHandler =>
  runStep('exchangeIntermediateSession')
/** Creates an organization from the intermediate session and signs in; sets `req.member`. */
export const createOrganization = (): RequestHandler => runStep('createOrganization')
/** Sends an organization login code. */
export const sendLoginCode = (): RequestHandler => runStep('sendLoginCode')
/** Signs in to an organization with a code; sets `req.member`. */
export const authenticateLoginCode = (): RequestHandler => runStep('authenticateLoginCode')
/** Switches the signed-in member to the organization in `organization_id`. */
export const exchangeSession = (): RequestHandler => runStep('exchangeSession')
/** Logs out: revokes the session upstream and clears every cookie, even when Stytch fails. */
export const revokeSession = (): RequestHandler => runStep('revokeSession')

/**
 * The request as the core sees it. `https` and `hostname` are getters: Express computes them
 * through its trust-proxy logic, and most requests (a cached JWT) never read them.
 */
class ExpressAuthRequest implements AuthRequest {
  readonly method: string
  readonly url: string
  readonly headers: Request['headers']
  readonly #req: Request
  constructor(req: Request) {
    this.#req = req
    this.method = req.method
    this.url = req.originalUrl
    this.headers = req.headers
  }
  get https(): boolean {
    return this.#req.secure
  }
  get hostname(): string {
    return this.#req.hostname ?? ''
  }
}

function bodyOf(req: Request, auth: Auth): Promise<Record<string, unknown>> {
  return requestBody({
    method: req.method,
    stream: req,
    contentType: req.headers['content-type'],
    limit: auth.config.maxBodyBytes,
    timeoutMs: auth.config.bodyTimeoutMs,
    // A host body parser (express.json(), urlencoded()) already read the stream.
    alreadyParsed: (req as { _body?: boolean })._body === true || req.readableEnded,
    parsedBody: req.body,
  })
}

function send(res: Response, response: AuthResponse): void {
  for (const cookie of response.setCookies) res.append('Set-Cookie', cookie)
  res.set(response.headers)
  if (response.status >= 300 && response.status < 400) {
    res.status(response.status).end()
    return
  }
  res.status(response.status).json(response.body)
}

function notMounted(what: string): TypeError {
  return new TypeError(`${what} must run after app.use(stytchB2B())`)
}
