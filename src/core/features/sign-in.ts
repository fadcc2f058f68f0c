// The shared handling of an answer that may sign a member in, and what every sign-in step asks Stytch for.

import { INTERMEDIATE_SESSION_LIFETIME_SECONDS } from '../../wire/discovery.js'
import type { AuthenticatedResponseBase, MfaRequired } from '../../wire/sessions.js'
import type { CustomClaimsContext } from '../kit/config.js'
import { AuthError } from '../kit/errors.js'
import type { CoreRequest } from '../kit/http.js'
import type { Backend } from '../session/backend.js'
import { sessionFromResponse } from '../session/model.js'
import { sessionCookies } from '../session/session-cookies.js'
import type { StepResult } from './step.js'

/**
 * Turns an answer that may log the member in (OTP authenticate, IST exchange, discovery create,
 * session exchange) into cookies and a body. Logged in: session cookies set, IST cookie cleared.
 * More factors needed (MFA or a primary method): the IST is kept in its cookie.
 */
export function loginResult(
  backend: Backend,
  request: CoreRequest,
  response: AuthenticatedResponseBase,
): StepResult {
  const { cookies, exposeTokens, now } = backend.config
  if (response.member_authenticated) return signedInResult(backend, request, response)
  if (!response.intermediate_session_token) {
    throw new AuthError('ERR_STYTCH_UNAVAILABLE', 'Stytch answered without a session.', {
      status: 503,
    })
  }
  const options = response.mfa_required != null ? mfaOptions(response.mfa_required) : undefined
  // On the request too, with whom the MFA steps take, for apps that render their own pages.
  const mfa = options && {
    organizationId: response.organization.organization_id,
    memberId: response.member_id,
    ...options,
  }
  const expiresAt = Date.parse(response.intermediate_session_token_expires_at ?? '')
  const maxAge = Number.isNaN(expiresAt)
    ? INTERMEDIATE_SESSION_LIFETIME_SECONDS
    : (expiresAt - now()) / 1000
  return {
    status: 200,
    headers: {},
    setCookies: [
      cookies.serialize(
        'intermediateSession',
        response.intermediate_session_token,
        maxAge,
        request,
      ),
    ],
    body: {
      memberAuthenticated: false,
      organizationId: response.organization.organization_id,
      memberId: response.member_id,
      mfaRequired: response.mfa_required != null,
      primaryRequired: response.primary_required?.allowed_auth_methods ?? null,
      ...(options ? { mfa: options } : {}),
      ...(exposeTokens ? { intermediateSessionToken: response.intermediate_session_token } : {}),
    },
    state: { memberAuthenticated: false, mfa },
  }
}

/** What a member who signed in needs to render the second step: never a full phone number. */
function mfaOptions(required: MfaRequired): {
  phoneNumber: string | null
  totpRegistered: boolean
  smsSent: boolean
} {
  const phone = required.member_options?.mfa_phone_number
  return {
    phoneNumber: phone ? maskPhoneNumber(phone) : null,
    totpRegistered: Boolean(required.member_options?.totp_registration_id),
    smsSent: required.secondary_auth_initiated === 'sms_otp',
  }
}

/** `+15555554567` → `+*******4567`: enough to recognise one's own phone, not to learn another's. */
export function maskPhoneNumber(phone: string): string {
  const keep = Math.min(4, phone.length)
  return phone.slice(0, -keep).replace(/[^+]/g, '*') + phone.slice(-keep)
}

/**
 * Session cookies and the signed-in body for an answer that carries a new member session (a
 * completed login or second factor); the intermediate-session cookie is cleared.
 */
export function signedInResult(
  backend: Backend,
  request: CoreRequest,
  response: Pick<
    AuthenticatedResponseBase,
    'member' | 'organization' | 'session_token' | 'session_jwt' | 'member_session'
  >,
): StepResult {
  const { cookies, exposeTokens } = backend.config
  if (!response.session_token || !response.session_jwt || !response.member_session) {
    throw new AuthError('ERR_STYTCH_UNAVAILABLE', 'Stytch answered without a session.', {
      status: 503,
    })
  }
  const session = sessionFromResponse(
    response.member,
    response.organization,
    response.member_session,
  )
  backend.refresher.confirm(response.member_session.member_session_id, response.session_token)
  return {
    status: 200,
    headers: {},
    setCookies: [
      ...sessionCookies(
        backend,
        request,
        response.session_token,
        response.session_jwt,
        response.member_session.expires_at,
      ),
      cookies.clear('intermediateSession', request),
    ],
    body: {
      memberAuthenticated: true,
      ...session,
      ...(exposeTokens
        ? { sessionToken: response.session_token, sessionJwt: response.session_jwt }
        : {}),
    },
    state: { session, memberAuthenticated: true },
  }
}

/** Session duration to ask Stytch for: the browser's choice within bounds, else the default. */
export function sessionDuration(backend: Backend, requested: number | undefined): number {
  return requested ?? backend.config.sessionDurationMinutes
}

/** Custom claims from the host's server-side hook (never from the browser). */
export async function customClaims(
  backend: Backend,
  step: CustomClaimsContext['step'],
  organizationId: string | undefined,
): Promise<Record<string, unknown> | undefined> {
  const hook = backend.config.sessionCustomClaims
  return hook ? await hook({ step, organizationId }) : undefined
}
