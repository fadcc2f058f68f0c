// Framework-agnostic public API: the core that the Express and Koa adapters drive.
import { type Auth, createAuth as createCoreAuth } from './core/auth.js'
import type { StytchB2BOptions } from './core/config.js'
import { startEmbeddedServer } from './embedded.js'

export { type Auth, type EmbeddedServer, errorResponse } from './core/auth.js'
export type {
  CustomClaimsContext,
  Logger,
  ResolvedConfig,
  StytchB2BOptions,
} from './core/config.js'
export type { CookieAttributes, CookieKind, CookieOptions } from './core/cookies.js'
export { safeReturnTo } from './core/csrf.js'
export { AuthError, type AuthErrorCode, isAuthError, StytchApiError } from './core/errors.js'
export {
  type RequestAuth,
  type RequestFields,
  requestFields,
  type StepResult,
  type StepState,
} from './core/flows/context.js'
export { createGuard, type RequireSessionOptions } from './core/guard.js'
export type { AuthRequest, AuthResponse } from './core/http.js'
export { requestBody } from './core/input.js'
export type {
  AuthDiscoveredOrganization,
  AuthMember,
  AuthMemberSession,
  AuthOrganization,
  SessionContext,
} from './core/model.js'
export { matchStep, STEPS, type Step, type StepName } from './core/steps.js'

/**
 * Creates the framework-agnostic core. Without credentials (and outside production) it starts the
 * embedded local Stytch server on first use.
 * @example const auth = createAuth({ projectId, secret })
 */
export function createAuth(options: StytchB2BOptions = {}): Auth {
  return createCoreAuth(options, startEmbeddedServer)
}
