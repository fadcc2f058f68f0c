// The example's pages as plain functions returning HTML strings; framework-neutral, shared by the examples.
import type {
  AuthDiscoveredOrganization,
  AuthMember,
  AuthMemberSession,
  AuthOrganization,
} from 'stytch-b2b-middleware'
import type { OutboxMessage } from 'stytch-b2b-middleware/local-server'
import { DEMO_MFA } from './demo.js'
import { type Html, html, page, withReturnTo } from './html.js'
import { errorWords, isJoinable, membershipWords } from './messages.js'

/** A failure to show on a page: the error's `code` picks the words. */
export interface ViewError {
  code: string
  /** The package's message, shown only for codes whose details help (invalid input). */
  message?: string | undefined
}

/** Where the development mailbox lives, when there is one (local server only). */
export const MAILBOX_PATH = '/dev/mailbox'

/** The failure's words, next to the form it came from. */
export function errorBlock(error: ViewError | undefined): Html | undefined {
  if (error === undefined) return undefined
  const words = errorWords(error.code)
  const details =
    words.showDetails && error.message ? html`<br><small>${error.message}</small>` : ''
  return html`<div class="error" role="alert"><strong>${words.title}</strong> ${words.message}${details}</div>`
}

function noticeBlock(notice: string | undefined): Html | undefined {
  return notice === undefined ? undefined : html`<div class="notice" role="status">${notice}</div>`
}

/** Offline, where the code that was not really sent can be read. */
export function mailboxHint(mailbox: boolean, what = 'email'): Html | undefined {
  if (!mailbox) return undefined
  return html`<p class="hint">Running offline: no ${what} is sent. Read your code in the
<a href="${MAILBOX_PATH}" target="_blank">development mailbox</a>.</p>`
}

