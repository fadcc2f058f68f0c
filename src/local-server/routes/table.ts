// The route table: every Stytch path the local server answers, with its handler.
import type { RouteHandler } from '../context.js'
import * as discovery from './discovery.js'
import * as organizations from './organizations.js'
import * as otpEmail from './otp-email.js'
import * as sessions from './sessions.js'

export interface RouteDefinition {
  method: 'GET' | 'POST'
  /** Path with `{param}` placeholders, also the key of `requestCount()`. */
  path: string
  handler: RouteHandler
  /** Basic auth with project id and secret (all but the JWKS). */
  auth: boolean
}

export const ROUTES: RouteDefinition[] = [
  {
    method: 'POST',
    path: '/v1/b2b/otps/email/login_or_signup',
    handler: otpEmail.loginOrSignup,
    auth: true,
  },
  {
    method: 'POST',
    path: '/v1/b2b/otps/email/authenticate',
    handler: otpEmail.authenticate,
    auth: true,
  },
  {
    method: 'POST',
    path: '/v1/b2b/otps/email/discovery/send',
    handler: otpEmail.discoverySend,
    auth: true,
  },
  {
    method: 'POST',
    path: '/v1/b2b/otps/email/discovery/authenticate',
    handler: otpEmail.discoveryAuthenticate,
    auth: true,
  },
  {
    method: 'POST',
    path: '/v1/b2b/discovery/organizations',
    handler: discovery.listOrganizations,
    auth: true,
  },
  {
    method: 'POST',
    path: '/v1/b2b/discovery/organizations/create',
    handler: discovery.createOrganization,
    auth: true,
  },
  {
    method: 'POST',
    path: '/v1/b2b/discovery/intermediate_sessions/exchange',
    handler: discovery.exchangeIntermediateSession,
    auth: true,
  },
  {
    method: 'POST',
    path: '/v1/b2b/sessions/authenticate',
    handler: sessions.authenticate,
    auth: true,
  },
  { method: 'POST', path: '/v1/b2b/sessions/revoke', handler: sessions.revoke, auth: true },
  { method: 'POST', path: '/v1/b2b/sessions/exchange', handler: sessions.exchange, auth: true },
  {
    method: 'GET',
    path: '/v1/b2b/sessions/jwks/{project_id}',
    handler: sessions.jwks,
    auth: false,
  },
  { method: 'GET', path: '/v1/b2b/sessions', handler: sessions.list, auth: true },
  { method: 'POST', path: '/v1/b2b/organizations', handler: organizations.create, auth: true },
  {
    method: 'POST',
    path: '/v1/b2b/organizations/search',
    handler: organizations.search,
    auth: true,
  },
  {
    method: 'GET',
    path: '/v1/b2b/organizations/{organization_id}',
    handler: organizations.get,
    auth: true,
  },
  {
    method: 'POST',
    path: '/v1/b2b/organizations/{organization_id}/members',
    handler: organizations.createMember,
    auth: true,
  },
  {
    method: 'GET',
    path: '/v1/b2b/organizations/{organization_id}/member',
    handler: organizations.getMember,
    auth: true,
  },
  { method: 'GET', path: '/v1/b2b/rbac/policy', handler: organizations.rbacPolicy, auth: true },
  {
    method: 'GET',
    path: '/v1/b2b/rbac/organizations/{organization_id}',
    handler: organizations.rbacOrgPolicy,
    auth: true,
  },
]
