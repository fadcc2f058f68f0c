// Organization discovery by email OTP: send a code, check it, list organizations, enter or create one.
import { INTERMEDIATE_SESSION_LIFETIME_SECONDS } from '../../../wire/discovery.js'
import { AuthError } from '../../kit/errors.js'
import type { CoreRequest } from '../../kit/http.js'
import type { Backend, SessionCheck } from '../../session/backend.js'
import { missingSession } from '../../session/check.js'
import { discoveredOrganizationsFrom } from '../../session/model.js'
import { cookiesOf } from '../../session/session-cookies.js'
import { sendWithoutEnumeration } from '../send-code.js'
import { customClaims, loginResult, sessionDuration } from '../sign-in.js'
import type { StepResult } from '../step.js'

/** POST {basePath}/otps/email/discovery/send */
export async function sendDiscoveryCode(
  backend: Backend,
  input: { email_address: string; locale?: string },
): Promise<StepResult> {
  // The same answer whether or not the address belongs to anyone (no account enumeration),
  // rate limits included.
  await sendWithoutEnumeration(backend, () =>
    backend.stytch.call('otpEmailDiscoverySend', {
      email_address: input.email_address,
      locale: input.locale,
    }),
  )
  return {
    status: 200,
    headers: {},
    setCookies: [],
    body: { sent: true, emailAddress: input.email_address },
    state: { discoveryEmailAddress: input.email_address },
  }
}

/** POST {basePath}/otps/email/discovery/authenticate: sets the intermediate-session cookie. */
export async function authenticateDiscoveryCode(
  backend: Backend,
  request: CoreRequest,
  input: { email_address: string; code: string },
): Promise<StepResult> {
  const response = await backend.stytch.call('otpEmailDiscoveryAuthenticate', input)
  if (!response.intermediate_session_token || !Array.isArray(response.discovered_organizations)) {
    throw new AuthError('ERR_STYTCH_UNAVAILABLE', 'Stytch answered without a sign-in step.', {
      status: 503,
    })
  }
  const expiresAt = Date.parse(response.intermediate_session_token_expires_at ?? '')
  const maxAge = Number.isNaN(expiresAt)
    ? INTERMEDIATE_SESSION_LIFETIME_SECONDS
    : (expiresAt - backend.config.now()) / 1000
  const discoveredOrganizations = discoveredOrganizationsFrom(response.discovered_organizations)
  return {
    status: 200,
    headers: {},
    setCookies: [
      backend.config.cookies.serialize(
        'intermediateSession',
        response.intermediate_session_token,
        maxAge,
        request,
      ),
    ],
    body: {
      emailAddress: response.email_address,
      discoveredOrganizations,
      ...(backend.config.exposeTokens
        ? { intermediateSessionToken: response.intermediate_session_token }
        : {}),
    },
    state: { discoveredOrganizations, discoveryEmailAddress: response.email_address },
  }
}

/**
 * GET {basePath}/discovery/organizations: organizations for the intermediate session cookie or,
 * without one, for the signed-in member (only those it can switch to).
 */
export async function listDiscoveredOrganizations(
  backend: Backend,
  request: CoreRequest,
  check: SessionCheck,
): Promise<StepResult> {
  const ist = cookiesOf(request, backend).intermediateSession
  let body: { intermediate_session_token: string } | { session_jwt: string }
  if (ist !== undefined) body = { intermediate_session_token: ist }
  // The verified JWT, never the token cookie beside it (which nothing has tied to that JWT).
  else if (check.session && check.sessionJwt !== undefined) body = { session_jwt: check.sessionJwt }
  else if (check.failure) throw missingSession(check)
  else throw missingIntermediateSession()
  const response = await backend.stytch.call('discoveryOrganizations', body)
  const discoveredOrganizations = discoveredOrganizationsFrom(
    response.discovered_organizations ?? [],
  )
  return {
    status: 200,
    headers: {},
    setCookies: [],
    body: { emailAddress: response.email_address, discoveredOrganizations },
    state: { discoveredOrganizations, discoveryEmailAddress: response.email_address },
  }
}

/** POST {basePath}/discovery/intermediate_sessions/exchange: enter the chosen organization. */
export async function exchangeIntermediateSession(
  backend: Backend,
  request: CoreRequest,
  input: { organization_id: string; session_duration_minutes?: number; locale?: string },
): Promise<StepResult> {
  const ist = requireIntermediateSession(backend, request)
  const response = await backend.stytch.call('discoveryIntermediateSessionsExchange', {
    intermediate_session_token: ist,
    organization_id: input.organization_id,
    session_duration_minutes: sessionDuration(backend, input.session_duration_minutes),
    session_custom_claims: await customClaims(backend, 'discovery-exchange', input.organization_id),
    locale: input.locale,
  })
  return loginResult(backend, request, response)
}

/** POST {basePath}/discovery/organizations/create: create an organization and sign in to it. */
export async function createOrganization(
  backend: Backend,
  request: CoreRequest,
  input: {
    organization_name?: string
    organization_slug?: string
    session_duration_minutes?: number
  },
): Promise<StepResult> {
  const ist = requireIntermediateSession(backend, request)
  const response = await backend.stytch.call('discoveryOrganizationsCreate', {
    intermediate_session_token: ist,
    organization_name: input.organization_name,
    organization_slug: input.organization_slug,
    session_duration_minutes: sessionDuration(backend, input.session_duration_minutes),
    session_custom_claims: await customClaims(backend, 'discovery-create', undefined),
  })
  return loginResult(backend, request, response)
}

function requireIntermediateSession(backend: Backend, request: CoreRequest): string {
  const ist = cookiesOf(request, backend).intermediateSession
  if (ist === undefined) throw missingIntermediateSession()
  return ist
}

function missingIntermediateSession(): AuthError {
  return new AuthError(
    'ERR_INTERMEDIATE_SESSION_MISSING',
    'Verify your email address first: the sign-in step is missing or has expired.',
  )
}
