// The organization login steps (email OTP) of the step table.

import { BY_EMAIL, FIELD, type Step } from '../step.js'
import { authenticateLoginCode, sendLoginCode } from './flow.js'

export const EMAIL_OTP_STEPS = [
  {
    name: 'sendLoginCode',
    method: 'POST',
    path: '/otps/email/login_or_signup',
    fields: {
      organization_id: FIELD.organizationId,
      email_address: FIELD.email,
      locale: FIELD.locale,
    },
    limit: BY_EMAIL('send'),
    run: (backend, _request, input) => sendLoginCode(backend, input),
  },
  {
    name: 'authenticateLoginCode',
    method: 'POST',
    path: '/otps/email/authenticate',
    fields: {
      organization_id: FIELD.organizationId,
      email_address: FIELD.email,
      code: FIELD.code,
      session_duration_minutes: FIELD.sessionDuration,
      locale: FIELD.locale,
    },
    limit: BY_EMAIL('attempt'),
    run: (backend, request, input) => authenticateLoginCode(backend, request, input),
  },
] as const satisfies readonly Step[]
