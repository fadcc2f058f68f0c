// Express adapter (4 and 5): translates req/res to the core's AuthRequest/AuthResponse; Request augmentation.
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import {
  attachSession,
  createRouter,
  failureAnswer,
  isPromise,
  notMounted,
  stepMiddleware,
} from '../core/adapter-kit.js'
import type { Auth } from '../core/auth.js'
import { type RequestFields, requestFields, type SessionCheck } from '../core/flows/context.js'
import { createGuard, type RequireSessionOptions } from '../core/guard.js'
import type { AuthRequest, AuthResponse } from '../core/http.js'
import { requestBody } from '../core/input.js'
import type { StepName } from '../core/steps.js'
import { createAuth, type StytchB2BOptions } from '../index.js'

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
  check: SessionCheck | undefined
  request: AuthRequest
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
  const route = createRouter(auth.config.basePath)
  // A plain middleware rather than a Router: every request of the app passes here, and one router
  // level less is measurably cheaper (bench/).
  const middleware = function stytchB2BMiddleware(req: Request, res: Response, next: NextFunction) {
    const state: RequestState = { auth, check: undefined, request: new ExpressAuthRequest(req) }
    ;(req as Carrier)[STATE] = state
    const attach = (check: SessionCheck): void => {
      state.check = check
      for (const cookie of check.setCookies) res.append('Set-Cookie', cookie)
      attachSession(req, check)
      const target = route(req.method, req.path)
      if (target === undefined) next()
      else if ('answer' in target) send(res, target.answer)
      else answerStep(state, target.step, req, res, next)
    }
    const check = auth.authenticate(state.request)
    if (isPromise(check)) void check.then(attach, next)
    else attach(check)
  }
  return Object.assign(middleware, { auth })
}

/** The default answer of a mounted route: the step's JSON, or its failure's. */
function answerStep(
  state: RequestState,
  name: StepName,
  req: Request,
  res: Response,
  next: NextFunction,
): void {
  runStep(state, name, req).then(
    (result) => send(res, result),
    (error: unknown) => {
      const answer = failureAnswer(error)
      if (answer === undefined) next(error)
      else send(res, answer)
    },
  )
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
    if (state?.check === undefined) return next(notMounted('requireSession()'))
    const refusal = guard(state.request, state.check)
    if (refusal === undefined) return next()
    send(res, refusal)
  }
}

/** The auth steps as middleware; each sets cookies and `req.*` fields, then calls `next()`. */
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
  (name): RequestHandler =>
    function stytchStep(req, res, next) {
      const state = (req as Carrier)[STATE]
      if (state?.check === undefined) return next(notMounted(`${name}()`))
      runStep(state, name, req).then((result) => {
        writeHead(res, result)
        next()
      }, next)
    },
)

async function runStep(state: RequestState, name: StepName, req: Request) {
  const { auth, request, check } = state
  const result = await auth.runStep(name, request, await bodyOf(req, auth), check as SessionCheck)
  Object.assign(req, requestFields(result.state))
  return result
}

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

function writeHead(res: Response, response: AuthResponse): void {
  for (const cookie of response.setCookies) res.append('Set-Cookie', cookie)
  res.set(response.headers)
}

function send(res: Response, response: AuthResponse): void {
  writeHead(res, response)
  if (response.status >= 300 && response.status < 400) {
    res.status(response.status).end()
    return
  }
  res.status(response.status).json(response.body)
}
