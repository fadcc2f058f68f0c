// The table of auth routes: one entry per step, with its method, path, accepted fields and flow.

import type { Engine, SessionCheck, StepResult } from './flows/context.js'
import {
  authenticateDiscoveryCode,
  createOrganization,
  exchangeIntermediateSession,
  listDiscoveredOrganizations,
  sendDiscoveryCode,
} from './flows/discovery.js'
import { authenticateLoginCode, sendLoginCode } from './flows/email-otp.js'
import { currentSession, exchangeSession, revokeSession } from './flows/session.js'
import type { AuthRequest } from './http.js'
import type { FieldSpec } from './input.js'

export type StepName =
  | 'sendDiscoveryCode'
  | 'authenticateDiscoveryCode'
  | 'listDiscoveredOrganizations'
  | 'exchangeIntermediateSession'
  | 'createOrganization'
  | 'sendLoginCode'
  | 'authenticateLoginCode'
  | 'exchangeSession'
  | 'revokeSession'
  | 'currentSession'

export interface Step {
  name: StepName
  method: 'GET' | 'POST'
  /** Path under `basePath`. */
  path: string
  fields: FieldSpec
  // biome-ignore lint/suspicious/noExplicitAny: each step validates its own fields before running
  run(engine: Engine, request: AuthRequest, input: any, check: SessionCheck): Promise<StepResult>
}

const EMAIL = { kind: 'email' } as const
const CODE = { kind: 'code' } as const
const ORGANIZATION = { kind: 'organizationId' } as const
const DURATION = { kind: 'sessionDuration', optional: true } as const
const LOCALE = { kind: 'locale', optional: true } as const

export const STEPS: readonly Step[] = [
  {
    name: 'sendDiscoveryCode',
    method: 'POST',
    path: '/otps/email/discovery/send',
    fields: { email_address: EMAIL, locale: LOCALE },
    run: (engine, _request, input) => sendDiscoveryCode(engine, input),
  },
  {
    name: 'authenticateDiscoveryCode',
    method: 'POST',
    path: '/otps/email/discovery/authenticate',
    fields: { email_address: EMAIL, code: CODE },
    run: (engine, request, input) => authenticateDiscoveryCode(engine, request, input),
  },
  {
    name: 'listDiscoveredOrganizations',
    method: 'GET',
    path: '/discovery/organizations',
    fields: {},
    run: (engine, request, _input, check) => listDiscoveredOrganizations(engine, request, check),
  },
  {
    name: 'exchangeIntermediateSession',
    method: 'POST',
    path: '/discovery/intermediate_sessions/exchange',
    fields: { organization_id: ORGANIZATION, session_duration_minutes: DURATION, locale: LOCALE },
    run: (engine, request, input) => exchangeIntermediateSession(engine, request, input),
  },
  {
    name: 'createOrganization',
    method: 'POST',
    path: '/discovery/organizations/create',
    fields: {
      organization_name: { kind: 'organizationName', optional: true },
      organization_slug: { kind: 'organizationSlug', optional: true },
      session_duration_minutes: DURATION,
    },
    run: (engine, request, input) => createOrganization(engine, request, input),
  },
  {
    name: 'sendLoginCode',
    method: 'POST',
    path: '/otps/email/login_or_signup',
    fields: { organization_id: ORGANIZATION, email_address: EMAIL, locale: LOCALE },
    run: (engine, _request, input) => sendLoginCode(engine, input),
  },
  {
    name: 'authenticateLoginCode',
    method: 'POST',
    path: '/otps/email/authenticate',
    fields: {
      organization_id: ORGANIZATION,
      email_address: EMAIL,
      code: CODE,
      session_duration_minutes: DURATION,
      locale: LOCALE,
    },
    run: (engine, request, input) => authenticateLoginCode(engine, request, input),
  },
  {
    name: 'exchangeSession',
    method: 'POST',
    path: '/sessions/exchange',
    fields: { organization_id: ORGANIZATION, session_duration_minutes: DURATION, locale: LOCALE },
    run: (engine, request, input, check) => exchangeSession(engine, request, check, input),
  },
  {
    name: 'revokeSession',
    method: 'POST',
    path: '/sessions/revoke',
    fields: {},
    run: (engine, request, _input, check) => revokeSession(engine, request, check),
  },
  {
    name: 'currentSession',
    method: 'GET',
    path: '/session',
    fields: {},
    run: async (_engine, _request, _input, check) => currentSession(check),
  },
]

export const STEP_BY_NAME = Object.fromEntries(STEPS.map((step) => [step.name, step])) as Record<
  StepName,
  Step
>

/**
 * The step a request path names under `basePath`, matched like Express's router (case-insensitive,
 * one optional trailing slash); `allowed` says whether the method fits (HEAD runs GET routes).
 */
export function matchStep(
  basePath: string,
  method: string,
  path: string,
): { step: Step; allowed: boolean } | undefined {
  const base = basePath === '/' ? '' : basePath
  const wanted = path.toLowerCase().replace(/(?<=.)\/$/, '')
  const step = STEPS.find((candidate) => `${base}${candidate.path}`.toLowerCase() === wanted)
  if (step === undefined) return undefined
  return { step, allowed: method === step.method || (step.method === 'GET' && method === 'HEAD') }
}
