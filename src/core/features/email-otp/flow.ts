// Organization login by email OTP: send a code for one organization, then check it.
import type { CoreRequest } from '../../kit/http.js'
import type { Backend } from '../../session/backend.js'
import { sendWithoutEnumeration } from '../send-code.js'
import { customClaims, loginResult, sessionDuration } from '../sign-in.js'
import type { StepResult } from '../step.js'

/**
 * POST {basePath}/otps/email/login_or_signup. Answers the same whether the address is a member,
 * may join, or may not (no account enumeration): a refused address simply receives no code, and
 * rate limits answer alike too (see `sendWithoutEnumeration`).
 */
export async function sendLoginCode(
  backend: Backend,
  input: { organization_id: string; email_address: string; locale?: string },
): Promise<StepResult> {
  await sendWithoutEnumeration(backend, async () => {
    try {
      await backend.stytch.call('otpEmailLoginOrSignup', {
        organization_id: input.organization_id,
        email_address: input.email_address,
        locale: input.locale,
      })
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ERR_ORGANIZATION_FORBIDDEN') throw error
    }
  })
  return {
    status: 200,
    headers: {},
    setCookies: [],
    body: { sent: true, emailAddress: input.email_address, organizationId: input.organization_id },
    state: {},
  }
}

/**
 * POST {basePath}/otps/email/authenticate. A session cookie already on the request is never sent
 * upstream to be extended (session fixation): a successful login always replaces it.
 */
export async function authenticateLoginCode(
  backend: Backend,
  request: CoreRequest,
  input: {
    organization_id: string
    email_address: string
    code: string
    session_duration_minutes?: number
    locale?: string
  },
): Promise<StepResult> {
  const response = await backend.stytch.call('otpEmailAuthenticate', {
    organization_id: input.organization_id,
    email_address: input.email_address,
    code: input.code,
    session_duration_minutes: sessionDuration(backend, input.session_duration_minutes),
    session_custom_claims: await customClaims(backend, 'otp-authenticate', input.organization_id),
    locale: input.locale,
  })
  return loginResult(backend, request, response)
}
