// The second sign-in step's pages (SMS code, authenticator app, recovery code), shared by the examples.
import { Html, html, page, withReturnTo } from './html.js'
import { errorBlock, hiddenFields, mailboxHint, type ViewError } from './views.js'

/** Who the second step is for: what every MFA form posts back (Stytch's own field names). */
export interface MfaMember {
  organizationId: string
  memberId: string
}

/** The second factors a member has, as a sign-in step answered them. */
export interface MfaOptions {
  /** The enrolled phone, masked but for its last 4 digits; `null`: none yet. */
  phoneNumber: string | null
  totpRegistered: boolean
  /** Stytch already texted a code (the member's default factor is SMS). */
  smsSent: boolean
}

/** Where each MFA form posts, below the app's root. */
export const MFA_PATHS = {
  smsSend: '/login/mfa/sms/send',
  smsCode: '/login/mfa/sms/code',
  totpCreate: '/login/mfa/totp/create',
  totpEnrol: '/login/mfa/totp/enrol',
  totpCode: '/login/mfa/totp/code',
  recover: '/login/mfa/recovery',
  recoveryCodes: '/login/mfa/recovery-codes',
  rotate: '/login/mfa/recovery-codes/rotate',
} as const

interface FormOptions {
  member: MfaMember
  returnTo?: string | undefined
  error?: ViewError | undefined
}

function idFields(member: MfaMember): Html[] {
  return hiddenFields({ organization_id: member.organizationId, member_id: member.memberId })
}

function action(path: string, returnTo: string | undefined): string {
  return withReturnTo(path, returnTo)
}

const AUTOFOCUS = new Html(' autofocus')
const START_AGAIN = html`<p class="hint"><a href="/login">Start again</a></p>`

/** A 6-digit code field and its button, posting to `path`. */
function codeForm(path: string, label: string, options: FormOptions, autofocus = false): Html {
  const id = label.toLowerCase().replace(/\W+/g, '_')
  return html`<form method="post" action="${action(path, options.returnTo)}">
${idFields(options.member)}
<label for="${id}">${label}</label>
<input id="${id}" class="code" name="code" type="text" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" required autocomplete="one-time-code"${autofocus ? AUTOFOCUS : ''}>
<button type="submit">Verify</button>
</form>`
}

function phoneForm(options: FormOptions & { phone?: string | undefined }): Html {
  return html`<form method="post" action="${action(MFA_PATHS.smsSend, options.returnTo)}">
${idFields(options.member)}
<label for="mfa_phone_number">Mobile phone number</label>
<input id="mfa_phone_number" name="mfa_phone_number" type="tel" required autocomplete="tel" value="${options.phone ?? ''}" placeholder="+15555550123">
<p class="hint">International format, no spaces: + then the country code and number.</p>
<button type="submit">Text me a code</button>
</form>`
}

function sendAgainForm(options: FormOptions, label: string): Html {
  return html`<form method="post" action="${action(MFA_PATHS.smsSend, options.returnTo)}">
${idFields(options.member)}
<button type="submit" class="secondary">${label}</button>
</form>`
}

function recoveryForm(options: FormOptions & { autofocus?: boolean }): Html {
  return html`<form method="post" action="${action(MFA_PATHS.recover, options.returnTo)}">
${idFields(options.member)}
<label for="recovery_code">Recovery code</label>
<input id="recovery_code" name="recovery_code" type="text" required autocomplete="off" spellcheck="false"${options.autofocus ? AUTOFOCUS : ''}>
<button type="submit" class="secondary">Use recovery code</button>
</form>`
}

function smsCard(options: FormOptions & { mfa: MfaOptions; mailbox: boolean }): Html {
  const { mfa } = options
  if (mfa.phoneNumber === null) {
    return html`<p>Get a 6-digit code by text message. Which phone should we use?</p>${phoneForm(options)}`
  }
  if (!mfa.smsSent) {
    return html`<p>We can text a 6-digit code to ${mfa.phoneNumber}.</p>
${sendAgainForm(options, 'Text me a code')}`
  }
  return html`<p>We sent a 6-digit code to ${mfa.phoneNumber}.</p>
${codeForm(MFA_PATHS.smsCode, 'SMS code', options, true)}
${sendAgainForm(options, 'Send a new code')}
${mailboxHint(options.mailbox, 'text message')}`
}

function totpCard(options: FormOptions & { mfa: MfaOptions }): Html {
  if (options.mfa.totpRegistered) {
    return html`<p>Enter the 6-digit code your authenticator app shows now.</p>
${codeForm(MFA_PATHS.totpCode, 'Authenticator code', options)}`
  }
  return html`<p>Use an app such as 1Password, Google Authenticator or Authy: scan a QR code once, then type the code it shows.</p>
<form method="post" action="${action(MFA_PATHS.totpCreate, options.returnTo)}">
${idFields(options.member)}
<button type="submit">Set up an authenticator app</button>
</form>`
}

