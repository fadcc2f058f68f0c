// The sign-in pages' content: email, code, organizations (enter or create), switch organization, sign out, refusal, development mailbox.
import type { MailboxMessage } from '../../kit/pages-options.js'
import type { AuthDiscoveredOrganization } from '../../session/model.js'
import type { FlowError } from './flow-cookie.js'
import { type Html, html } from './html.js'
import {
  errorSummary,
  field,
  hidden,
  mailboxHint,
  notice,
  type PageCall,
  pagePath,
} from './layout.js'
import { isMessageKey } from './messages/index.js'

/** A page's title and content. */
export type View = [title: string, content: Html]

/** Page 1: the email address to send a code to. */
export function signInView(
  call: PageCall,
  data: {
    email?: string | undefined
    returnTo?: string | undefined
    notice?: string | undefined
    error?: FlowError | undefined
    signedInAs?: string | undefined
  },
): View {
  const { t } = call
  const signedIn =
    data.signedInAs === undefined
      ? undefined
      : html`<p class="sb-notice">${t('signIn.signedInAs', { email: data.signedInAs })} <a href="${data.returnTo ?? call.env.options.afterSignIn}">${t('signIn.continue')}</a></p>`
  return [
    t('signIn.title'),
    html`<h1>${t('signIn.title')}</h1>
${notice(data.notice)}${signedIn}${errorSummary(t, data.error)}
<p>${t('signIn.intro')}</p>
<form method="post" action="${pagePath(call.env, 'signIn')}">
${hidden('return_to', data.returnTo)}
${field({ t, name: 'email_address', type: 'email', label: t('signIn.emailLabel'), autocomplete: 'email', value: data.email, error: data.error, autofocus: true })}
<button type="submit">${t('signIn.submit')}</button>
</form>`,
  ]
}

/** Page 2: the emailed code (never filled in again), and a new code to the same address. */
export function codeView(
  call: PageCall,
  data: { email: string; returnTo: string | undefined; error?: FlowError | undefined },
): View {
  const { t } = call
  return [
    t('code.title'),
    html`<h1>${t('code.title')}</h1>
${errorSummary(t, data.error)}
<p>${t('code.intro', { email: data.email })}</p>
<form method="post" action="${pagePath(call.env, 'code')}">
${field({ t, name: 'code', label: t('code.label'), autocomplete: 'one-time-code', code: true, error: data.error, autofocus: true })}
<button type="submit">${t('code.submit')}</button>
</form>
<form method="post" action="${pagePath(call.env, 'signIn')}">
${hidden('email_address', data.email)}${hidden('return_to', data.returnTo)}
<button type="submit" class="sb-secondary">${t('code.resend')}</button>
</form>
${mailboxHint(call)}
<p><a href="${pagePath(call.env, 'signIn')}">${t('code.otherEmail')}</a></p>`,
  ]
}

function membership(call: PageCall, type: string): string {
  const key = `membership.${type}`
  return isMessageKey(key) ? call.t(key) : call.t('membership.other')
}

/**
 * Organizations, each with a button that posts its id to `page` (with `returnTo`), but the
 * current one, marked as such.
 */
function organizationList(
  call: PageCall,
  organizations: readonly AuthDiscoveredOrganization[],
  options: {
    page: 'organizations' | 'switch'
    button: (organization: AuthDiscoveredOrganization) => string
    currentId?: string | undefined
    returnTo?: string | undefined
  },
): Html {
  const action = pagePath(call.env, options.page)
  const rows = organizations.map((organization) => {
    const button = options.button(organization)
    const control =
      organization.organizationId === options.currentId
        ? html`<span class="sb-muted">${call.t('organizations.current')}</span>`
        : html`<form method="post" action="${action}">
${hidden('organization_id', organization.organizationId)}${hidden('return_to', options.returnTo)}
<button type="submit" aria-label="${button}: ${organization.organizationName}">${button}</button>
</form>`
    return html`<li><div><strong>${organization.organizationName}</strong>
<div class="sb-muted">${membership(call, organization.membershipType)}</div></div>
${control}</li>`
  })
  return html`<ul class="sb-list">${rows}</ul>`
}