/** Hidden inputs carrying Stytch's own field names to the next step. */
export function hiddenFields(fields: Record<string, string>): Html[] {
  return Object.entries(fields).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`,
  )
}

/** Page 1: enter an email address to receive a sign-in code (discovery). */
export function signInPage(options: {
  returnTo?: string | undefined
  email?: string | undefined
  error?: ViewError | undefined
  notice?: string | undefined
  mailbox: boolean
  signedInAs?: string | undefined
}): string {
  const signedIn =
    options.signedInAs === undefined
      ? undefined
      : html`<div class="notice">You are signed in as ${options.signedInAs}.
<a href="/dashboard">Go to your dashboard</a>.</div>`
  return page(
    'Sign in',
    html`${noticeBlock(options.notice)}${signedIn}
<section class="card">
<h1>Sign in</h1>
${errorBlock(options.error)}
<form method="post" action="${withReturnTo('/login/send', options.returnTo)}">
<label for="email_address">Work email</label>
<input id="email_address" name="email_address" type="email" required autocomplete="email" autofocus value="${options.email ?? ''}" placeholder="you@company.com">
<p class="hint">Try anything@example.com to join the demo organization, or ${DEMO_MFA.memberEmail} to sign in to ${DEMO_MFA.organizationName}, which asks for a second step.</p>
<button type="submit">Email me a code</button>
</form>
${mailboxHint(options.mailbox)}
</section>`,
  )
}

/**
 * Page 2a: enter the code that was sent, for discovery (`/login/code`) or for one organization's
 * own login (`/org/:slug/login/code`, posting its `organization_id` back).
 */
export function codePage(options: {
  email: string
  returnTo?: string | undefined
  /** The organization being signed in to, for an organization login; discovery when absent. */
  organization?: { slug: string; id: string } | undefined
  error?: ViewError | undefined
  mailbox: boolean
}): string {
  const { email, organization, returnTo } = options
  const base =
    organization === undefined ? '/login' : `/org/${encodeURIComponent(organization.slug)}/login`
  const fields: Record<string, string> =
    organization === undefined
      ? { email_address: email }
      : { organization_id: organization.id, email_address: email }
  const action = withReturnTo(`${base}/code`, returnTo)
  const restart = withReturnTo(base, returnTo) // "use another email"
  const target = organization === undefined ? '' : html` for ${organization.slug}`
  return page(
    'Enter your code',
    html`<section class="card">
<h1>Check your email${target}</h1>
${errorBlock(options.error)}
<p>If ${email} can sign in, we sent it a 6-digit code. It expires in a few minutes.</p>
<form method="post" action="${action}">
${hiddenFields(fields)}
<label for="code">Code</label>
<input id="code" class="code" name="code" type="text" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" required autocomplete="one-time-code" autofocus>
<button type="submit">Continue</button>
</form>
${mailboxHint(options.mailbox)}
<p class="hint"><a href="${restart}">Use another email address</a></p>
</section>`,
  )
}

function createOrganizationForm(
  returnTo: string | undefined,
  values: { name?: string | undefined; slug?: string | undefined } = {},
): Html {
  return html`<form method="post" action="${withReturnTo('/login/create', returnTo)}">
<label for="organization_name">Organization name</label>
<input id="organization_name" name="organization_name" type="text" required maxlength="128" value="${values.name ?? ''}" placeholder="Hopper Labs">
<label for="organization_slug">Slug (the short name in its login address)</label>
<input id="organization_slug" name="organization_slug" type="text" maxlength="128" pattern="[A-Za-z0-9._~\\-]{2,128}" value="${values.slug ?? ''}" placeholder="hopper-labs">
<p class="hint">Letters, digits and - . _ ~ only. Left empty, it comes from your email address: its domain (<code>example</code> for ada@example.com, <code>example-2</code> when taken), or the part before the @ for a personal address.</p>
<button type="submit" class="secondary">Create organization</button>
</form>`
}

function organizationRow(
  organization: AuthDiscoveredOrganization,
  action: string,
  current: boolean,
): Html {
  const verb = isJoinable(organization.membershipType) ? 'Join' : 'Log in'
  const blocked = organization.mfaRequired || organization.primaryRequired !== null
  const control = current
    ? html`<span class="muted">Current</span>`
    : html`<form method="post" action="${action}">
<input type="hidden" name="organization_id" value="${organization.organizationId}">
<button type="submit">${action === '/switch' ? 'Switch' : verb}</button>
</form>`
  return html`<li>
<div><strong>${organization.organizationName}</strong>
<div class="muted">${membershipWords(organization.membershipType)}${blocked ? ' · needs another sign-in method' : ''}</div></div>
${control}
</li>`
}

/** Page 2b: the organizations the verified email can enter, and a form to create one. */
export function organizationsPage(options: {
  email: string
  organizations: readonly AuthDiscoveredOrganization[]
  returnTo?: string | undefined
  error?: ViewError | undefined
}): string {
  const action = withReturnTo('/login/organization', options.returnTo)
  const list =
    options.organizations.length === 0
      ? html`<p class="muted">${options.email} does not belong to any organization yet. Create one below.</p>`
      : html`<ul class="orgs">${options.organizations.map((o) => organizationRow(o, action, false))}</ul>`
  return page(
    'Choose an organization',
    html`<section class="card">
<h1>Choose an organization</h1>
${errorBlock(options.error)}
<p class="muted">Email verified: ${options.email}. Where do you want to go?</p>
${list}
</section>
<section class="card">
<h2>Or create a new organization</h2>
${createOrganizationForm(options.returnTo)}
</section>`,
  )
}

/** Creating an organization failed (e.g. slug taken): the form again, with what was typed. */
export function createOrganizationPage(options: {
  name?: string | undefined
  slug?: string | undefined
  returnTo?: string | undefined
  error?: ViewError | undefined
}): string {
  return page(
    'Create an organization',
    html`<section class="card">
<h1>Create an organization</h1>
${errorBlock(options.error)}
${createOrganizationForm(options.returnTo, options)}
<p class="hint"><a href="${withReturnTo('/login/organizations', options.returnTo)}">Back to your organizations</a></p>
</section>`,
  )
}

/** The organization needs a factor this example does not offer (MFA, SSO, …). */
export function moreStepsPage(): string {
  return page(
    'More verification needed',
    html`<section class="card">
<h1>More verification needed</h1>
<p>This organization asks for another sign-in method (for example multi-factor authentication), which this example does not implement.</p>
<p><a href="/login">Back to sign-in</a></p>
</section>`,
  )
}

function formatTime(ms: number, now: number): string {
  const minutes = Math.round((ms - now) / 60_000)
  const relative =
    minutes >= 120 ? `in ${Math.round(minutes / 60)} hours` : `in ${Math.max(minutes, 0)} minutes`
  return `${new Date(ms).toUTCString()} (${relative})`
}

/** Page 3: who is signed in, where, until when; switch organization; log out. */
export function dashboardPage(options: {
  member: AuthMember
  organization: AuthOrganization
  memberSession: AuthMemberSession
  /** Organizations of the member (from discovery), including the current one; `undefined` when Stytch could not be reached. */
  organizations: readonly AuthDiscoveredOrganization[] | undefined
  now: number
}): string {
  const { member, organization, memberSession, organizations } = options
  const current = organizations?.find((o) => o.organizationId === organization.organizationId)
  // The session carries the slug only; the name comes with the organization list.
  const name = current?.organizationName ?? organization.organizationSlug
  const others = (organizations ?? []).filter(
    (o) => o.organizationId !== organization.organizationId,
  )
  const switchList =
    organizations === undefined
      ? html`<p class="muted">Your other organizations cannot be listed right now: the sign-in service is unreachable.</p>`
      : others.length === 0
        ? html`<p class="muted">You are not a member of any other organization.</p>`
        : html`<ul class="orgs">${others.map((o) => organizationRow(o, '/switch', false))}</ul>`
  const loginPage = `/org/${encodeURIComponent(organization.organizationSlug)}/login`
  return page(
    'Dashboard',
    html`<section class="card">
<h1>${name}</h1>
<dl>
<dt>Email</dt><dd>${member.emailAddress}</dd>
<dt>Roles</dt><dd>${member.roles.join(', ')}</dd>
<dt>Organization</dt><dd>${name} <span class="muted">(<code>${organization.organizationSlug}</code>)</span></dd>
<dt>Session ends</dt><dd>${formatTime(memberSession.expiresAt, options.now)}</dd>
</dl>
<p class="hint">Members can also sign in directly at <a href="${loginPage}">${loginPage}</a>.</p>
<p><a href="/settings/members">Members</a> · <a href="/settings/organization">Organization settings</a></p>
</section>
<section class="card">
<h2>Switch organization</h2>
${switchList}
</section>`,
    { member },
  )
}

/** Page 5: sign in to one organization directly (organization email OTP). */
export function organizationLoginPage(options: {
  slug: string
  returnTo?: string | undefined
  email?: string | undefined
  error?: ViewError | undefined
  mailbox: boolean
}): string {
  const base = `/org/${encodeURIComponent(options.slug)}/login`
  return page(
    `Sign in to ${options.slug}`,
    html`<section class="card">
<h1>Sign in to <code>${options.slug}</code></h1>
${errorBlock(options.error)}
<form method="post" action="${withReturnTo(`${base}/send`, options.returnTo)}">
<input type="hidden" name="organization_id" value="${options.slug}">
<label for="email_address">Work email</label>
<input id="email_address" name="email_address" type="email" required autocomplete="email" autofocus value="${options.email ?? ''}">
<button type="submit">Email me a code</button>
</form>
${mailboxHint(options.mailbox)}
<p class="hint">Not sure which organization? <a href="/login">Find your organizations</a>.</p>
</section>`,
  )
}

/** Development only: the codes the local server would have emailed, newest first. */
export function mailboxPage(messages: readonly OutboxMessage[]): string {
  const rows = messages.map(
    (m) => html`<tr><td>${m.to}</td><td><span class="code-value">${m.code}</span></td>
<td>${m.kind}${m.organization_id === null ? '' : html`<br><small class="muted">${m.organization_id}</small>`}</td>
<td><small>${m.sent_at}</small></td></tr>`,
  )
  const table =
    messages.length === 0
      ? html`<p class="muted">No codes sent yet.</p>`
      : html`<table><thead><tr><th>To</th><th>Code</th><th>Kind</th><th>Sent</th></tr></thead><tbody>${rows}</tbody></table>`
  return page(
    'Development mailbox',
    html`<section class="card dev">
<h1>Development mailbox</h1>
<p class="muted">The local Stytch server sends no email: these are the codes it would have sent, newest first. This page exists only without Stytch credentials. Reload it after asking for a code.</p>
${table}
<p class="hint"><a href="/login">Back to sign-in</a></p>
</section>`,
  )
}

/** Any other failure, with one way forward. */
export function errorPage(options: {
  error: ViewError
  next: { href: string; label: string }
}): string {
  return page(
    errorWords(options.error.code).title,
    html`<section class="card">
${errorBlock(options.error)}
<p><a href="${options.next.href}">${options.next.label}</a></p>
</section>`,
  )
}
