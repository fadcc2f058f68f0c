// The second-factor pages: choose, text a code (enrolling a phone), authenticator app (enrol, code), recovery code.
import type { CoreResponse } from '../../kit/http.js'
import type { StepName } from '../../step-table.js'
import { maskPhoneNumber } from '../sign-in.js'
import type { FlowState } from './flow-cookie.js'
import { type PageCall, pageAnswer, pagePath, redirect } from './layout.js'
import {
  chooseFactorView,
  enrolView,
  recoveryView,
  smsCodeView,
  totpCodeView,
} from './mfa-views.js'
import { afterLogin, failed, shownOnce, startOver, typed } from './outcomes.js'
import type { PageRoute } from './sign-in-routes.js'

type Mfa = NonNullable<FlowState['mfa']>

/** Runs `render` with the flow's second factor, or starts over without one. */
function withMfa(call: PageCall, render: (mfa: Mfa) => CoreResponse | Promise<CoreResponse>) {
  const mfa = call.flow?.mfa
  return mfa === undefined ? startOver(call) : render(mfa)
}

/** Who the MFA steps are for, with Stytch's field names. */
function member(mfa: Mfa) {
  return { organization_id: mfa.organizationId, member_id: mfa.memberId }
}

/** A page whose POST checks one code-like field with `step`, signing in on success. */
function factorPage(
  page: 'sms' | 'totp' | 'recovery',
  step: StepName,
  name: 'code' | 'recovery_code',
  view: (call: PageCall, mfa: Mfa) => ReturnType<typeof totpCodeView>,
): PageRoute {
  return {
    get: (call) =>
      withMfa(call, (mfa) => {
        const [title, content] = view(call, mfa)
        return pageAnswer(call, title, content, { flow: shownOnce(call.flow) })
      }),
    post: async (call) =>
      withMfa(call, async (mfa) => {
        const fields: Record<string, unknown> = { ...member(mfa), [name]: call.fields[name] }
        try {
          return afterLogin(call, await call.step(step, fields), 'mfa')
        } catch (error) {
          return failed(call, page, error, { step, fields: { [name]: fields[name] }, main: name })
        }
      }),
  }
}

export const mfa: PageRoute = {
  get: (call) =>
    withMfa(call, (mfa) => {
      const [title, content] = chooseFactorView(call, mfa, call.flow?.error, call.flow?.values)
      return pageAnswer(call, title, content, { flow: shownOnce(call.flow) })
    }),
}

export const smsSend: PageRoute = {
  post: async (call) =>
    withMfa(call, async (mfa) => {
      // A phone is taken only for a member without one: the enrolled phone is never replaced here.
      const phone = mfa.phone === null ? call.fields.mfa_phone_number : undefined
      const fields = { ...member(mfa), mfa_phone_number: phone, locale: call.locale }
      try {
        await call.step('sendMfaSmsCode', fields)
      } catch (error) {
        return failed(call, 'mfa', error, {
          step: 'sendMfaSmsCode',
          fields: { mfa_phone_number: phone },
          main: 'mfa_phone_number',
          keep: ['mfa_phone_number'],
        })
      }
      const shown = mfa.phone ?? maskPhoneNumber(typed(fields, 'mfa_phone_number') ?? '')
      return redirect(call, pagePath(call.env, 'sms'), {
        flow: { ...call.flow, mfa: { ...mfa, phone: shown, smsSent: true }, error: undefined },
      })
    }),
}

export const sms = factorPage('sms', 'authenticateMfaSmsCode', 'code', (call, mfa) =>
  smsCodeView(call, mfa, call.flow?.error),
)

export const totp = factorPage('totp', 'authenticateTotpCode', 'code', (call) =>
  totpCodeView(call, call.flow?.error),
)

export const recovery = factorPage('recovery', 'recoverWithRecoveryCode', 'recovery_code', (call) =>
  recoveryView(call, call.flow?.error),
)

/**
 * Enrolling an authenticator app answers the page itself (200), the one POST without a redirect:
 * its secret and recovery codes are shown once and are never stored, not even in the flow cookie,
 * so no later GET could show them. The page is never cached.
 */
export const totpNew: PageRoute = {
  post: async (call) =>
    withMfa(call, async (mfa) => {
      let registration: NonNullable<
        Awaited<ReturnType<PageCall['step']>>['state']['totpRegistration']
      >
      try {
        const result = await call.step('createTotpRegistration', member(mfa))
        if (result.state.totpRegistration === undefined) throw new Error('no registration')
        registration = result.state.totpRegistration
      } catch (error) {
        return failed(call, 'mfa', error, {})
      }
      const [title, content] = enrolView(call, registration)
      return pageAnswer(call, title, content)
    }),
}