/** After a sign-in step asked for MFA: choose SMS, an authenticator app or a recovery code. */
export function secondStepPage(options: {
  member: MfaMember
  mfa: MfaOptions
  returnTo?: string | undefined
  mailbox: boolean
}): string {
  const recovery = options.mfa.totpRegistered
    ? html`<section class="card">
<h2>Recovery code</h2>
<p class="muted">Lost your phone? Each recovery code signs you in once.</p>
${recoveryForm(options)}
</section>`
    : undefined
  return page(
    'One more step',
    html`<section class="card">
<h1>One more step</h1>
<p>Your email is verified. This organization asks for a second step: choose one below.</p>
</section>
<section class="card">
<h2>Text message</h2>
${smsCard(options)}
</section>
<section class="card">
<h2>Authenticator app</h2>
${totpCard(options)}
</section>
${recovery}
<p class="hint"><a href="/login">Start again</a></p>`,
  )
}

/** Enter the code texted to the member; `sentTo` when known (masked). Also a failed send's page. */
export function smsCodePage(
  options: FormOptions & { sentTo?: string | undefined; mailbox: boolean },
): string {
  const where =
    options.sentTo === undefined ? 'by text message' : html`to ${maskPhone(options.sentTo)}`
  return page(
    'Check your phone',
    html`<section class="card">
<h1>Check your phone</h1>
${errorBlock(options.error)}
<p>If the number can receive texts, we sent a 6-digit code ${where}. It expires in a few minutes.</p>
${codeForm(MFA_PATHS.smsCode, 'SMS code', options, true)}
${sendAgainForm(options, 'Send a new code')}
${mailboxHint(options.mailbox, 'text message')}
${START_AGAIN}
</section>`,
  )
}

/** The phone number form again, after Stytch refused the number or the send. */
export function smsPhonePage(options: FormOptions & { phone: string }): string {
  return page(
    'Text message',
    html`<section class="card">
<h1>Text message</h1>
${errorBlock(options.error)}
${phoneForm(options)}
${START_AGAIN}
</section>`,
  )
}

/** `+15555550123` as `+*******0123`: only the last 4 digits of a number the member typed. */
export function maskPhone(phone: string): string {
  return phone.replace(/\d(?=\d{4})/g, '*')
}

/**
 * Enrolment: the QR code (a `data:` image the server rendered, no script), the secret as text for
 * apps that cannot scan, and the first code, which completes the enrolment and signs in.
 */
export function totpEnrolPage(options: FormOptions & { qrCode: string; secret: string }): string {
  // Only an image data URL goes in the page: anything else is not a QR code we rendered.
  const image = options.qrCode.startsWith('data:image/')
    ? html`<img class="qr" src="${options.qrCode}" alt="QR code for your authenticator app" width="200" height="200">`
    : undefined
  return page(
    'Set up your authenticator app',
    html`<section class="card">
<h1>Set up your authenticator app</h1>
<p><strong>1.</strong> Scan this QR code with your authenticator app.</p>
${image}
<p class="muted">Cannot scan it? Enter this key in the app instead:</p>
<p><code class="secret" id="totp_secret">${options.secret}</code></p>
<p><strong>2.</strong> Enter the 6-digit code the app shows.</p>
${codeForm(MFA_PATHS.totpEnrol, 'Authenticator code', options, true)}
${START_AGAIN}
</section>`,
  )
}

/** An authenticator code failed: the code form again (`enrolling`: completing an enrolment). */
export function totpCodePage(options: FormOptions & { enrolling: boolean }): string {
  const path = options.enrolling ? MFA_PATHS.totpEnrol : MFA_PATHS.totpCode
  return page(
    'Authenticator app',
    html`<section class="card">
<h1>Enter your authenticator code</h1>
${errorBlock(options.error)}
<p>Enter the 6-digit code your authenticator app shows now.</p>
${codeForm(path, 'Authenticator code', options, true)}
${START_AGAIN}
</section>`,
  )
}

/** A recovery code failed: its form again. */
export function recoveryCodePage(options: FormOptions): string {
  return page(
    'Use a recovery code',
    html`<section class="card">
<h1>Use a recovery code</h1>
${errorBlock(options.error)}
${recoveryForm({ ...options, autofocus: true })}
${START_AGAIN}
</section>`,
  )
}

/** The member's recovery codes, right after enrolling an authenticator app (or new ones). */
export function recoveryCodesPage(options: {
  recoveryCodes: readonly string[]
  member: { emailAddress: string }
  continueTo: string
  rotated: boolean
}): string {
  const codes = options.recoveryCodes.map((code) => html`<li><code>${code}</code></li>`)
  const title = options.rotated ? 'Your new recovery codes' : 'Save your recovery codes'
  return page(
    title,
    html`<section class="card">
<h1>${title}</h1>
<p>If you lose your phone or authenticator app, each of these codes signs you in once.
Store them now somewhere safe, such as a password manager.${options.rotated ? ' Your old codes no longer work.' : ''}</p>
<ul class="recovery-codes">${codes}</ul>
<p><a href="${options.continueTo}">I have stored them: continue</a></p>
</section>
<section class="card">
<h2>Lost them?</h2>
<form method="post" action="${withReturnTo(MFA_PATHS.rotate, options.continueTo)}">
<button type="submit" class="secondary">Make new recovery codes</button>
</form>
</section>`,
    { member: options.member },
  )
}
