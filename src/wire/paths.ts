// The path table: every Stytch B2B path this package calls or the local server answers, written once.

import type * as Discovery from './discovery.js'
import type * as Mfa from './mfa.js'
import type * as OtpEmail from './otp-email.js'
import type * as Sessions from './sessions.js'

/** Every Stytch path used by this package; `{x}` marks a path parameter. */
export const STYTCH_PATHS = {
  otpEmailLoginOrSignup: '/v1/b2b/otps/email/login_or_signup',
  otpEmailAuthenticate: '/v1/b2b/otps/email/authenticate',
  otpEmailDiscoverySend: '/v1/b2b/otps/email/discovery/send',
  otpEmailDiscoveryAuthenticate: '/v1/b2b/otps/email/discovery/authenticate',
  discoveryOrganizations: '/v1/b2b/discovery/organizations',
  discoveryOrganizationsCreate: '/v1/b2b/discovery/organizations/create',
  discoveryIntermediateSessionsExchange: '/v1/b2b/discovery/intermediate_sessions/exchange',
  sessionsAuthenticate: '/v1/b2b/sessions/authenticate',
  sessionsRevoke: '/v1/b2b/sessions/revoke',
  sessionsExchange: '/v1/b2b/sessions/exchange',
  sessionsJwks: '/v1/b2b/sessions/jwks/{project_id}',
  sessionsGet: '/v1/b2b/sessions',
  organizationsCreate: '/v1/b2b/organizations',
  /** GET, PUT (update) and DELETE of one organization. */
  organizationsGet: '/v1/b2b/organizations/{organization_id}',
  organizationsSearch: '/v1/b2b/organizations/search',
  membersCreate: '/v1/b2b/organizations/{organization_id}/members',
  membersGet: '/v1/b2b/organizations/{organization_id}/member',
  /** PUT (update) and DELETE of one member. */
  membersUpdate: '/v1/b2b/organizations/{organization_id}/members/{member_id}',
  membersReactivate: '/v1/b2b/organizations/{organization_id}/members/{member_id}/reactivate',
  membersSearch: '/v1/b2b/organizations/members/search',
  rbacPolicy: '/v1/b2b/rbac/policy',
  rbacOrgPolicy: '/v1/b2b/rbac/organizations/{organization_id}',
  otpSmsSend: '/v1/b2b/otps/sms/send',
  otpSmsAuthenticate: '/v1/b2b/otps/sms/authenticate',
  totpCreate: '/v1/b2b/totp',
  totpAuthenticate: '/v1/b2b/totp/authenticate',
  recoveryCodesRecover: '/v1/b2b/recovery_codes/recover',
  /** GET: the member's current recovery codes. */
  recoveryCodesGet: '/v1/b2b/recovery_codes/{organization_id}/{member_id}',
  recoveryCodesRotate: '/v1/b2b/recovery_codes/rotate',
} as const

export type StytchPathName = keyof typeof STYTCH_PATHS

/**
 * A path of the table with its `{param}` placeholders filled in, each value percent-encoded.
 * @example stytchPath('membersGet', { organization_id: id }) // '/v1/b2b/organizations/<id>/member'
 */
export function stytchPath(name: StytchPathName, params: Record<string, string> = {}): string {
  return STYTCH_PATHS[name].replace(/\{([a-z_]+)\}/g, (placeholder, key: string) => {
    const value = params[key]
    if (value === undefined) throw new TypeError(`${name}: missing path parameter ${placeholder}`)
    return encodeURIComponent(value)
  })
}

/** The POST calls the middleware makes, by path name: what each sends and what it answers. */
export interface StytchCalls {
  otpEmailLoginOrSignup: [
    OtpEmail.OtpEmailLoginOrSignupRequest,
    OtpEmail.OtpEmailLoginOrSignupResponse,
  ]
  otpEmailAuthenticate: [
    OtpEmail.OtpEmailAuthenticateRequest,
    OtpEmail.OtpEmailAuthenticateResponse,
  ]
  otpEmailDiscoverySend: [
    OtpEmail.OtpEmailDiscoverySendRequest,
    OtpEmail.OtpEmailDiscoverySendResponse,
  ]
  otpEmailDiscoveryAuthenticate: [
    OtpEmail.OtpEmailDiscoveryAuthenticateRequest,
    OtpEmail.OtpEmailDiscoveryAuthenticateResponse,
  ]
  discoveryOrganizations: [
    Discovery.DiscoveryOrganizationsListRequest,
    Discovery.DiscoveryOrganizationsListResponse,
  ]
  discoveryOrganizationsCreate: [
    Discovery.DiscoveryOrganizationsCreateRequest,
    Discovery.DiscoveryOrganizationsCreateResponse,
  ]
  discoveryIntermediateSessionsExchange: [
    Discovery.DiscoveryIntermediateSessionsExchangeRequest,
    Discovery.DiscoveryIntermediateSessionsExchangeResponse,
  ]
  sessionsAuthenticate: [
    Sessions.SessionsAuthenticateRequest,
    Sessions.SessionsAuthenticateResponse,
  ]
  sessionsExchange: [Sessions.SessionsExchangeRequest, Sessions.SessionsExchangeResponse]
  sessionsRevoke: [Sessions.SessionsRevokeRequest, Sessions.SessionsRevokeResponse]
  otpSmsSend: [Mfa.OtpSmsSendRequest, Mfa.OtpSmsSendResponse]
  otpSmsAuthenticate: [Mfa.OtpSmsAuthenticateRequest, Mfa.OtpSmsAuthenticateResponse]
  totpCreate: [Mfa.TotpCreateRequest, Mfa.TotpCreateResponse]
  totpAuthenticate: [Mfa.TotpAuthenticateRequest, Mfa.TotpAuthenticateResponse]
  recoveryCodesRecover: [Mfa.RecoveryCodesRecoverRequest, Mfa.RecoveryCodesRecoverResponse]
  recoveryCodesRotate: [Mfa.RecoveryCodesRotateRequest, Mfa.RecoveryCodesRotateResponse]
}

/**
 * The GET calls, by path name: their path parameters and what each answers. Not in StytchCalls,
 * whose `call` POSTs: read them with `request('GET', stytchPath(name, params))`.
 */
export interface StytchGetCalls {
  recoveryCodesGet: [Mfa.RecoveryCodesGetRequest, Mfa.RecoveryCodesGetResponse]
}
