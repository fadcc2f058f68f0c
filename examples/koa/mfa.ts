// The Koa example's second sign-in step (MFA): text message, authenticator app, recovery codes.
import type { Context, Middleware } from 'koa'
import {
  authenticateMfaSmsCode,
  authenticateTotpCode,
  createTotpRegistration,
  getRecoveryCodes,
  recoverWithRecoveryCode,
  requireSession,
  rotateRecoveryCodes,
  sendMfaSmsCode,
} from 'stytch-b2b-middleware/koa'
import { mfaMemberOf, mfaStateOf, recoveryCodesAnswer } from '../shared/answers.js'
import { withReturnTo } from '../shared/html.js'
import {
  MFA_PATHS,
  recoveryCodePage,
  smsCodePage,
  smsPhonePage,
  totpCodePage,
  totpEnrolPage,
} from '../shared/mfa-views.js'
import { field, returnToOf, route, seeOther, sendHtml, showFormAgain } from './middleware.js'

/**
 * The MFA routes. Every form posts the `organization_id` and `member_id` the second-step page got
 * from the sign-in step; the intermediate-session cookie proves who may use them. As elsewhere,
 * `showFormAgain()` goes before the step it catches.
 */
export function mfaRoutes(options: {
  form: Middleware
  mailbox: boolean
  signIn: (step: Middleware) => Middleware
}): Middleware[] {
  const { form, mailbox, signIn } = options
  const on = (ctx: Context) => ({
    member: mfaMemberOf(ctx.request.body),
    returnTo: returnToOf(ctx),
  })
  return [
    // Text message: the phone number when none is enrolled yet, then the code.
    route(
      'POST',
      MFA_PATHS.smsSend,
      form,
      showFormAgain((ctx, error) => {
        const phone = field(ctx, 'mfa_phone_number')
        if (phone === '') return smsCodePage({ ...on(ctx), error, mailbox })
        return smsPhonePage({ ...on(ctx), phone, error })
      }),
      sendMfaSmsCode(),
      (ctx) => {
        const sentTo = field(ctx, 'mfa_phone_number') || undefined
        sendHtml(ctx, smsCodePage({ ...on(ctx), sentTo, mailbox }))
      },
    ),
    route(
      'POST',
      MFA_PATHS.smsCode,
      form,
      showFormAgain((ctx, error) => smsCodePage({ ...on(ctx), error, mailbox })),
      signIn(authenticateMfaSmsCode()),
    ),

    // Authenticator app: enrol (QR code and secret, shown once), then the first code signs in and
    // leads to the recovery codes; later sign-ins need the code only.
    route('POST', MFA_PATHS.totpCreate, form, createTotpRegistration(), (ctx) => {
      const registration = mfaStateOf(ctx.state).totpRegistration
      if (registration === undefined) throw new Error('createTotpRegistration() must run first')
      sendHtml(ctx, totpEnrolPage({ ...on(ctx), ...registration }))
    }),
    route(
      'POST',
      MFA_PATHS.totpEnrol,
      form,
      showFormAgain((ctx, error) => totpCodePage({ ...on(ctx), enrolling: true, error })),
      authenticateTotpCode(),
      (ctx) => seeOther(ctx, withReturnTo(MFA_PATHS.recoveryCodes, returnToOf(ctx))),
    ),
    route(
      'POST',
      MFA_PATHS.totpCode,
      form,
      showFormAgain((ctx, error) => totpCodePage({ ...on(ctx), enrolling: false, error })),
      signIn(authenticateTotpCode()),
    ),

    // Recovery codes: sign in with one; see them (right after enrolment), or make new ones.
    route(
      'POST',
      MFA_PATHS.recover,
      form,
      showFormAgain((ctx, error) => recoveryCodePage({ ...on(ctx), error })),
      signIn(recoverWithRecoveryCode()),
    ),
    route(
      'GET',
      MFA_PATHS.recoveryCodes,
      requireSession({ redirectTo: '/login' }),
      getRecoveryCodes(),
      (ctx) => {
        sendHtml(ctx, recoveryCodesAnswer(ctx.state, returnToOf(ctx) ?? '/dashboard', false))
      },
    ),
    route('POST', MFA_PATHS.rotate, form, rotateRecoveryCodes(), (ctx) => {
      sendHtml(ctx, recoveryCodesAnswer(ctx.state, returnToOf(ctx) ?? '/dashboard', true))
    }),
  ]
}
