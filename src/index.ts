// Framework-agnostic public API: the core that the Express and Koa adapters drive.
import { type Auth, createAuth as createCoreAuth } from './core/auth.js'
import type { StytchB2BOptions } from './core/config.js'
import { startEmbeddedServer } from './embedded.js'

// The public surface, pinned name by name in test/package/exports.test.ts. Adapters import the
// rest of the core by path; nothing else here is plumbing.
export type { Auth, EmbeddedServer } from './core/auth.js'
export type {
  CustomClaimsContext,
  Logger,
  ResolvedConfig,
  StytchB2BOptions,
} from './core/config.js'
export type { CookieAttributes, CookieKind, CookieOptions } from './core/cookies.js'
export { safeReturnTo } from './core/csrf.js'
export { AuthError, type AuthErrorCode, isAuthError, StytchApiError } from './core/errors.js'
export type { RequestFields, SessionCheck } from './core/flows/context.js'
export type { RequireSessionOptions } from './core/guard.js'
export type { AuthRequest } from './core/http.js'
export type {
  AuthDiscoveredOrganization,
  AuthMember,
  AuthMemberSession,
  AuthOrganization,
  SessionContext,
} from './core/model.js'

/**
 * Creates the framework-agnostic core the adapters drive (for a framework of your own, or scripts):
 * `auth.authenticate(request)` checks a request's session, as `stytchB2B()` does. Without
 * credentials (and outside production) it starts the embedded local Stytch server on first use.
 * @example const check = await createAuth({ projectId, secret }).authenticate(request)
 */
export function createAuth(options: StytchB2BOptions = {}): Auth {
  return createCoreAuth(options, startEmbeddedServer)
}
