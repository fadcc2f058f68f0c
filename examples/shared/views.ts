// The example's own pages (dashboard, error page) as plain functions returning HTML; sign-in is the package's pages.
import type { AuthMember, AuthMemberSession, AuthOrganization } from 'stytch-b2b-middleware'
import { type Html, html, page } from './html.js'
import { errorWords } from './messages.js'

/** A failure to show on a page: the error's `code` picks the words. */
export interface ViewError {
  code: string
  /** The package's message, shown only for codes whose details help (invalid input). */
  message?: string | undefined
}

/** Ways forward from an error page. */
export const SIGN_IN_LINK = { href: '/auth/sign-in', label: 'Back to sign-in' }
export const DASHBOARD_LINK = { href: '/dashboard', label: 'Back to your dashboard' }

/** The failure's words, next to the form it came from. */
export function errorBlock(error: ViewError | undefined): Html | undefined {
  if (error === undefined) return undefined
  const words = errorWords(error.code)
  const details =
    words.showDetails && error.message ? html`<br><small>${error.message}</small>` : ''
  return html`<div class="error" role="alert"><strong>${words.title}</strong> ${words.message}${details}</div>`
}

function formatTime(ms: number, now: number): string {
  const minutes = Math.round((ms - now) / 60_000)
  const relative =
    minutes >= 120 ? `in ${Math.round(minutes / 60)} hours` : `in ${Math.max(minutes, 0)} minutes`
  return `${new Date(ms).toUTCString()} (${relative})`
}

/**
 * Who is signed in, where, until when. Everything comes from the session, verified locally: the
 * dashboard makes no call to Stytch, so it shows even when Stytch cannot be reached.
 */
export function dashboardPage(options: {
  member: AuthMember
  organization: AuthOrganization
  memberSession: AuthMemberSession
  now: number
}): string {
  const { member, organization, memberSession } = options
  return page(
    'Dashboard',
    html`<section class="card">
<h1>Dashboard</h1>
<dl>
<dt>Email</dt><dd>${member.emailAddress}</dd>
<dt>Organization</dt><dd><code>${organization.organizationSlug}</code></dd>
<dt>Roles</dt><dd>${member.roles.join(', ')}</dd>
<dt>Session ends</dt><dd>${formatTime(memberSession.expiresAt, options.now)}</dd>
</dl>
</section>
<section class="card">
<h2>Your organization</h2>
<p><a href="/settings/members">Members</a> · <a href="/settings/organization">Organization settings</a></p>
</section>`,
    { member },
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