/** Page 3: the organizations the verified email can enter (even a single one), and a create form. */
export function organizationsView(
  call: PageCall,
  data: {
    email: string
    organizations: readonly AuthDiscoveredOrganization[]
    error?: FlowError | undefined
    values?: Record<string, string> | undefined
  },
): View {
  const { t } = call
  const list = organizationList(call, data.organizations, {
    page: 'organizations',
    button: (organization) =>
      organization.membershipType.startsWith('eligible_to_join')
        ? t('organizations.join')
        : t('organizations.enter'),
  })
  const createError = data.error?.field?.startsWith('organization_') ? data.error : undefined
  return [
    t('organizations.title'),
    html`<h1>${t('organizations.title')}</h1>
${errorSummary(t, data.error)}
<p>${data.organizations.length === 0 ? t('organizations.none', { email: data.email }) : t('organizations.intro', { email: data.email })}</p>
${data.organizations.length === 0 ? '' : list}
<section class="sb-section">
<h2>${t('organizations.createTitle')}</h2>
<form method="post" action="${pagePath(call.env, 'create')}">
${field({ t, name: 'organization_name', label: t('organizations.nameLabel'), autocomplete: 'organization', value: data.values?.organization_name, error: createError })}
${field({ t, name: 'organization_slug', label: t('organizations.slugLabel'), hint: t('organizations.slugHint'), autocomplete: 'off', required: false, value: data.values?.organization_slug, error: createError })}
<button type="submit" class="sb-secondary">${t('organizations.createSubmit')}</button>
</form>
</section>
<p><a href="${pagePath(call.env, 'signIn')}">${t('common.startOver')}</a></p>`,
  ]
}

/** Switch organization: the signed-in member's other organizations. */
export function switchView(
  call: PageCall,
  data: {
    email: string
    current: { id: string; name: string }
    organizations: readonly AuthDiscoveredOrganization[]
    returnTo: string | undefined
    error?: FlowError | undefined
  },
): View {
  const { t } = call
  const list = organizationList(call, data.organizations, {
    page: 'switch',
    button: () => t('switch.submit'),
    currentId: data.current.id,
    returnTo: data.returnTo,
  })
  return [
    t('switch.title'),
    html`<h1>${t('switch.title')}</h1>
${errorSummary(t, data.error)}
<p>${t('switch.intro', { email: data.email, organization: data.current.name })}</p>
${data.organizations.length <= 1 ? html`<p class="sb-muted">${t('switch.none')}</p>` : list}`,
  ]
}

/** Sign out: a button (GET never signs out, so a link or a prefetch cannot). */
export function signOutView(call: PageCall, email: string | undefined): View {
  const { t } = call
  const body =
    email === undefined
      ? html`<p>${t('signOut.notSignedIn')}</p>
<p><a href="${pagePath(call.env, 'signIn')}">${t('signIn.title')}</a></p>`
      : html`<p>${t('signOut.intro', { email })}</p>
<form method="post" action="${pagePath(call.env, 'signOut')}">
<button type="submit">${t('signOut.submit')}</button>
</form>`
  return [t('signOut.title'), html`<h1>${t('signOut.title')}</h1>\n${body}`]
}

/** A refused request (cross-site form): what happened, and a way back. */
export function refusalView(call: PageCall, code: string): View {
  const { t } = call
  return [
    t('common.errorSummary'),
    html`<h1>${t('common.errorSummary')}</h1>
${errorSummary(t, { code })}
<p><a href="${pagePath(call.env, 'signIn')}">${t('common.backToSignIn')}</a></p>`,
  ]
}

/** Development only: the codes the embedded server "sent", newest first. */
export function mailboxView(call: PageCall, messages: readonly MailboxMessage[]): View {
  const { t } = call
  const rows = messages.map(
    (m) =>
      html`<tr><td>${m.to}</td><td><code>${m.code}</code></td><td>${m.kind}</td><td>${m.sent_at}</td></tr>`,
  )
  const table =
    messages.length === 0
      ? html`<p class="sb-muted">${t('mailbox.empty')}</p>`
      : html`<div class="sb-scroll"><table><thead><tr><th scope="col">${t('mailbox.to')}</th><th scope="col">${t('mailbox.code')}</th><th scope="col">${t('mailbox.kind')}</th><th scope="col">${t('mailbox.sent')}</th></tr></thead><tbody>${rows}</tbody></table></div>`
  return [
    t('mailbox.title'),
    html`<h1>${t('mailbox.title')}</h1>
<p class="sb-muted">${t('mailbox.intro')}</p>
${table}
<p><a href="${pagePath(call.env, 'signIn')}">${t('common.backToSignIn')}</a></p>`,
  ]
}
