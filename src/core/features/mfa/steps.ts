// The second-factor steps of the step table: SMS codes, authenticator apps, recovery codes.

import { BY_MEMBER, FIELD, type Step } from '../step.js'
import {
  authenticateMfaSmsCode,
  authenticateTotpCode,
  createTotpRegistration,
  getRecoveryCodes,
  recoverWithRecoveryCode,
  rotateRecoveryCodes,
  sendMfaSmsCode,
} from './flow.js'

const MEMBER = { organization_id: FIELD.organizationId, member_id: FIELD.memberId } as const

export const MFA_STEPS = [
  {
    name: 'sendMfaSmsCode',
    method: 'POST',
    path: '/mfa/sms/send',
    fields: { ...MEMBER, mfa_phone_number: FIELD.phoneNumber, locale: FIELD.locale },
    limit: BY_MEMBER('send'),
    run: (backend, request, input, check) => sendMfaSmsCode(backend, request, check, input),
  },
  {
    name: 'authenticateMfaSmsCode',
    method: 'POST',
    path: '/mfa/sms/authenticate',
    fields: { ...MEMBER, code: FIELD.code, session_duration_minutes: FIELD.sessionDuration },
    limit: BY_MEMBER('attempt'),
    run: (backend, request, input, check) => authenticateMfaSmsCode(backend, request, check, input),
  },
  {
    name: 'createTotpRegistration',
    method: 'POST',
    path: '/mfa/totp/create',
    fields: MEMBER,
    run: (backend, request, input, check) => createTotpRegistration(backend, request, check, input),
  },
  {
    name: 'authenticateTotpCode',
    method: 'POST',
    path: '/mfa/totp/authenticate',
    fields: { ...MEMBER, code: FIELD.code, session_duration_minutes: FIELD.sessionDuration },
    limit: BY_MEMBER('attempt'),
    run: (backend, request, input, check) => authenticateTotpCode(backend, request, check, input),
  },
  {
    name: 'recoverWithRecoveryCode',
    method: 'POST',
    path: '/mfa/recovery_codes/recover',
    fields: {
      ...MEMBER,
      recovery_code: FIELD.recoveryCode,
      session_duration_minutes: FIELD.sessionDuration,
    },
    limit: BY_MEMBER('attempt'),
    run: (backend, request, input, check) =>
      recoverWithRecoveryCode(backend, request, check, input),
  },
  {
    name: 'getRecoveryCodes',
    method: 'GET',
    path: '/mfa/recovery_codes',
    fields: {},
    run: (backend, _request, _input, check) => getRecoveryCodes(backend, check),
  },
  {
    name: 'rotateRecoveryCodes',
    method: 'POST',
    path: '/mfa/recovery_codes/rotate',
    fields: {},
    run: (backend, _request, _input, check) => rotateRecoveryCodes(backend, check),
  },
] as const satisfies readonly Step[]
