// The Stytch B2B calls the flows make, typed with the wire shapes.

import type {
  DiscoveryIntermediateSessionsExchangeRequest,
  DiscoveryIntermediateSessionsExchangeResponse,
  DiscoveryOrganizationsCreateRequest,
  DiscoveryOrganizationsCreateResponse,
  DiscoveryOrganizationsListRequest,
  DiscoveryOrganizationsListResponse,
} from '../../wire/discovery.js'
import type {
  OtpEmailAuthenticateRequest,
  OtpEmailAuthenticateResponse,
  OtpEmailDiscoveryAuthenticateRequest,
  OtpEmailDiscoveryAuthenticateResponse,
  OtpEmailDiscoverySendRequest,
  OtpEmailDiscoverySendResponse,
  OtpEmailLoginOrSignupRequest,
  OtpEmailLoginOrSignupResponse,
} from '../../wire/otp-email.js'
import { STYTCH_PATHS } from '../../wire/paths.js'
import type {
  SessionsAuthenticateRequest,
  SessionsAuthenticateResponse,
  SessionsExchangeRequest,
  SessionsExchangeResponse,
  SessionsRevokeRequest,
  SessionsRevokeResponse,
} from '../../wire/sessions.js'
import type { StytchClient } from './client.js'

export interface StytchB2BApi {
  otpLoginOrSignup(body: OtpEmailLoginOrSignupRequest): Promise<OtpEmailLoginOrSignupResponse>
  otpAuthenticate(body: OtpEmailAuthenticateRequest): Promise<OtpEmailAuthenticateResponse>
  discoverySend(body: OtpEmailDiscoverySendRequest): Promise<OtpEmailDiscoverySendResponse>
  discoveryAuthenticate(
    body: OtpEmailDiscoveryAuthenticateRequest,
  ): Promise<OtpEmailDiscoveryAuthenticateResponse>
  discoveryList(
    body: DiscoveryOrganizationsListRequest,
  ): Promise<DiscoveryOrganizationsListResponse>
  discoveryCreate(
    body: DiscoveryOrganizationsCreateRequest,
  ): Promise<DiscoveryOrganizationsCreateResponse>
  discoveryExchange(
    body: DiscoveryIntermediateSessionsExchangeRequest,
  ): Promise<DiscoveryIntermediateSessionsExchangeResponse>
  sessionsAuthenticate(body: SessionsAuthenticateRequest): Promise<SessionsAuthenticateResponse>
  sessionsExchange(body: SessionsExchangeRequest): Promise<SessionsExchangeResponse>
  sessionsRevoke(body: SessionsRevokeRequest): Promise<SessionsRevokeResponse>
}

export function createB2BApi(client: StytchClient): StytchB2BApi {
  const post =
    <Req, Res>(path: string) =>
    (body: Req): Promise<Res> =>
      client.request<Res>('POST', path, body)
  return {
    otpLoginOrSignup: post(STYTCH_PATHS.otpEmailLoginOrSignup),
    otpAuthenticate: post(STYTCH_PATHS.otpEmailAuthenticate),
    discoverySend: post(STYTCH_PATHS.otpEmailDiscoverySend),
    discoveryAuthenticate: post(STYTCH_PATHS.otpEmailDiscoveryAuthenticate),
    discoveryList: post(STYTCH_PATHS.discoveryOrganizations),
    discoveryCreate: post(STYTCH_PATHS.discoveryOrganizationsCreate),
    discoveryExchange: post(STYTCH_PATHS.discoveryIntermediateSessionsExchange),
    sessionsAuthenticate: post(STYTCH_PATHS.sessionsAuthenticate),
    sessionsExchange: post(STYTCH_PATHS.sessionsExchange),
    sessionsRevoke: post(STYTCH_PATHS.sessionsRevoke),
  }
}
