// Second factors: SMS codes, authenticator apps (TOTP) and recovery codes, on an intermediate session or a signed-in one.
import type { MfaCredentials, MfaMemberRef } from '../../../wire/mfa.js'
import { type StytchGetCalls, stytchPath } from '../../../wire/paths.js'
import { AuthError } from '../../kit/errors.js'
import type { CoreRequest } from '../../kit/http.js'
import type { Backend, SessionCheck } from '../../session/backend.js'
import { missingSession } from '../../session/check.js'
import type { SessionContext } from '../../session/model.js'
import { cookiesOf } from '../../session/session-cookies.js'
import { customClaims, sessionDuration, signedInResult } from '../sign-in.js'
import type { StepResult } from '../step.js'

/** Who a step is about, as the browser names them. */
type MemberInput = { organization_id: string; member_id: string }

/** The credential a second-factor call runs on, and the signed-in session it came from, if any. */
interface Credentials {
  ref: MfaMemberRef
  credentials: MfaCredentials
  session: SessionContext | undefined
}

/**
 * The intermediate-session cookie when there is one (a sign-in in progress), else the signed-in
 * session (enrolling a second factor later). A session may only act on its own member: the ids are
 * checked here, so an attacker's session cannot enrol a phone on someone else's member id. Its token
 * goes upstream (Stytch ties the factor to that session); when the token cookie was planted beside
 * another member's JWT, Stytch refuses it for the JWT's member id, and an answer for another
 * session than the verified JWT's is refused (`checkSameSession`).
 */
function credentialsOf(
  backend: Backend,
  request: CoreRequest,
  check: SessionCheck,
  input: MemberInput,
): Credentials {
  const ist = cookiesOf(request, backend).intermediateSession
  const ref = { organization_id: input.organization_id, member_id: input.member_id }
  if (ist !== undefined) {
    return { ref, credentials: { intermediate_session_token: ist }, session: undefined }
  }
  if (check.session === undefined) {
    if (check.failure) throw missingSession(check)
    throw new AuthError(
      'ERR_INTERMEDIATE_SESSION_MISSING',
      'Sign in with your first factor first: the sign-in step is missing or has expired.',
    )
  }
  const { member, organization } = check.session
  const ownOrganization =
    input.organization_id === organization.organizationId ||
    input.organization_id === organization.organizationSlug
  if (!ownOrganization || input.member_id !== member.memberId) throw forbidden()
  return {
    ref: ownRef(check.session),
    credentials: sessionCredentials(check),
    session: check.session,
  }
}

/** The signed-in member's own ids: the only member whose recovery codes a session may read. */
function ownRef(session: SessionContext): MfaMemberRef {
  return {
    organization_id: session.organization.organizationId,
    member_id: session.member.memberId,
  }
}

/** The session token cookie when it came with the verified JWT, else (a bearer JWT) the JWT. */
function sessionCredentials(check: SessionCheck): MfaCredentials {
  if (check.sessionToken !== undefined) return { session_token: check.sessionToken }
  return { session_jwt: check.sessionJwt as string }
}

function forbidden(): AuthError {
  return new AuthError(
    'ERR_ORGANIZATION_FORBIDDEN',
    'A signed-in member may only manage its own second factors.',
    { status: 403 },
  )
}

/** A signed-in session for the steps that need one (recovery codes). */
function requireSession(check: SessionCheck): SessionContext {
  if (check.session === undefined) throw missingSession(check)
  return check.session
}

/** POST {basePath}/mfa/sms/send: texts a code, enrolling `mfa_phone_number` if the member has none. */
export async function sendMfaSmsCode(
  backend: Backend,
  request: CoreRequest,
  check: SessionCheck,
  input: MemberInput & { mfa_phone_number?: string; locale?: string },
): Promise<StepResult> {
  const { ref, credentials } = credentialsOf(backend, request, check, input)
  await backend.stytch.call('otpSmsSend', {
    ...ref,
    ...credentials,
    mfa_phone_number: input.mfa_phone_number,
    locale: input.locale,
  })
  return { status: 200, headers: {}, setCookies: [], body: { sent: true }, state: {} }
}

type CodeInput = MemberInput & { code: string; session_duration_minutes?: number }

