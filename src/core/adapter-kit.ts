// What every framework adapter shares: per-request state, routing of the auth paths, answers that carry their headers, the fields set on a request, the per-step middleware table.
import type { AuthCore } from './create-auth.js'
import type { Pages } from './features/pages/index.js'
import { type AuthFields, authFieldsOf, type StepResult } from './features/step.js'
import { errorResponse, isAuthError, methodNotAllowed } from './kit/errors.js'
import type { CoreResponse } from './kit/http.js'
import type { BodySource } from './kit/input.js'
import { canOf, checkedState, states } from './request-state.js'
import type { SessionCheck } from './session/backend.js'
import { createGuard, type GuardDecision, type RequireSessionOptions } from './session/guard.js'
import type { SessionContext } from './session/model.js'
import { matchStep, type StepName } from './step-table.js'

// Everything else an adapter needs, so that it imports the core from one place.
export type { AuthCore } from './create-auth.js'
export type { AuthFields, StepResult } from './features/step.js'
export type { StytchB2BOptions } from './kit/config.js'
export type { CoreRequest, CoreResponse } from './kit/http.js'
export type { BodySource } from './kit/input.js'
export {
  beginRequest,
  canOf,
  checked,
  checkedState,
  memberAuthorizationOf,
  notMounted,
  type RequestState,
} from './request-state.js'
export type { SessionCheck } from './session/backend.js'
export type { GuardDecision, RequireSessionOptions } from './session/guard.js'
export type { Permission } from './session/permissions.js'
export type { StepName } from './step-table.js'

const SESSION_FIELDS = ['member', 'organization', 'memberSession'] as const
const withSessionFields = new WeakSet<object>()

/**
 * Makes `member`, `organization` and `memberSession` read the session check of each request whose
 * prototype is `prototype` (Express: the root app's `app.request`, which mounted sub-apps inherit),
 * instead of adding three properties to every `req` (see request-state.ts for their cost). An assignment
 * (by a step, or by the host) defines an own property, as before. `can()` is a method of the
 * prototype too, so it costs a request nothing. Done once per prototype.
 */
export function defineSessionFields(prototype: object): void {
  if (withSessionFields.has(prototype)) return
  withSessionFields.add(prototype)
  for (const field of SESSION_FIELDS) {
    Object.defineProperty(prototype, field, {
      configurable: true,
      enumerable: false,
      get(this: object) {
        return (states.get(this)?.check?.session as SessionContext | undefined)?.[field]
      },
      set(this: object, value: unknown) {
        Object.defineProperty(this, field, {
          value,
          writable: true,
          enumerable: true,
          configurable: true,
        })
      },
    })
  }
  Object.defineProperty(prototype, 'can', {
    configurable: true,
    enumerable: false,
    writable: true,
    value: function can(this: object, resourceId: string, action: string): boolean {
      return canOf(this, resourceId, action)
    },
  })
}

/** Where a request goes: nowhere of ours, a step or a page to run, or an answer already decided (405). */
export type Route = { step: StepName } | { page: string } | { answer: CoreResponse } | undefined

/** A request's target below its mount point: `url` as received, `path` parsed from it (a getter). */
export interface RequestTarget {
  readonly url: string
  readonly path: string
}

/**
 * Routes the paths under `basePath` (case-insensitive, one optional trailing slash, HEAD as GET):
 * the steps, then the drop-in pages when they are on.
 */
export function createRouter(auth: AuthCore): (method: string, target: RequestTarget) => Route {
  const { basePath } = auth.config
  const pages = auth.pages
  // basePath holds only unreserved characters and '/' (config.ts), none special in a pattern.
  const underBase = new RegExp(`^${basePath === '/' ? '' : basePath}/`, 'i')
  return function route(method, target) {
    // Most requests are not for us: one test of the URL as received, before the framework's
    // parsed `path` is read (a getter: some µs per request). An absolute-form target
    // (`http://host/path`) is tested by its parsed path.
    const url = target.url
    if (!underBase.test(url.startsWith('/') ? url : target.path)) return undefined
    const path = target.path
    const match = matchStep(basePath, method, path)
    if (match === undefined) return pages?.match(method, path)
    if (match.allowed) return { step: match.step.name }
    return { answer: methodNotAllowed(match.step.method) }
  }
}

