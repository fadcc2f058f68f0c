// The Express example's second sign-in step (MFA): text message, authenticator app, recovery codes.
import { type Request, type RequestHandler, type Response, Router } from 'express'
import {
  authenticateMfaSmsCode,
  authenticateTotpCode,
  createTotpRegistration,
  getRecoveryCodes,
  recoverWithRecoveryCode,
  requireSession,
  rotateRecoveryCodes,
  sendMfaSmsCode,
} from 'stytch-b2b-middleware/express'
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
import { field, returnToOf, showFormAgain } from './middleware.js'

/**
 * The MFA routes. Every form posts the `organization_id` and `member_id` the second-step page got
 * from the sign-in step; the intermediate-session cookie proves who may use them.
 */
export function mfaRoutes(options: {
  form: RequestHandler
  mailbox: boolean
  redirectAfterSignIn: (req: Request, res: Response) => void
}): Router {
  const { form, mailbox, redirectAfterSignIn } = options
  const router = Router()
  const on = (req: Request) => ({ member: mfaMemberOf(req.body), returnTo: returnToOf(req) })

  // Text message: the phone number when none is enrolled yet, then the code.
  router.post(
    MFA_PATHS.smsSend,
    form,
    sendMfaSmsCode(),
    (req: Request, res: Response) => {
      const sentTo = field(req, 'mfa_phone_number') || undefined
      res.send(smsCodePage({ ...on(req), sentTo, mailbox }))
    },
    showFormAgain((req, error) => {
      const phone = field(req, 'mfa_phone_number')
      if (phone === '') return smsCodePage({ ...on(req), error, mailbox })
      return smsPhonePage({ ...on(req), phone, error })
    }),
  )
  router.post(
    MFA_PATHS.smsCode,
    form,
    authenticateMfaSmsCode(),
    redirectAfterSignIn,
    showFormAgain((req, error) => smsCodePage({ ...on(req), error, mailbox })),
  )

  // Authenticator app: enrol (QR code and secret, shown once), then the first code signs in and
  // leads to the recovery codes; later sign-ins need the code only.
  router.post(MFA_PATHS.totpCreate, form, createTotpRegistration(), (req, res) => {
    const registration = mfaStateOf(req).totpRegistration
    if (registration === undefined) throw new Error('createTotpRegistration() must run first')
    res.send(totpEnrolPage({ ...on(req), ...registration }))
  })
  router.post(
    MFA_PATHS.totpEnrol,
    form,
    authenticateTotpCode(),
    (req: Request, res: Response) => {
      res.redirect(303, withReturnTo(MFA_PATHS.recoveryCodes, returnToOf(req)))
    },
    showFormAgain((req, error) => totpCodePage({ ...on(req), enrolling: true, error })),
  )
  router.post(
    MFA_PATHS.totpCode,
    form,
    authenticateTotpCode(),
    redirectAfterSignIn,
    showFormAgain((req, error) => totpCodePage({ ...on(req), enrolling: false, error })),
  )

  // Recovery codes: sign in with one; see them (right after enrolment), or make new ones.
  router.post(
    MFA_PATHS.recover,
    form,
    recoverWithRecoveryCode(),
    redirectAfterSignIn,
    showFormAgain((req, error) => recoveryCodePage({ ...on(req), error })),
  )
  router.get(
    MFA_PATHS.recoveryCodes,
    requireSession({ redirectTo: '/login' }),
    getRecoveryCodes(),
    (req, res) => {
      res.send(recoveryCodesAnswer(req, returnToOf(req) ?? '/dashboard', false))
    },
  )
  router.post(MFA_PATHS.rotate, form, rotateRecoveryCodes(), (req, res) => {
    res.send(recoveryCodesAnswer(req, returnToOf(req) ?? '/dashboard', true))
  })
  return router
}
