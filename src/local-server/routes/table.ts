// The route table: every Stytch path the local server answers, with its handler.
import { STYTCH_PATHS } from '../../wire/paths.js'
import * as discovery from './discovery.js'
import type { RouteHandler } from './handler.js'
import * as members from './members.js'
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

export const ROUTES: RouteDefinition[] = [
  {
    method: 'POST',
    path: STYTCH_PATHS.otpEmailLoginOrSignup,
    handler: otpEmail.loginOrSignup,
    auth: true,
  },
  {
    method: 'POST',
    path: STYTCH_PATHS.otpEmailAuthenticate,
    handler: otpEmail.authenticate,
    auth: true,
  },
  {
    method: 'POST',
    path: STYTCH_PATHS.otpEmailDiscoverySend,
    handler: otpEmail.discoverySend,
    auth: true,
  },
  {
    method: 'POST',
    path: STYTCH_PATHS.otpEmailDiscoveryAuthenticate,
    handler: otpEmail.discoveryAuthenticate,
    auth: true,
  },
  {
    method: 'POST',
    path: STYTCH_PATHS.discoveryOrganizations,
    handler: discovery.listOrganizations,
    auth: true,
  },
  {
    method: 'POST',
    path: STYTCH_PATHS.discoveryOrganizationsCreate,
    handler: discovery.create,
    auth: true,
  },
  {
    method: 'POST',
    path: STYTCH_PATHS.discoveryIntermediateSessionsExchange,
    handler: discovery.exchangeIntermediateSession,
    auth: true,
  },
  {
    method: 'POST',
    path: STYTCH_PATHS.sessionsAuthenticate,
    handler: sessions.authenticate,
    auth: true,
  },
  { method: 'POST', path: STYTCH_PATHS.sessionsRevoke, handler: sessions.revoke, auth: true },
  { method: 'POST', path: STYTCH_PATHS.sessionsExchange, handler: sessions.exchange, auth: true },
  {
    method: 'GET',
    path: STYTCH_PATHS.sessionsJwks,
    handler: sessions.jwks,
    auth: false,
  },
  { method: 'GET', path: STYTCH_PATHS.sessionsGet, handler: sessions.list, auth: true },
  {
    method: 'POST',
    path: STYTCH_PATHS.organizationsCreate,
    handler: organizations.create,
    auth: true,
  },
  {
    method: 'POST',
    path: STYTCH_PATHS.organizationsSearch,
    handler: organizations.search,
    auth: true,
  },
  {
    method: 'GET',
    path: STYTCH_PATHS.organizationsGet,
    handler: organizations.get,
    auth: true,
  },
  {
    method: 'PUT',
    path: STYTCH_PATHS.organizationsGet,
    handler: organizations.update,
    auth: true,
  },
  {
    method: 'DELETE',
    path: STYTCH_PATHS.organizationsGet,
    handler: organizations.remove,
    auth: true,
  },
  {
    method: 'POST',
    path: STYTCH_PATHS.membersCreate,
    handler: members.create,
    auth: true,
  },
  {
    method: 'GET',
    path: STYTCH_PATHS.membersGet,
    handler: members.get,
    auth: true,
  },
  { method: 'PUT', path: STYTCH_PATHS.membersUpdate, handler: members.update, auth: true },
  { method: 'DELETE', path: STYTCH_PATHS.membersUpdate, handler: members.remove, auth: true },
  {
    method: 'PUT',
    path: STYTCH_PATHS.membersReactivate,
    handler: members.reactivate,
    auth: true,
  },
  { method: 'POST', path: STYTCH_PATHS.membersSearch, handler: members.search, auth: true },
  { method: 'GET', path: STYTCH_PATHS.rbacPolicy, handler: rbac.policy, auth: true },
  {
    method: 'GET',
    path: STYTCH_PATHS.rbacOrgPolicy,
    handler: rbac.organizationPolicy,
    auth: true,
  },
]
