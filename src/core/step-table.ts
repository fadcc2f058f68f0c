// The table of auth routes: every feature's steps, in the order they are matched.

import { DISCOVERY_STEPS } from './features/discovery/steps.js'
import { EMAIL_OTP_STEPS } from './features/email-otp/steps.js'
import { MFA_STEPS } from './features/mfa/steps.js'
import { SESSION_STEPS } from './features/sessions/steps.js'
import type { Step } from './features/step.js'

export const STEPS = [
  ...DISCOVERY_STEPS,
  ...EMAIL_OTP_STEPS,
  ...SESSION_STEPS,
  ...MFA_STEPS,
] as const

export type StepName = (typeof STEPS)[number]['name']

export const STEP_BY_NAME = Object.fromEntries(STEPS.map((step) => [step.name, step])) as Record<
  StepName,
  Step<StepName>
>

/**
 * The step a request path names under `basePath`, matched like Express's router (case-insensitive,
 * one optional trailing slash); `allowed` says whether the method fits (HEAD runs GET routes).
 */
export function matchStep(
  basePath: string,
  method: string,
  path: string,
): { step: Step<StepName>; allowed: boolean } | undefined {
  const base = basePath === '/' ? '' : basePath
  const wanted = path.toLowerCase().replace(/(?<=.)\/$/, '')
  const step: Step<StepName> | undefined = STEPS.find(
    (candidate) => `${base}${candidate.path}`.toLowerCase() === wanted,
  )
  if (step === undefined) return undefined
  return { step, allowed: method === step.method || (step.method === 'GET' && method === 'HEAD') }
}
