// Organization discovery by email OTP: send a code, check it, list organizations, enter or create one.
import { INTERMEDIATE_SESSION_LIFETIME_SECONDS } from '../../../wire/discovery.js'
import { AuthError } from '../../kit/errors.js'
import type { AuthRequest } from '../../kit/http.js'
import type { Engine, SessionCheck } from '../../session/backend.js'
import { missingSession } from '../../session/check.js'
import { discoveredOrganizationsFrom } from '../../session/model.js'
import { cookiesOf } from '../../session/session-cookies.js'
import { sendWithoutEnumeration } from '../send-code.js'
import { customClaims, loginResult, sessionDuration } from '../sign-in.js'
import type { StepResult } from '../step.js'

/** POST {basePath}/otps/email/discovery/send */
export async function sendDiscoveryCode(
  engine: Engine,
  input: { email_address: string; locale?: string },
): Promise<StepResult> {
  // The same answer whether or not the address belongs to anyone (no account enumeration),
  // rate limits included.
  await sendWithoutEnumeration(engine, input.email_address, () =>
    engine.stytch.call('otpEmailDiscoverySend', {
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
  engine: Engine,
  request: AuthRequest,
  input: { email_address: string; code: string },
): Promise<StepResult> {
  const response = await engine.stytch.call('otpEmailDiscoveryAuthenticate', input)
  if (!response.intermediate_session_token || !Array.isArray(response.discovered_organizations)) {
    throw new AuthError('ERR_STYTCH_UNAVAILABLE', 'Stytch answered without a sign-in step.', {
      status: 503,
    })
  }
  const expiresAt = Date.parse(response.intermediate_session_token_expires_at ?? '')
  const maxAge = Number.isNaN(expiresAt)
    ? INTERMEDIATE_SESSION_LIFETIME_SECONDS
    : (expiresAt - engine.config.now()) / 1000
  const discoveredOrganizations = discoveredOrganizationsFrom(response.discovered_organizations)
  return {
    status: 200,
    headers: {},
    setCookies: [
      engine.config.cookies.serialize(
        'intermediateSession',
        response.intermediate_session_token,
        maxAge,
        request,
      ),
    ],
    body: {
      emailAddress: response.email_address,
      discoveredOrganizations,
      ...(engine.config.exposeTokens
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
  engine: Engine,
  request: AuthRequest,
  check: SessionCheck,
): Promise<StepResult> {
  const ist = cookiesOf(request, engine).intermediateSession
  let body: { intermediate_session_token: string } | { session_jwt: string }
  if (ist !== undefined) body = { intermediate_session_token: ist }
  // The verified JWT, never the token cookie beside it (which nothing has tied to that JWT).
  else if (check.session && check.sessionJwt !== undefined) body = { session_jwt: check.sessionJwt }
  else if (check.failure) throw missingSession(check)
  else throw missingIntermediateSession()
  const response = await engine.stytch.call('discoveryOrganizations', body)
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
  engine: Engine,
  request: AuthRequest,
  input: { organization_id: string; session_duration_minutes?: number; locale?: string },
): Promise<StepResult> {
  const ist = requireIntermediateSession(engine, request)
  const response = await engine.stytch.call('discoveryIntermediateSessionsExchange', {
    intermediate_session_token: ist,
    organization_id: input.organization_id,
    session_duration_minutes: sessionDuration(engine, input.session_duration_minutes),
    session_custom_claims: await customClaims(engine, 'discovery-exchange', input.organization_id),
    locale: input.locale,
  })
  return loginResult(engine, request, response)
}

/** POST {basePath}/discovery/organizations/create: create an organization and sign in to it. */
export async function createOrganization(
  engine: Engine,
  request: AuthRequest,
  input: {
    organization_name?: string
    organization_slug?: string
    session_duration_minutes?: number
  },
): Promise<StepResult> {
  const ist = requireIntermediateSession(engine, request)
  const response = await engine.stytch.call('discoveryOrganizationsCreate', {
    intermediate_session_token: ist,
    organization_name: input.organization_name,
    organization_slug: input.organization_slug,
    session_duration_minutes: sessionDuration(engine, input.session_duration_minutes),
    session_custom_claims: await customClaims(engine, 'discovery-create', undefined),
  })
  return loginResult(engine, request, response)
}

function requireIntermediateSession(engine: Engine, request: AuthRequest): string {
  const ist = cookiesOf(request, engine).intermediateSession
  if (ist === undefined) throw missingIntermediateSession()
  return ist
}

function missingIntermediateSession(): AuthError {
  return new AuthError(
    'ERR_INTERMEDIATE_SESSION_MISSING',
    'Verify your email address first: the sign-in step is missing or has expired.',
  )
}