/** A step that completes the sign-in with a code: texted (SMS) or from an authenticator app (TOTP). */
function codeFactor(call: 'otpSmsAuthenticate' | 'totpAuthenticate') {
  return (
    backend: Backend,
    request: CoreRequest,
    check: SessionCheck,
    input: CodeInput,
  ): Promise<StepResult> =>
    completeFactor(backend, request, check, input, (body) =>
      backend.stytch.call(call, { ...body, code: input.code }),
    )
}

/** POST {basePath}/mfa/sms/authenticate: completes the sign-in with a texted code. */
export const authenticateMfaSmsCode = codeFactor('otpSmsAuthenticate')

/** POST {basePath}/mfa/totp/authenticate: completes the sign-in with an authenticator app code. */
export const authenticateTotpCode = codeFactor('totpAuthenticate')

/** POST {basePath}/mfa/recovery_codes/recover: completes the sign-in with a single-use recovery code. */
export function recoverWithRecoveryCode(
  backend: Backend,
  request: CoreRequest,
  check: SessionCheck,
  input: MemberInput & { recovery_code: string; session_duration_minutes?: number },
): Promise<StepResult> {
  return completeFactor(backend, request, check, input, (body) =>
    backend.stytch.call('recoveryCodesRecover', { ...body, recovery_code: input.recovery_code }),
  )
}

type FactorCall = Parameters<typeof signedInResult>[2] & {
  member_session?: { member_session_id: string } | null
}

/**
 * Runs one second-factor check and, on success, swaps the intermediate session for the member
 * session. A failure throws before any cookie is written: the intermediate session is kept.
 */
async function completeFactor(
  backend: Backend,
  request: CoreRequest,
  check: SessionCheck,
  input: MemberInput & { session_duration_minutes?: number },
  call: (
    body: MfaMemberRef &
      MfaCredentials & {
        session_duration_minutes: number
        session_custom_claims: Record<string, unknown> | undefined
      },
  ) => Promise<FactorCall>,
): Promise<StepResult> {
  const { ref, credentials, session } = credentialsOf(backend, request, check, input)
  const response = await call({
    ...ref,
    ...credentials,
    session_duration_minutes: sessionDuration(backend, input.session_duration_minutes),
    session_custom_claims: await customClaims(backend, 'mfa-authenticate', ref.organization_id),
  })
  const answered = response.member_session?.member_session_id
  if (session !== undefined && answered !== session.memberSession.memberSessionId) {
    // The token cookie named another session than the verified JWT: that pair is never trusted.
    throw new AuthError('ERR_SESSION_INVALID', 'The session cookies do not match.')
  }
  return signedInResult(backend, request, response)
}

/**
 * POST {basePath}/mfa/totp/create: a new authenticator-app registration. The only answer that
 * shows a secret and recovery codes (never cached, like every auth answer).
 */
export async function createTotpRegistration(
  backend: Backend,
  request: CoreRequest,
  check: SessionCheck,
  input: MemberInput,
): Promise<StepResult> {
  const { ref, credentials } = credentialsOf(backend, request, check, input)
  const response = await backend.stytch.call('totpCreate', { ...ref, ...credentials })
  const totpRegistration = {
    totpRegistrationId: response.totp_registration_id,
    secret: response.secret,
    qrCode: response.qr_code,
    recoveryCodes: response.recovery_codes,
  }
  return {
    status: 200,
    headers: {},
    setCookies: [],
    body: totpRegistration,
    state: { totpRegistration },
  }
}

/** GET {basePath}/mfa/recovery_codes: the signed-in member's own recovery codes. */
export async function getRecoveryCodes(backend: Backend, check: SessionCheck): Promise<StepResult> {
  const ref = ownRef(requireSession(check))
  const response = await backend.stytch.request<StytchGetCalls['recoveryCodesGet'][1]>(
    'GET',
    stytchPath('recoveryCodesGet', { ...ref }),
  )
  return recoveryCodesResult(response.recovery_codes)
}

/** POST {basePath}/mfa/recovery_codes/rotate: replaces the signed-in member's recovery codes. */
export async function rotateRecoveryCodes(
  backend: Backend,
  check: SessionCheck,
): Promise<StepResult> {
  const ref = ownRef(requireSession(check))
  const response = await backend.stytch.call('recoveryCodesRotate', {
    ...ref,
    ...sessionCredentials(check),
  })
  return recoveryCodesResult(response.recovery_codes)
}

function recoveryCodesResult(recoveryCodes: string[]): StepResult {
  return {
    status: 200,
    headers: {},
    setCookies: [],
    body: { recoveryCodes },
    state: { recoveryCodes },
  }
}
