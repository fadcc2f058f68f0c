// What the examples answer, whatever the framework: page headers, failures (on the form or as an error page), dashboard, mailbox.
import {
  type AuthDiscoveredOrganization,
  type AuthMember,
  type AuthMemberSession,
  type AuthOrganization,
  isAuthError,
  type StytchB2BOptions,
} from 'stytch-b2b-middleware'
import type { LocalServer } from 'stytch-b2b-middleware/local-server'
import type { ExampleConfig } from './config.js'
import { FOREIGN_HOST, isOwnHost } from './hosts.js'
import { type MfaMember, type MfaOptions, recoveryCodesPage, secondStepPage } from './mfa-views.js'
import { dashboardPage, errorPage, mailboxPage, moreStepsPage, type ViewError } from './views.js'

/** The package's options from an example's config: everything but the mailbox's `local`. */
export function stytchOptions(config: ExampleConfig): StytchB2BOptions {
  return {
    projectId: config.projectId,
    secret: config.secret,
    baseUrl: config.baseUrl,
    now: config.now ?? Date.now,
    requestTimeoutMs: config.requestTimeoutMs,
    appOrigin: config.appOrigin,
  }
}

/** Headers for every page: a strict CSP, no caching of auth pages, no MIME sniffing. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  // No script at all: the pages are forms and links, and work with JavaScript disabled. Images
  // only as data: URLs (the authenticator app's QR code, rendered on the server).
  'Content-Security-Policy':
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
}

/** A field of a parsed form body, as a string ('' when absent or repeated). */
export function formField(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name]
  return typeof value === 'string' ? value : ''
}

// Failures after which the only way forward is to start again; every other one re-shows the form.
const START_AGAIN = new Set([
  'ERR_INTERMEDIATE_SESSION_MISSING',
  'ERR_INTERMEDIATE_SESSION_INVALID',
  'ERR_SESSION_MISSING',
  'ERR_SESSION_EXPIRED',
  'ERR_SESSION_INVALID',
  'ERR_CSRF_REJECTED',
])

/**
 * A step's failure to show on the form it came from (with the status to answer), or `undefined`
 * when the person must start again or it is not the package's `AuthError`: the error page's job.
 */
export function formFailure(error: unknown): { status: number; error: ViewError } | undefined {
  if (!isAuthError(error) || START_AGAIN.has(error.code)) return undefined
  return { status: error.status, error: { code: error.code, message: error.message } }
}

const SIGN_IN = { href: '/login', label: 'Back to sign-in' }
const DASHBOARD = { href: '/dashboard', label: 'Back to your dashboard' }

/**
 * Every other failure: an error page in words, with a way forward (the dashboard when signed in,
 * unless the session is the problem). `unexpected` marks our own bug, for the framework to log.
 */
export function errorAnswer(
  error: unknown,
  signedIn: boolean,
): { status: number; page: string; unexpected: boolean } {
  if (isAuthError(error)) {
    const next = signedIn && !error.code.startsWith('ERR_SESSION_') ? DASHBOARD : SIGN_IN
    const page = errorPage({ error: { code: error.code }, next })
    return { status: error.status, page, unexpected: false }
  }
  // Body parsers (http-errors) and Koa's ctx.throw() carry a 4xx `status`; anything else is our bug.
  const status = (error as { status?: unknown }).status
  const clientError = typeof status === 'number' && status >= 400 && status < 500
  const code = clientError ? 'ERR_INVALID_INPUT' : 'ERR_UNEXPECTED'
  const page = errorPage({ error: { code }, next: SIGN_IN })
  return { status: clientError ? status : 500, page, unexpected: !clientError }
}

/** What `requireSession()` and a discovery step leave on the request (Koa: on `ctx.state`). */
export interface SignedInState {
  member?: AuthMember | undefined
  organization?: AuthOrganization | undefined
  memberSession?: AuthMemberSession | undefined
  discoveredOrganizations?: readonly AuthDiscoveredOrganization[] | undefined
}

/** The dashboard of the signed-in member; `discoveredOrganizations` undefined: Stytch was down. */
export function dashboardFor(state: SignedInState, now: number): string {
  const { member, organization, memberSession } = state
  if (!member || !organization || !memberSession) {
    throw new Error('requireSession() must run first')
  }
  const organizations = state.discoveredOrganizations
  return dashboardPage({ member, organization, memberSession, organizations, now })
}

/**
 * The development mailbox, only to a request whose `Host` names this app: codes sign anyone in,
 * so a page that reached us under another host name (DNS rebinding) gets a 403.
 */
export function mailboxAnswer(
  hostHeader: string | undefined,
  appOrigin: ExampleConfig['appOrigin'],
  local: Pick<LocalServer, 'outbox'>,
): { status: number; type: 'html' | 'text/plain'; body: string } {
  if (!isOwnHost(hostHeader, appOrigin))
    return { status: 403, type: 'text/plain', body: FOREIGN_HOST }
  return { status: 200, type: 'html', body: mailboxPage(local.outbox.list()) }
}

/**
 * What the MFA steps leave on the request (Koa: on `ctx.state`): `mfa` after a sign-in step that
 * needs a second factor (who, and the factors the member has), `totpRegistration` after
 * `createTotpRegistration()` (the only step that shows its secret), `recoveryCodes` after
 * `getRecoveryCodes()` or `rotateRecoveryCodes()`.
 */
export interface MfaState {
  memberAuthenticated?: boolean | undefined
  mfa?: (MfaMember & MfaOptions) | undefined
  totpRegistration?: { secret: string; qrCode: string } | undefined
  recoveryCodes?: readonly string[] | undefined
}

/** The MFA fields of a request (`req` or `ctx.state`), read in one place. */
export function mfaStateOf(target: object): MfaState {
  return target as MfaState
}

/** The page after a sign-in step that did not sign in: the second step, or "not offered here". */
export function nextFactorPage(
  target: object,
  returnTo: string | undefined,
  mailbox: boolean,
): string {
  const { mfa } = mfaStateOf(target)
  if (mfa === undefined) return moreStepsPage()
  const member = { organizationId: mfa.organizationId, memberId: mfa.memberId }
  return secondStepPage({ member, mfa, returnTo, mailbox })
}

/** Who a posted MFA form is for: its `organization_id` and `member_id`, to show the form again. */
export function mfaMemberOf(body: unknown): MfaMember {
  return {
    organizationId: formField(body, 'organization_id'),
    memberId: formField(body, 'member_id'),
  }
}

/** The recovery codes page, after `requireSession()` and `getRecoveryCodes()`/`rotateRecoveryCodes()`. */
export function recoveryCodesAnswer(
  target: SignedInState,
  continueTo: string,
  rotated: boolean,
): string {
  const { recoveryCodes } = mfaStateOf(target)
  if (target.member === undefined || recoveryCodes === undefined) {
    throw new Error('a signed-in session and a recovery codes step must run first')
  }
  return recoveryCodesPage({ recoveryCodes, member: target.member, continueTo, rotated })
}
