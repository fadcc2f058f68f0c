// Session JWTs and the project's JWKS (GET /v1/b2b/sessions/jwks/{project_id}).
import type { Rfc3339 } from './common.js'
import type { AuthenticationFactor } from './sessions.js'

/**
 * A session JWT expires five minutes after it was issued (`exp = iat + 300`), whatever the length
 * of its session; the session token is what outlives it.
 */
export const SESSION_JWT_LIFETIME_SECONDS = 300

/** One public key of the JWKS; `x5tS256` is spelled without `#` on the wire. */
export interface Jwk {
  kty: string
  use: string
  key_ops: string[]
  alg: string
  kid: string
  x5c: string[]
  x5tS256: string
  n: string
  e: string
}

/**
 * Decoded `https://stytch.com/session` claim. `expires_at` and `roles` may be absent: the official
 * SDK reads a missing `expires_at` as the JWT's `exp` and missing roles as none
 * (stytch-node `dist/shared/sessions.js`, `authenticateSessionJwtLocal`), and so do we.
 */
export interface SessionJwtSessionClaim {
  id: string
  started_at: Rfc3339
  last_accessed_at: Rfc3339
  expires_at?: Rfc3339 | undefined
  attributes: { user_agent: string; ip_address: string }
  authentication_factors: AuthenticationFactor[]
  roles?: string[] | undefined
}

/** Decoded `https://stytch.com/organization` claim. */
export interface SessionJwtOrganizationClaim {
  organization_id: string
  slug: string
}

/** Decoded session JWT payload; custom claims are extra top-level keys. */
export interface SessionJwtPayload {
  aud: string[]
  exp: number
  iat: number
  /** Optional in RFC 7519; absent, the token has no not-before time. */
  nbf?: number | undefined
  iss: string
  sub: string
  'https://stytch.com/session': SessionJwtSessionClaim
  'https://stytch.com/organization': SessionJwtOrganizationClaim
  [customClaim: string]: unknown
}

/** Decoded session JWT header: always RS256 with the `kid` of a JWKS key. */
export interface SessionJwtHeader {
  alg: 'RS256'
  kid: string
  typ: 'JWT'
}
