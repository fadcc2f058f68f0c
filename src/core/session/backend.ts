// What session checks and steps run with once Stytch credentials are known, and what a check finds.

import type { ResolvedConfig } from '../kit/config.js'
import type { AuthError } from '../kit/errors.js'
import type { RateLimits } from '../shared-state/rate-limits.js'
import type { Revocations } from '../shared-state/revocations.js'
import type { StytchClient } from '../stytch-api/client.js'
import type { SessionContext } from './model.js'
import type { RbacPolicyStore } from './rbac-policy-store.js'
import type { SessionRefresher } from './refresh.js'
import type { SessionVerifier } from './verify.js'

/** The parts of the core a flow uses. */
export interface Backend {
  config: ResolvedConfig
  stytch: StytchClient
  verifier: SessionVerifier
  refresher: SessionRefresher
  /** The project's RBAC policy and organizations' custom roles, cached. */
  rbac: RbacPolicyStore
  /** The rate limits of the steps that send or check a code (`rateLimits`). */
  limits: RateLimits
  /** Sessions ended through the middleware, whose JWTs are refused at once (`revocation`). */
  revocations: Revocations
}

/** The session found on a request: computed once per request by `checkSession()`, read by guards and steps. */
export interface SessionCheck {
  session: SessionContext | undefined
  /** Why there is no session, when a token was presented but refused (or could not be checked). */
  failure: AuthError | undefined
  /** The token came from `Authorization: Bearer` (RFC 6750) rather than a cookie. */
  bearer: boolean
  /** The session token cookie, present only when `session` came from cookies. */
  sessionToken: string | undefined
  /** The session JWT that was verified (cookie or bearer). */
  sessionJwt: string | undefined
  /** Cookies to set because of this check (a refresh, or clearing a dead session). */
  setCookies: string[]
}
