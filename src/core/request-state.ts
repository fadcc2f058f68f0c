// The state of each request an adapter serves (its core, request and session check), kept beside the request, and what reads it: can(), memberAuthorization().
import type { AuthCore } from './create-auth.js'
import type { CoreRequest } from './kit/http.js'
import type { SessionCheck } from './session/backend.js'
import { readPermission } from './session/permissions.js'

/** What an adapter keeps for one request: the core serving it, the request, its session check. */
export interface RequestState {
  readonly auth: AuthCore
  /** Express's `req` or Koa's `ctx` itself: both are `CoreRequest`s as they are. */
  readonly request: CoreRequest
  /** Set once the session check has run (`undefined` until then, e.g. while the JWKS is fetched). */
  check: SessionCheck | undefined
}

// Per-request state lives in a WeakMap keyed by `req` (Koa: `ctx`), not in a property of it: V8
// keeps Express's per-app request prototype (`app.request`) in dictionary mode, so each property
// added to a `req` builds a new hidden class: 3 to 5 µs apiece on Node 20, where an entry here
// costs about 1 µs (bench/hot-path.ts measures the whole path). One map per process, found by a
// registered symbol, so that two copies of this package loaded side by side still see each
// other's state (as the symbol property did).
const REGISTRY = Symbol.for('stytch-b2b-middleware.request-states')
const registry = globalThis as { [key: symbol]: WeakMap<object, RequestState> | undefined }
export const states = registry[REGISTRY] ?? new WeakMap<object, RequestState>()
registry[REGISTRY] = states

/** Starts the state of one request (`key`: Express `req`, Koa `ctx`). */
export function beginRequest(auth: AuthCore, key: object, request: CoreRequest): RequestState {
  const state: RequestState = { auth, request, check: undefined }
  states.set(key, state)
  return state
}

/** Records the session check of a request; returns its state. */
export function checked(state: RequestState, check: SessionCheck): RequestState {
  state.check = check
  return state
}

/** The state of a request whose session check has run; throws when `stytchB2B()` did not run. */
export function checkedState(key: object, what: string): RequestState & { check: SessionCheck } {
  const state = states.get(key)
  if (state?.check === undefined) throw notMounted(what)
  return state as RequestState & { check: SessionCheck }
}

/** The error of a middleware used without `stytchB2B()` before it. */
export function notMounted(what: string): TypeError {
  return new TypeError(`${what} must run after app.use(stytchB2B())`)
}

/**
 * `req.can(resourceId, action)` / `ctx.state.can(…)` of the request `key`: false when not signed
 * in; whether the member's roles grant the action in its own organization; throws 503
 * `ERR_STYTCH_UNAVAILABLE` when the policy is not at hand (never "allow").
 */
export function canOf(key: object, resourceId: string, action: string): boolean {
  const state = checkedState(key, 'can()')
  const permission = readPermission({ resourceId, action }, 'can(resourceId, action)')
  const session = state.check.session
  return session !== undefined && state.auth.permissions.now(session, permission)
}

/**
 * The request's verified session JWT (the refreshed one when it was refreshed), for the official
 * SDK's `method_options: { authorization }`, so Stytch checks the member's permissions on admin
 * calls; `undefined` when not signed in.
 */
export function memberAuthorizationOf(key: object): { session_jwt: string } | undefined {
  const { session, sessionJwt } = checkedState(key, 'memberAuthorization()').check
  return session === undefined || sessionJwt === undefined ? undefined : { session_jwt: sessionJwt }
}
