// The route table: every Stytch path the local server answers, with its handler.
import { STYTCH_PATHS } from '../../wire/paths.js'
import * as discovery from './discovery.js'
import type { RouteHandler } from './handler.js'
import * as members from './members.js'
import * as mfa from './mfa.js'
import * as organizations from './organizations.js'
import * as otpEmail from './otp-email.js'
import * as rbac from './rbac.js'
import * as sessions from './sessions.js'

export interface RouteDefinition {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** Path with `{param}` placeholders, also the key of `requestCount()`. */
  path: string
  handler: RouteHandler
  /** Basic auth with project id and secret (all but the JWKS). */
  auth: boolean
}

/** One route; every route but the JWKS needs the project's Basic auth. */
function route(
  method: RouteDefinition['method'],
  path: string,
  handler: RouteHandler,
  { auth = true }: { auth?: boolean } = {},
): RouteDefinition {
  return { method, path, handler, auth }
}

export const ROUTES: RouteDefinition[] = [
  route('POST', STYTCH_PATHS.otpEmailLoginOrSignup, otpEmail.loginOrSignup),
  route('POST', STYTCH_PATHS.otpEmailAuthenticate, otpEmail.authenticate),
  route('POST', STYTCH_PATHS.otpEmailDiscoverySend, otpEmail.discoverySend),
  route('POST', STYTCH_PATHS.otpEmailDiscoveryAuthenticate, otpEmail.discoveryAuthenticate),
  route('POST', STYTCH_PATHS.discoveryOrganizations, discovery.listOrganizations),
  route('POST', STYTCH_PATHS.discoveryOrganizationsCreate, discovery.create),
  route(
    'POST',
    STYTCH_PATHS.discoveryIntermediateSessionsExchange,
    discovery.exchangeIntermediateSession,
  ),
  route('POST', STYTCH_PATHS.sessionsAuthenticate, sessions.authenticate),
  route('POST', STYTCH_PATHS.sessionsRevoke, sessions.revoke),
  route('POST', STYTCH_PATHS.sessionsExchange, sessions.exchange),
  route('GET', STYTCH_PATHS.sessionsJwks, sessions.jwks, { auth: false }),
  route('GET', STYTCH_PATHS.sessionsGet, sessions.list),
  route('POST', STYTCH_PATHS.organizationsCreate, organizations.create),
  route('POST', STYTCH_PATHS.organizationsSearch, organizations.search),
  route('GET', STYTCH_PATHS.organizationsGet, organizations.get),
  route('PUT', STYTCH_PATHS.organizationsGet, organizations.update),
  route('DELETE', STYTCH_PATHS.organizationsGet, organizations.remove),
  route('POST', STYTCH_PATHS.membersCreate, members.create),
  route('GET', STYTCH_PATHS.membersGet, members.get),
  route('PUT', STYTCH_PATHS.membersUpdate, members.update),
  route('DELETE', STYTCH_PATHS.membersUpdate, members.remove),
  route('PUT', STYTCH_PATHS.membersReactivate, members.reactivate),
  route('POST', STYTCH_PATHS.membersSearch, members.search),
  route('GET', STYTCH_PATHS.rbacPolicy, rbac.policy),
  route('GET', STYTCH_PATHS.rbacOrgPolicy, rbac.organizationPolicy),
  route('POST', STYTCH_PATHS.otpSmsSend, mfa.smsSend),
  route('POST', STYTCH_PATHS.otpSmsAuthenticate, mfa.smsAuthenticate),
  route('POST', STYTCH_PATHS.totpCreate, mfa.totpCreate),
  route('POST', STYTCH_PATHS.totpAuthenticate, mfa.totpAuthenticate),
  route('POST', STYTCH_PATHS.recoveryCodesRecover, mfa.recoveryCodesRecover),
  route('GET', STYTCH_PATHS.recoveryCodesGet, mfa.recoveryCodesGet),
  route('POST', STYTCH_PATHS.recoveryCodesRotate, mfa.recoveryCodesRotate),
]
