// Express adapter (4 and 5): translates req/res to the core's requests and answers; Request augmentation.
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import * as kit from '../core/adapter-kit.js'
import { createAuth, type StytchB2BOptions } from '../index.js'

declare global {
  namespace Express {
    /** `req.member`, `req.organization`, `req.memberSession`, `req.discoveredOrganizations`, … */
    interface Request extends kit.AuthFields {
      /**
       * Whether the signed-in member's roles grant `action` on `resourceId` in its organization,
       * under the project's RBAC policy; `false` when not signed in. Throws 503
       * `ERR_STYTCH_UNAVAILABLE` when the policy cannot be had.
       * @example if (req.can('stytch.member', 'delete')) showDeleteButton()
       */
      can(resourceId: string, action: string): boolean
    }
  }
}

export type { Permission, RequireSessionOptions, StytchB2BOptions } from '../index.js'

/** The parts of an Express app that hold its request prototype (`parent`: the app it is mounted on). */
type ExpressApp = { request: object; parent?: ExpressApp | undefined }

/** The middleware returned by `stytchB2B()`, with the core it drives. */
export type StytchB2BMiddleware = RequestHandler & { auth: kit.AuthCore }

/**
 * Mounts the auth routes under `basePath` and attaches the session of every request that has one.
 * A plain middleware, not a Router: every request passes here, and a router level costs (bench/).
 * @example app.use(stytchB2B({ projectId, secret }))
 */
export function stytchB2B(options: StytchB2BOptions = {}): StytchB2BMiddleware {
  const auth = createAuth(options)
  const route = kit.createRouter(auth)
  const exposeSession = sessionExposer()
  function attach(req: Request, res: Response, next: NextFunction, state: kit.RequestState) {
    const check = state.check as kit.SessionCheck
    for (const cookie of check.setCookies) res.append('Set-Cookie', cookie)
    exposeSession(req, check)
    const answer = kit.answerOf(route(req.method, req), runStep, req, bodyOf)
    if (answer === undefined) next()
    else if (kit.isPromise(answer)) answer.then((sent) => send(res, sent), next)
    else send(res, answer)
  }
  const middleware = function stytchB2BMiddleware(req: Request, res: Response, next: NextFunction) {
    const state = kit.beginRequest(auth, req, req)
    const check = auth.authenticate(req)
    if (!kit.isPromise(check)) return attach(req, res, next, kit.checked(state, check))
    check.then((later) => attach(req, res, next, kit.checked(state, later)), next)
  }
  return Object.assign(middleware, { auth })
}

/**
 * Protects a route: without a valid session it answers 401 JSON (or redirects HTML navigations to
 * `redirectTo`); it can also require an organization or roles. Use after `app.use(stytchB2B())`.
 * @example app.get('/dashboard', requireSession({ redirectTo: '/login' }), handler)
 */
export function requireSession(options: kit.RequireSessionOptions = {}): RequestHandler {
  const refusalOf = kit.createRequestGuard(options)
  const decide = (res: Response, next: NextFunction, refusal: kit.CoreResponse | undefined) => {
    if (refusal === undefined) next()
    else send(res, refusal)
  }
  return function requireStytchSession(req, res, next) {
    const refusal = refusalOf(req)
    if (kit.isPromise(refusal)) refusal.then((later) => decide(res, next, later), next)
    else decide(res, next, refusal)
  }
}

/**
 * The request's verified session JWT as the official SDK's `authorization` method option, so that
 * Stytch checks the member's own permissions on admin calls; `undefined` when not signed in.
 * @example await client.organizations.members.delete({ organization_id, member_id }, { authorization: memberAuthorization(req) })
 */
export function memberAuthorization(req: Request): { session_jwt: string } | undefined {
  return kit.memberAuthorizationOf(req)
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
  sendMfaSmsCode,
  authenticateMfaSmsCode,
  createTotpRegistration,
  authenticateTotpCode,
  recoverWithRecoveryCode,
  getRecoveryCodes,
  rotateRecoveryCodes,
} = kit.stepMiddleware(
  (name): RequestHandler =>
    function stytchStep(req, res, next) {
      runStep(req, name).then((result) => {
        writeHead(res, result)
        next()
      }, next)
    },
)

function bodyOf(req: Request): kit.BodySource {
  const alreadyParsed = (req as { _body?: boolean })._body === true || req.readableEnded
  return {
    stream: req,
    contentType: req.headers['content-type'],
    alreadyParsed,
    parsedBody: req.body,
  }
}

function runStep(req: Request, name: kit.StepName): Promise<kit.StepResult> {
  return kit.runStep(req, name, bodyOf(req), req)
}

/**
 * `req.member`, `req.organization` and `req.memberSession`: read from the session check through
 * the root app's request prototype (see kit.defineSessionFields), or set on `req` outside an app.
 * A middleware sees the app it is mounted on, so the prototype is looked up once per app change.
 */
function sessionExposer(): (req: Request, check: kit.SessionCheck) => void {
  let preparedApp: unknown
  return function exposeSession(req, check) {
    if (req.app === preparedApp) return
    let app = req.app as unknown as ExpressApp | undefined
    while (app?.parent !== undefined) app = app.parent
    if (app === undefined) {
      req.can = (resourceId, action) => kit.canOf(req, resourceId, action)
      return kit.attachSession(req, check)
    }
    kit.defineSessionFields(app.request)
    preparedApp = req.app
  }
}

function writeHead(res: Response, answer: kit.CoreResponse): void {
  for (const cookie of answer.setCookies) res.append('Set-Cookie', cookie)
  res.set(answer.headers)
}

function send(res: Response, answer: kit.CoreResponse): void {
  writeHead(res, answer)
  res.status(answer.status)
  if (kit.isRedirect(answer)) res.end()
  else if (answer.text !== undefined) res.send(answer.text)
  else res.json(answer.body)
}
