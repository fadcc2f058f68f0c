// Framework-agnostic public API: the core that the Express and Koa adapters drive.
import { type AuthCore, createAuth as createCoreAuth } from './core/create-auth.js'
import type { StytchB2BOptions } from './core/kit/config.js'
import { startEmbeddedServer } from './embedded.js'

// The public surface, pinned name by name in test/package/exports.test.ts. Adapters import the
// rest of the core by path; nothing else here is plumbing.
export type { AuthCore, EmbeddedServer } from './core/create-auth.js'
export type { AuthFields } from './core/features/step.js'
export type {
  CustomClaimsContext,
  Logger,
  RbacPolicyOptions,
  ResolvedConfig,
  StytchB2BOptions,
} from './core/kit/config.js'
export type { CookieAttributes, CookieKind, CookieOptions } from './core/kit/cookies.js'
export { safeReturnTo } from './core/kit/csrf.js'
export { AuthError, type AuthErrorCode, isAuthError, StytchApiError } from './core/kit/errors.js'
export type { CoreRequest } from './core/kit/http.js'
export type {
  MailboxMessage,
  PageLocale,
  PagesLayoutContext,
  PagesMailboxSource,
  PagesOptions,
  PagesTheme,
} from './core/kit/pages-options.js'
export type {
  RateLimit,
  RateLimitOptions,
  RedisClient,
  RedisOptions,
} from './core/kit/shared-state-options.js'
export type { SessionCheck } from './core/session/backend.js'
export type { RequireSessionOptions } from './core/session/guard.js'
export type {
  AuthDiscoveredOrganization,
  AuthMember,
  AuthMemberSession,
  AuthOrganization,
  SessionContext,
} from './core/session/model.js'
export type { Permission } from './core/session/permissions.js'

/**
 * Creates the framework-agnostic core the adapters drive (for a framework of your own, or scripts):
 * `auth.authenticate(request)` checks a request's session, as `stytchB2B()` does. Without
 * credentials (and outside production) it starts the embedded local Stytch server on first use.
 * @example const check = await createAuth({ projectId, secret }).authenticate(request)
 */
export function createAuth(options: StytchB2BOptions = {}): AuthCore {
  return createCoreAuth(options, startEmbeddedServer)
}