/**
 * What `stytchB2B()`'s middleware does with a request once its session is known: `undefined` for a
 * path not ours (hand over to the next handler), else the answer to send: a 405, a page, or the
 * step's result (an `AuthError` as its JSON answer; other errors reject). `bodyOf` gives a
 * request's body as the framework has it.
 */
export function answerOf<K extends object>(
  target: Route,
  run: (key: K, step: StepName) => Promise<CoreResponse>,
  key: K,
  bodyOf: (key: K) => BodySource,
): CoreResponse | Promise<CoreResponse> | undefined {
  if (target === undefined) return undefined
  if ('answer' in target) return target.answer
  if ('page' in target) {
    const state = checkedState(key, 'stytchB2B()')
    return (state.auth.pages as Pages).run(target.page, state.request, bodyOf(key), state.check)
  }
  return run(key, target.step).catch((error: unknown) => {
    if (isAuthError(error)) return errorResponse(error)
    throw error
  })
}

/**
 * Runs one step for a request `stytchB2B()` has seen, then sets the step's fields on `target`
 * (Express `req`, Koa `ctx.state`).
 */
export async function runStep(
  key: object,
  name: StepName,
  body: BodySource,
  target: AuthFields,
): Promise<StepResult> {
  const state = checkedState(key, `${name}()`)
  const result = await state.auth.runStep(name, state.request, body, state.check)
  Object.assign(target, authFieldsOf(result.state))
  return result
}

/**
 * requireSession's core for an adapter: built once (options validated here), it returns the
 * refusal to send for a request, or `undefined` to let it through.
 */
export function createRequestGuard(options: RequireSessionOptions): (key: object) => GuardDecision {
  const guard = createGuard(options)
  return function requireSessionOf(key) {
    const state = checkedState(key, 'requireSession()')
    return guard(state.request, state.check, state.auth.permissions, state.auth.pages?.signInPath)
  }
}

/** Sets `member`, `organization` and `memberSession` on `target` (`req`, `ctx.state`) when signed in. */
export function attachSession(target: AuthFields, check: SessionCheck): void {
  const session = check.session
  if (session === undefined) return
  target.member = session.member
  target.organization = session.organization
  target.memberSession = session.memberSession
}

/** True when `value` is a promise (the session check is synchronous on the hot path). */
export function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return value instanceof Promise
}

/** Whether an answer is a redirect, sent with an empty body. */
export function isRedirect(answer: CoreResponse): boolean {
  return answer.status >= 300 && answer.status < 400
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
  /** Texts a second-factor code (enrolling `mfa_phone_number` when the member has no phone). */
  sendMfaSmsCode: () => T
  /** Completes the sign-in with a texted code; sets `member` and the session cookies. */
  authenticateMfaSmsCode: () => T
  /** Registers an authenticator app: the only answer showing its secret and recovery codes. */
  createTotpRegistration: () => T
  /** Completes the sign-in with an authenticator-app code; sets `member` and the session cookies. */
  authenticateTotpCode: () => T
  /** Completes the sign-in with a single-use recovery code; sets `member` and the session cookies. */
  recoverWithRecoveryCode: () => T
  /** GET {basePath}/mfa/recovery_codes: the signed-in member's own recovery codes. */
  getRecoveryCodes: () => T
  /** Replaces the signed-in member's recovery codes and answers the new ones. */
  rotateRecoveryCodes: () => T
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
    sendMfaSmsCode: factory('sendMfaSmsCode'),
    authenticateMfaSmsCode: factory('authenticateMfaSmsCode'),
    createTotpRegistration: factory('createTotpRegistration'),
    authenticateTotpCode: factory('authenticateTotpCode'),
    recoverWithRecoveryCode: factory('recoverWithRecoveryCode'),
    getRecoveryCodes: factory('getRecoveryCodes'),
    rotateRecoveryCodes: factory('rotateRecoveryCodes'),
  }
}
