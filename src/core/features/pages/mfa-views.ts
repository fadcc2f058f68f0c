// The second-step pages: choose a factor, SMS code (and the phone to enrol), authenticator app (enrolment: QR code and recovery codes, shown once), recovery code.
import type { FlowError, FlowState } from './flow-cookie.js'
import { type Html, html } from './html.js'
import { errorSummary, field, mailboxHint, type PageCall, pagePath } from './layout.js'
import type { MessageKey } from './messages/index.js'
import type { View } from './views.js'

type Mfa = NonNullable<FlowState['mfa']>

function otherMethod(call: PageCall) {
  return html`<p><a href="${pagePath(call.env, 'mfa')}">${call.t('mfa.otherMethod')}</a></p>`
}

/** The form that texts a code: to the enrolled phone, or to the number typed here. */
function smsSendForm(
  call: PageCall,
  mfa: Mfa,
  error: FlowError | undefined,
  values: Record<string, string> | undefined,
  label: string,
) {
  const { t } = call
  const phone =
    mfa.phone === null
      ? field({
          t,
          name: 'mfa_phone_number',
          type: 'tel',
          label: t('mfa.phoneLabel'),
          hint: t('mfa.phoneHint'),
          autocomplete: 'tel',
          value: values?.mfa_phone_number,
          error,
        })
      : html`<p>${t('mfa.smsTo', { phone: mfa.phone })}</p>`
  return html`<form method="post" action="${pagePath(call.env, 'smsSend')}">
${phone}
<button type="submit"${mfa.phone === null ? '' : html` class="sb-secondary"`}>${label}</button>
</form>`
}

/** After the first factor: the second factors this member can use. */
export function chooseFactorView(
  call: PageCall,
  mfa: Mfa,
  error: FlowError | undefined,
  values: Record<string, string> | undefined,
): View {
  const { t } = call
  const totp = mfa.totp
    ? html`<p><a href="${pagePath(call.env, 'totp')}">${t('mfa.totpUse')}</a></p>
<p><a href="${pagePath(call.env, 'recovery')}">${t('mfa.recoveryUse')}</a></p>`
    : html`<p>${t('mfa.totpSetupIntro')}</p>
<form method="post" action="${pagePath(call.env, 'totpNew')}">
<button type="submit" class="sb-secondary">${t('mfa.totpSetup')}</button>
</form>`
  return [
    t('mfa.title'),
    html`<h1>${t('mfa.title')}</h1>
${errorSummary(t, error)}
<p>${t('mfa.intro')}</p>
<section class="sb-section">
<h2>${t('mfa.smsHeading')}</h2>
${smsSendForm(call, mfa, error, values, t('mfa.smsSend'))}
</section>
<section class="sb-section">
<h2>${t('mfa.totpHeading')}</h2>
${totp}
</section>
<p><a href="${pagePath(call.env, 'signIn')}">${t('common.startOver')}</a></p>`,
  ]
}

/** One second-factor page: a title, an intro, the form of its one field, then `after`. */
function factorView(
  call: PageCall,
  options: {
    page: 'sms' | 'totp' | 'recovery'
    intro: string
    error: FlowError | undefined
    after?: Html | undefined
  },
): View {
  const { t } = call
  const { page, error } = options
  // Each of the three has its own title, label and submit string, under its page's name.
  const words = (key: 'title' | 'label' | 'submit') => t(`${page}.${key}` as MessageKey)
  // A recovery code is not a six-digit code: its own field, no one-time-code autofill.
  const isCode = page !== 'recovery'
  const input = field({
    t,
    name: isCode ? 'code' : 'recovery_code',
    label: words('label'),
    autocomplete: isCode ? 'one-time-code' : 'off',
    code: isCode,
    error,
    autofocus: true,
  })
  return [
    words('title'),
    html`<h1>${words('title')}</h1>
${errorSummary(t, error)}
<p>${options.intro}</p>
<form method="post" action="${pagePath(call.env, page)}">
${input}
<button type="submit">${words('submit')}</button>
</form>
${options.after}${otherMethod(call)}`,
  ]
}

/** The texted code, and a new one. */
export function smsCodeView(call: PageCall, mfa: Mfa, error: FlowError | undefined): View {
  return factorView(call, {
    page: 'sms',
    intro: call.t('sms.intro', { phone: mfa.phone ?? '' }),
    error,
    after: html`${mailboxHint(call)}
<form method="post" action="${pagePath(call.env, 'smsSend')}">
<button type="submit" class="sb-secondary">${call.t('sms.resend')}</button>
</form>
`,
  })
}

/** An authenticator app's current code. */
export function totpCodeView(call: PageCall, error: FlowError | undefined): View {
  return factorView(call, { page: 'totp', intro: call.t('totp.intro'), error })
}

/** A single-use recovery code. */
export function recoveryView(call: PageCall, error: FlowError | undefined): View {
  return factorView(call, { page: 'recovery', intro: call.t('recovery.intro'), error })
}

/**
 * Enrolment: the QR code (an image the server rendered, as a data: URL), the key for apps that
 * cannot scan, the recovery codes (shown only here), then the first code, which signs in.
 */
export function enrolView(
  call: PageCall,
  registration: { qrCode: string; secret: string; recoveryCodes: readonly string[] },
): View {
  const { t } = call
  // Only an image data URL goes in the page: anything else is not a QR code Stytch rendered.
  const image = registration.qrCode.startsWith('data:image/')
    ? html`<img class="sb-qr" src="${registration.qrCode}" alt="${t('enrol.qrAlt')}" width="200" height="200">`
    : undefined
  return [
    t('enrol.title'),
    html`<h1>${t('enrol.title')}</h1>
<p>${t('enrol.scan')}</p>
${image}
<p class="sb-muted">${t('enrol.key')}</p>
<p><code>${registration.secret}</code></p>
<p>${t('enrol.recovery')}</p>
<ul class="sb-codes">${registration.recoveryCodes.map((code) => html`<li><code>${code}</code></li>`)}</ul>
<p>${t('enrol.code')}</p>
<form method="post" action="${pagePath(call.env, 'totp')}">
${field({ t, name: 'code', label: t('totp.label'), autocomplete: 'one-time-code', code: true })}
<button type="submit">${t('totp.submit')}</button>
</form>`,
  ]
}
