// Where a page's POST goes next (always a 303): after a step that may sign in, and after a failure (the error shown once on the page it came from).
import { safeReturnTo } from '../../kit/csrf.js'
import { isAuthError } from '../../kit/errors.js'
import type { CoreResponse } from '../../kit/http.js'
import { type FieldLimits, validateFields } from '../../kit/input.js'
import { STEP_BY_NAME, type StepName } from '../../step-table.js'
import type { StepResult } from '../step.js'
import type { FlowState } from './flow-cookie.js'
import { type PAGE_PATHS, type PageCall, pagePath, redirect } from './layout.js'

type PageName = keyof typeof PAGE_PATHS

// Failures after which this sign-in cannot go on: the intermediate session is gone.
const RESTART = new Set(['ERR_INTERMEDIATE_SESSION_MISSING', 'ERR_INTERMEDIATE_SESSION_INVALID'])
// The member's session is gone: sign in again, saying why.
const SIGNED_OUT = new Set(['ERR_SESSION_MISSING', 'ERR_SESSION_EXPIRED', 'ERR_SESSION_INVALID'])
// Failures about what was typed in the form's main field.
const FIELD_ERRORS = new Set(['ERR_OTP_INVALID', 'ERR_OTP_EXPIRED'])

/** A form value to fill in again: a string, cut to a length no field of ours exceeds. */
export function typed(fields: Record<string, unknown>, name: string): string | undefined {
  const value = fields[name]
  return typeof value === 'string' && value !== '' ? value.slice(0, 254) : undefined
}

/**
 * A POST's failure: an `AuthError` goes back to `page` with its code (and the field at fault) in
 * the flow, shown once; a lost intermediate session or session starts over. Anything else is not
 * ours to show and rejects.
 */
export function failed(
  call: PageCall,
  page: PageName,
  error: unknown,
  options: { step?: StepName; fields?: Record<string, unknown>; main?: string; keep?: string[] },
): CoreResponse {
  if (!isAuthError(error)) throw error
  const flow = withoutShownOnce(call.flow)
  if (RESTART.has(error.code)) {
    return redirect(call, pagePath(call.env, 'signIn'), {
      flow: { returnTo: flow.returnTo, email: flow.email, notice: 'restart' },
    })
  }
  if (SIGNED_OUT.has(error.code)) {
    return redirect(call, pagePath(call.env, 'signIn'), {
      flow: { returnTo: flow.returnTo, error: { code: error.code } },
    })
  }
  let field: string | undefined
  if (error.code === 'ERR_INVALID_INPUT' && options.step !== undefined) {
    field = fieldAtFault(options.step, options.fields ?? {}, call.env.limits)
  } else if (error.code === 'ERR_ORGANIZATION_SLUG_TAKEN') field = 'organization_slug'
  else if (FIELD_ERRORS.has(error.code)) field = options.main
  const values: Record<string, string> = {}
  for (const name of options.keep ?? []) {
    const value = typed(options.fields ?? {}, name)
    if (value !== undefined) values[name] = value
  }
  return redirect(call, pagePath(call.env, page), {
    flow: { ...flow, error: { code: error.code, field }, values },
  })
}

/** The first form field the step refuses on its own, to mark it invalid. */
function fieldAtFault(
  step: StepName,
  fields: Record<string, unknown>,
  limits: FieldLimits,
): string | undefined {
  const spec = STEP_BY_NAME[step].fields
  for (const name of Object.keys(fields)) {
    const kind = spec[name]
    if (kind === undefined) continue
    try {
      validateFields({ [name]: fields[name] }, { [name]: kind }, limits)
    } catch {
      return name
    }
  }
  return undefined
}

/**
 * After a step that may sign in: signed in → 303 to return_to (the flow is over); a second factor
 * needed → its page, the intermediate session kept; another primary method needed → `page` says so.
 */
export function afterLogin(call: PageCall, result: StepResult, page: PageName): CoreResponse {
  const setCookies = result.setCookies
  // Checked when it entered the flow, and again here: only ever a same-origin path.
  const returnTo = safeReturnTo(call.flow?.returnTo)
  if (result.state.memberAuthenticated) {
    return redirect(call, returnTo ?? call.env.options.afterSignIn, { setCookies, flow: null })
  }
  const mfa = result.state.mfa
  if (mfa === undefined) {
    return redirect(call, pagePath(call.env, page), {
      setCookies,
      flow: { ...call.flow, error: { code: 'primaryRequired' } },
    })
  }
  const flow: FlowState = {
    email: call.flow?.email,
    returnTo,
    mfa: {
      organizationId: mfa.organizationId,
      memberId: mfa.memberId,
      phone: mfa.phoneNumber,
      totp: mfa.totpRegistered,
      smsSent: mfa.smsSent,
    },
  }
  return redirect(call, pagePath(call.env, mfa.smsSent ? 'sms' : 'mfa'), { setCookies, flow })
}

/** The flow without what is shown once, or `undefined` when there was nothing to drop. */
export function shownOnce(flow: FlowState | undefined): FlowState | undefined {
  if (flow === undefined) return undefined
  if (flow.error === undefined && flow.notice === undefined && flow.values === undefined) {
    return undefined
  }
  return withoutShownOnce(flow)
}

/** The flow with what is shown once (error, notice, values typed in) dropped. */
function withoutShownOnce(flow: FlowState | undefined): FlowState {
  return { ...flow, error: undefined, notice: undefined, values: undefined }
}

/** A page needing a flow it does not have: back to the start, saying why. */
export function startOver(call: PageCall): CoreResponse {
  return redirect(call, pagePath(call.env, 'signIn'), {
    flow: { returnTo: call.flow?.returnTo, notice: 'restart' },
  })
}
