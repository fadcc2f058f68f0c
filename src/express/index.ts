// Express adapter (4 and 5): translates req/res to the core's requests and answers; Request augmentation.
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import {
  type Auth,
  type AuthRequest,
  type AuthResponse,
  attachSession,
  type BodySource,
  createGuard,
  createRouter,
  failureAnswer,
  isPromise,
  notMounted,
  type RequestFields,
  type RequireSessionOptions,
  requestFields,
  type SessionCheck,
  type StepName,
  stepMiddleware,
} from '../core/adapter-kit.js'
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
type State = { auth: Auth; request: AuthRequest; check: SessionCheck | undefined }
type Carrier = Request & { [STATE]?: State }

/** The middleware returned by `stytchB2B()`, with the core it drives. */
export type StytchB2BMiddleware = RequestHandler & { auth: Auth }

/**
 * Mounts the auth routes under `basePath` and attaches the session of every request that has one.
 * A plain middleware, not a Router: every request passes here, and a router level costs (bench/).
 * @example app.use(stytchB2B({ projectId, secret }))
 */
export function stytchB2B(options: StytchB2BOptions = {}): StytchB2BMiddleware {
  const auth = createAuth(options)
  const route = createRouter(auth.config.basePath)
  const middleware = function stytchB2BMiddleware(req: Request, res: Response, next: NextFunction) {
    const state: State = { auth, request: new ExpressRequest(req), check: undefined }
    ;(req as Carrier)[STATE] = state
    const attach = (check: SessionCheck): void => {
      state.check = check
      for (const cookie of check.setCookies) res.append('Set-Cookie', cookie)
      attachSession(req, check)
      const target = route(req.method, req.path)
      if (target === undefined) next()
      else if ('answer' in target) send(res, target.answer)
      else {
        runStep(req, target.step).then(
          (result) => send(res, result),
          (error: unknown) => {
            const answer = failureAnswer(error)
            if (answer === undefined) next(error)
            else send(res, answer)
          },
        )
      }
    }
    const check = auth.authenticate(state.request)
    if (isPromise(check)) void check.then(attach, next)
    else attach(check)
  }
  return Object.assign(middleware, { auth })
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

/** The auth steps as middleware: each sets cookies and `req.*` fields, then calls `next()`. */
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
    (req, res, next) => {
      runStep(req, name).then((result) => {
        writeHead(res, result)
        next()
      }, next)
    },
)

async function runStep(req: Request, name: StepName) {
  const state = (req as Carrier)[STATE]
  if (state?.check === undefined) throw notMounted(`${name}()`)
  const body: BodySource = {
    stream: req,
    contentType: req.headers['content-type'],
    alreadyParsed: (req as { _body?: boolean })._body === true || req.readableEnded,
    parsedBody: req.body,
  }
  const result = await state.auth.runStep(name, state.request, body, state.check)
  Object.assign(req, requestFields(result.state))
  return result
}

/** `https` and `hostname` are getters: Express computes them through trust proxy, rarely needed. */
class ExpressRequest implements AuthRequest {
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

function writeHead(res: Response, answer: AuthResponse): void {
  for (const cookie of answer.setCookies) res.append('Set-Cookie', cookie)
  res.set(answer.headers)
}

function send(res: Response, answer: AuthResponse): void {
  writeHead(res, answer)
  res.status(answer.status)
  if (answer.status >= 300 && answer.status < 400) res.end()
  else res.json(answer.body)
}
