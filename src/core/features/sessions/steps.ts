// The signed-in session's steps of the step table: switch organization, log out, read it.

import { FIELD, type Step } from '../step.js'
import { currentSession, exchangeSession, revokeSession } from './flow.js'

export const SESSION_STEPS = [
  {
    name: 'exchangeSession',
    method: 'POST',
    path: '/sessions/exchange',
    fields: {
      organization_id: FIELD.organizationId,
      session_duration_minutes: FIELD.sessionDuration,
      locale: FIELD.locale,
    },
    run: (backend, request, input, check) => exchangeSession(backend, request, check, input),
  },
  {
    name: 'revokeSession',
    method: 'POST',
    path: '/sessions/revoke',
    fields: {},
    run: (backend, request, _input, check) => revokeSession(backend, request, check),
  },
  {
    name: 'currentSession',
    method: 'GET',
    path: '/session',
    fields: {},
    run: async (_engine, _request, _input, check) => currentSession(check),
  },
] as const satisfies readonly Step[]
