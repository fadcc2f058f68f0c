// The organization discovery steps of the step table.

import { BY_EMAIL, FIELD, type Step } from '../step.js'
import {
  authenticateDiscoveryCode,
  createOrganization,
  exchangeIntermediateSession,
  listDiscoveredOrganizations,
  sendDiscoveryCode,
} from './flow.js'

export const DISCOVERY_STEPS = [
  {
    name: 'sendDiscoveryCode',
    method: 'POST',
    path: '/otps/email/discovery/send',
    fields: { email_address: FIELD.email, locale: FIELD.locale },
    limit: BY_EMAIL('send'),
    run: (backend, _request, input) => sendDiscoveryCode(backend, input),
  },
  {
    name: 'authenticateDiscoveryCode',
    method: 'POST',
    path: '/otps/email/discovery/authenticate',
    fields: { email_address: FIELD.email, code: FIELD.code },
    limit: BY_EMAIL('attempt'),
    run: (backend, request, input) => authenticateDiscoveryCode(backend, request, input),
  },
  {
    name: 'listDiscoveredOrganizations',
    method: 'GET',
    path: '/discovery/organizations',
    fields: {},
    run: (backend, request, _input, check) => listDiscoveredOrganizations(backend, request, check),
  },
  {
    name: 'exchangeIntermediateSession',
    method: 'POST',
    path: '/discovery/intermediate_sessions/exchange',
    fields: {
      organization_id: FIELD.organizationId,
      session_duration_minutes: FIELD.sessionDuration,
      locale: FIELD.locale,
    },
    run: (backend, request, input) => exchangeIntermediateSession(backend, request, input),
  },
  {
    name: 'createOrganization',
    method: 'POST',
    path: '/discovery/organizations/create',
    fields: {
      organization_name: { kind: 'organizationName', optional: true },
      organization_slug: { kind: 'organizationSlug', optional: true },
      session_duration_minutes: FIELD.sessionDuration,
    },
    run: (backend, request, input) => createOrganization(backend, request, input),
  },
] as const satisfies readonly Step[]
