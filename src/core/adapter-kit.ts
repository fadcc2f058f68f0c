// What every framework adapter shares: routing of the auth paths, answers that carry their headers, the fields set on a request, the per-step middleware table.
import type { RequestFields } from './features/step.js'
import { errorResponse, isAuthError } from './kit/errors.js'
import type { AuthResponse } from './kit/http.js'
import type { SessionCheck } from './session/backend.js'
import { matchStep, type StepName } from './step-table.js'

// Everything else an adapter needs, so that it imports the core from one place.
export type { Auth } from './create-auth.js'
export { type RequestFields, requestFields } from './features/step.js'
export type { StytchB2BOptions } from './kit/config.js'
export type { AuthRequest, AuthResponse } from './kit/http.js'
export type { BodySource } from './kit/input.js'
export type { SessionCheck } from './session/backend.js'
export { createGuard, type RequireSessionOptions } from './session/guard.js'
export type { StepName } from './step-table.js'

/** Where a request goes: nowhere of ours, a step to run, or an answer already decided (405). */
export type Route = { step: StepName } | { answer: AuthResponse } | undefined

/** Routes the paths under `basePath` (case-insensitive, one optional trailing slash, HEAD as GET). */
export function createRouter(basePath: string): (method: string, path: string) => Route {
  const prefix = `${basePath === '/' ? '' : basePath.toLowerCase()}/`
  return function route(method, path) {
    // Most requests are not for us: one prefix check, no table walk.
    if (!path.toLowerCase().startsWith(prefix)) return undefined
    const match = matchStep(basePath, method, path)
    if (match === undefined) return undefined
    if (match.allowed) return { step: match.step.name }
    return {
      answer: {
        status: 405,
        headers: { allow: match.step.method, 'cache-control': 'no-store' },
        setCookies: [],
        body: { error: { code: 'ERR_INVALID_INPUT', message: `Use ${match.step.method}.` } },
      },
    }
  }
}

/** The answer of a mounted route that failed: an `AuthError` as JSON; `undefined` for other errors. */
export function failureAnswer(error: unknown): AuthResponse | undefined {
  return isAuthError(error) ? errorResponse(error) : undefined
}

/** Sets `member`, `organization` and `memberSession` on `target` (`req`, `ctx.state`) when signed in. */
export function attachSession(target: RequestFields, check: SessionCheck): void {
  const session = check.session
  if (session === undefined) return
  target.member = session.member
  target.organization = session.organization
  target.memberSession = session.memberSession
}

export function notMounted(what: string): TypeError {
  return new TypeError(`${what} must run after app.use(stytchB2B())`)
}

/** True when `value` is a promise (the session check is synchronous on the hot path). */
export function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return value instanceof Promise
}

/** The auth steps as middleware, one factory each; `T` is the framework's middleware type. */
export interface StepMiddleware<T> {
  /** POST {basePath}/otps/email/discovery/send: sends a discovery code. */
  sendDiscoveryCode: () => T
  /** Checks a discovery code; sets `discoveredOrganizations` and the intermediate session cookie. */
  authenticateDiscoveryCode: () => T
  /** Lists the organizations of the intermediate session into `discoveredOrganizations`. */
  listDiscoveredOrganizations: () => T
  /** Enters the organization in `organization_id` with the intermediate session; sets `member`. */
  exchangeIntermediateSession: () => T
  /** Creates an organization from the intermediate session and signs in; sets `member`. */
  createOrganization: () => T
  /** Sends an organization login code. */
  sendLoginCode: () => T
  /** Signs in to an organization with a code; sets `member`. */
  authenticateLoginCode: () => T
  /** Switches the signed-in member to the organization in `organization_id`. */
  exchangeSession: () => T
  /** Logs out: revokes the session upstream and clears every cookie, even when Stytch fails. */
  revokeSession: () => T
}

/**
 * Builds every per-step factory from one adapter function. Each runs its step, sets cookies and
 * the step's fields on the request, then hands over to the next handler; failures go to the
 * framework's error handling as `AuthError`s with a stable `code`.
 */
export function stepMiddleware<T>(make: (name: StepName) => T): StepMiddleware<T> {
  const factory = (name: StepName) => () => make(name)
  return {
    sendDiscoveryCode: factory('sendDiscoveryCode'),
    authenticateDiscoveryCode: factory('authenticateDiscoveryCode'),
    listDiscoveredOrganizations: factory('listDiscoveredOrganizations'),
    exchangeIntermediateSession: factory('exchangeIntermediateSession'),
    createOrganization: factory('createOrganization'),
    sendLoginCode: factory('sendLoginCode'),
    authenticateLoginCode: factory('authenticateLoginCode'),
    exchangeSession: factory('exchangeSession'),
    revokeSession: factory('revokeSession'),
  }
}
