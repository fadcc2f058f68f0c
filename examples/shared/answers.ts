// What the examples answer, whatever the framework: the package's options (with its sign-in pages), page headers, error pages, the dashboard.
import {
  type AuthMember,
  type AuthMemberSession,
  type AuthOrganization,
  isAuthError,
  type StytchB2BOptions,
} from 'stytch-b2b-middleware'
import type { ExampleConfig } from './config.js'
import { DEMO, DEMO_MFA } from './demo.js'
import { BRAND } from './html.js'
import { DASHBOARD_LINK, dashboardPage, errorPage, SIGN_IN_LINK } from './views.js'

/**
 * The package's options from an example's config. Sign-in is the package's pages, in the demo's
 * colours; with the local server the example started, they link its development mailbox (the
 * package refuses `mailbox` unless `baseUrl` is that server, so never with Stytch).
 */
export function stytchOptions(config: ExampleConfig): StytchB2BOptions {
  return {
    projectId: config.projectId,
    secret: config.secret,
    baseUrl: config.baseUrl,
    now: config.now ?? Date.now,
    requestTimeoutMs: config.requestTimeoutMs,
    appOrigin: config.appOrigin,
    pages: {
      ...BRAND,
      afterSignIn: '/dashboard',
      mailbox: config.local,
      // The pages' strings can be overridden per locale: offline, the sign-in page names the demo.
      messages: config.local === undefined ? undefined : { en: { 'signIn.intro': DEMO_HINT } },
    },
  }
}

const DEMO_HINT = `Enter your work email address. We will email you a code to sign in. Demo: try anything@${DEMO.emailDomain} to join ${DEMO.organizationName}, or ${DEMO_MFA.memberEmail} for ${DEMO_MFA.organizationName}, which asks for a second step.`

/** Headers for the example's own pages: a strict CSP, no caching, no MIME sniffing. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  // No script at all: the pages are forms and links, and work with JavaScript disabled.
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
}

/**
 * Every failure that reaches the app: an error page in words, with a way forward (the dashboard
 * when signed in, unless the session is the problem). `unexpected` marks our own bug, to log.
 */
export function errorAnswer(
  error: unknown,
  signedIn: boolean,
): { status: number; page: string; unexpected: boolean } {
  if (isAuthError(error)) {
    const next = signedIn && !error.code.startsWith('ERR_SESSION_') ? DASHBOARD_LINK : SIGN_IN_LINK
    const page = errorPage({ error: { code: error.code }, next })
    return { status: error.status, page, unexpected: false }
  }
  // Body parsers (http-errors) and Koa's ctx.throw() carry a 4xx `status`; anything else is our bug.
  const status = (error as { status?: unknown }).status
  const clientError = typeof status === 'number' && status >= 400 && status < 500
  const code = clientError ? 'ERR_INVALID_INPUT' : 'ERR_UNEXPECTED'
  const page = errorPage({ error: { code }, next: SIGN_IN_LINK })
  return { status: clientError ? status : 500, page, unexpected: !clientError }
}

/** What `requireSession()` leaves on the request (Koa: on `ctx.state`). */
export interface SignedInState {
  member?: AuthMember | undefined
  organization?: AuthOrganization | undefined
  memberSession?: AuthMemberSession | undefined
}

/** The dashboard of the signed-in member. */
export function dashboardFor(state: SignedInState, now: number): string {
  const { member, organization, memberSession } = state
  if (!member || !organization || !memberSession) {
    throw new Error('requireSession() must run first')
  }
  return dashboardPage({ member, organization, memberSession, now })
}
