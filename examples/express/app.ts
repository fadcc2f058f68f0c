// The Express example app: B2B sign-in with email codes as plain HTML forms, on the package's per-step middleware.
import express, {
  type ErrorRequestHandler,
  type Express,
  type NextFunction,
  type Request,
  type Response,
} from 'express'
import { isAuthError, safeReturnTo } from 'stytch-b2b-middleware'
import {
  authenticateDiscoveryCode,
  authenticateLoginCode,
  createOrganization,
  exchangeIntermediateSession,
  exchangeSession,
  listDiscoveredOrganizations,
  requireSession,
  revokeSession,
  sendDiscoveryCode,
  sendLoginCode,
  stytchB2B,
} from 'stytch-b2b-middleware/express'
import type { LocalServer } from 'stytch-b2b-middleware/local-server'
import { withReturnTo } from '../shared/html.js'
import {
  codePage,
  createOrganizationPage,
  dashboardPage,
  errorPage,
  MAILBOX_PATH,
  mailboxPage,
  moreStepsPage,
  organizationLoginPage,
  organizationsPage,
  signInPage,
  type ViewError,
} from '../shared/views.js'

/** What the example needs to know; `main.ts` decides it. */
export interface ExampleConfig {
  projectId: string
  secret: string
  /** Stytch API base URL, e.g. the local server's `url`. @default chosen by the package from the project id */
  baseUrl?: string | undefined
  /** The local Stytch server, when running offline: enables the development mailbox. */
  local?: Pick<LocalServer, 'outbox'> | undefined
  /** Clock in epoch milliseconds. @default Date.now */
  now?: (() => number) | undefined
  /** Deadline of each call to Stytch, in milliseconds. @default 5000 */
  requestTimeoutMs?: number | undefined
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
 * Builds the example app. Every form posts Stytch's own field names to a route that runs one of the
 * package's steps, then a handler here renders the next page or redirects (303).
 * @example createApp({ projectId, secret, baseUrl: local.url, local }).listen(3000)
 */
export function createApp(config: ExampleConfig): Express {
  const now = config.now ?? Date.now
  const mailbox = config.local !== undefined
  const app = express()
  app.disable('x-powered-by')
  app.use(securityHeaders)
  app.use(
    stytchB2B({
      projectId: config.projectId,
      secret: config.secret,
      baseUrl: config.baseUrl,
      now,
      requestTimeoutMs: config.requestTimeoutMs,
    }),
  )
  // Parsed here (the steps adopt it) so that a failed step can show the form again, filled in.
  const form = express.urlencoded({ extended: false, limit: '16kb' })

  app.get('/', (_req, res) => res.redirect(303, '/dashboard'))

  // 1. Sign in: an email address gets a discovery code.
  app.get('/login', (req, res) => {
    res.send(
      signInPage({
        returnTo: returnToOf(req),
        mailbox,
        notice: req.query.logged_out === '1' ? 'You have been logged out.' : undefined,
        signedInAs: req.member?.emailAddress,
      }),
    )
  })
  app.post(
    '/login/send',
    form,
    sendDiscoveryCode(),
    (req: Request, res: Response) => {
      const email = req.discoveryEmailAddress ?? ''
      const returnTo = returnToOf(req)
      res.send(
        codePage({
          email,
          action: withReturnTo('/login/code', returnTo),
          fields: { email_address: email },
          mailbox,
          restart: withReturnTo('/login', returnTo),
        }),
      )
    },
    showFormAgain((req, error) =>
      signInPage({ returnTo: returnToOf(req), email: field(req, 'email_address'), error, mailbox }),
    ),
  )

  // 2. The code: the organizations this email can enter, and a form to create one.
  app.post(
    '/login/code',
    form,
    authenticateDiscoveryCode(),
    showOrganizations,
    showFormAgain((req, error) => {
      const returnTo = returnToOf(req)
      const email = field(req, 'email_address')
      return codePage({
        email,
        action: withReturnTo('/login/code', returnTo),
        fields: { email_address: email },
        error,
        mailbox,
        restart: withReturnTo('/login', returnTo),
      })
    }),
  )
  app.get('/login/organizations', listDiscoveredOrganizations(), showOrganizations)

  // 3. Enter the chosen organization, or create one, with the intermediate session.
  app.post(
    '/login/organization',
    form,
    rememberSession,
    exchangeIntermediateSession(),
    redirectAfterSignIn,
  )
  app.post(
    '/login/create',
    form,
    rememberSession,
    createOrganization(),
    redirectAfterSignIn,
    showFormAgain((req, error) =>
      createOrganizationPage({
        name: field(req, 'organization_name'),
        slug: field(req, 'organization_slug'),
        returnTo: returnToOf(req),
        error,
      }),
    ),
  )

  // The dashboard: the session is verified locally; the list of organizations comes from Stytch.
  app.get(
    '/dashboard',
    requireSession({ redirectTo: '/login' }),
    listDiscoveredOrganizations(),
    showDashboard,
    dashboardWithoutOrganizations,
  )

  // 4. Switch organization, log out.
  app.post('/switch', form, rememberSession, exchangeSession(), redirectAfterSignIn)
  app.post('/logout', form, revokeSession(), (_req, res) => {
    res.redirect(303, '/login?logged_out=1')
  })

  // 5. One organization's own login page: organization email OTP, no discovery.
  app.get('/org/:slug/login', (req, res) => {
    res.send(organizationLoginPage({ slug: slugOf(req), returnTo: returnToOf(req), mailbox }))
  })
  app.post(
    '/org/:slug/login/send',
    form,
    sendLoginCode(),
    (req: Request, res: Response) => {
      const returnTo = returnToOf(req)
      const email = field(req, 'email_address')
      res.send(orgCodePage(req, email, returnTo))
    },
    showFormAgain((req, error) =>
      organizationLoginPage({
        slug: slugOf(req),
        returnTo: returnToOf(req),
        email: field(req, 'email_address'),
        error,
        mailbox,
      }),
    ),
  )
  app.post(
    '/org/:slug/login/code',
    form,
    rememberSession,
    authenticateLoginCode(),
    redirectAfterSignIn,
    showFormAgain((req, error) =>
      orgCodePage(req, field(req, 'email_address'), returnToOf(req), error),
    ),
  )

  function orgCodePage(
    req: Request,
    email: string,
    returnTo: string | undefined,
    error?: ViewError,
  ): string {
    const slug = slugOf(req)
    const base = `/org/${encodeURIComponent(slug)}/login`
    return codePage({
      email,
      action: withReturnTo(`${base}/code`, returnTo),
      fields: { organization_id: field(req, 'organization_id'), email_address: email },
      organization: slug,
      error,
      mailbox,
      restart: withReturnTo(base, returnTo),
    })
  }

  // Stytch down: the session still verifies locally, so show the dashboard without the list.
  function dashboardWithoutOrganizations(
    error: unknown,
    req: Request,
    res: Response,
    next: NextFunction,
  ): void {
    if (!isAuthError(error) || error.code !== 'ERR_STYTCH_UNAVAILABLE') {
      next(error)
      return
    }
    req.discoveredOrganizations = undefined
    showDashboard(req, res)
  }

  function showDashboard(req: Request, res: Response): void {
    const { member, organization, memberSession } = req
    if (!member || !organization || !memberSession)
      throw new Error('requireSession() must run first')
    res.send(
      dashboardPage({
        member,
        organization,
        memberSession,
        organizations: req.discoveredOrganizations,
        now: now(),
      }),
    )
  }

  // Development only: the codes the local server "sent". Absent when talking to Stytch.
  const local = config.local
  if (local !== undefined) {
    app.get(MAILBOX_PATH, (_req, res) => {
      res.send(mailboxPage(local.outbox.list()))
    })
  }

  app.use(renderError)
  return app
}

function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.set({
    // No script at all: the pages are forms and links, and work with JavaScript disabled.
    'Content-Security-Policy':
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
  })
  next()
}

/** The `return_to` of this request when it is a safe same-origin path, else `undefined`. */
function returnToOf(req: Request): string | undefined {
  return safeReturnTo(req.query.return_to)
}

/** The `:slug` of an organization route. */
function slugOf(req: Request): string {
  const slug = req.params.slug
  return typeof slug === 'string' ? slug : ''
}

/** A field of the parsed form, as a string ('' when absent or repeated). */
function field(req: Request, name: string): string {
  const body = req.body as Record<string, unknown> | undefined
  const value = body?.[name]
  return typeof value === 'string' ? value : ''
}

function showOrganizations(req: Request, res: Response): void {
  res.send(
    organizationsPage({
      email: req.discoveryEmailAddress ?? '',
      organizations: req.discoveredOrganizations ?? [],
      returnTo: returnToOf(req),
    }),
  )
}

// A step that needs another factor (MFA, SSO) leaves any earlier session on `req`: only a new
// member session id means the member is in.
function rememberSession(req: Request, res: Response, next: NextFunction): void {
  res.locals.sessionBefore = req.memberSession?.memberSessionId
  next()
}

function redirectAfterSignIn(req: Request, res: Response): void {
  const signedIn =
    req.memberSession !== undefined &&
    req.memberSession.memberSessionId !== res.locals.sessionBefore
  if (!signedIn) {
    res.send(moreStepsPage())
    return
  }
  res.redirect(303, returnToOf(req) ?? '/dashboard')
}

/** Renders a step's failure on the form it came from, unless the person must start again. */
function showFormAgain(render: (req: Request, error: ViewError) => string): ErrorRequestHandler {
  return function showFormAgain(error, req, res, next) {
    if (!isAuthError(error) || START_AGAIN.has(error.code)) return next(error)
    res.status(error.status).send(render(req, { code: error.code, message: error.message }))
  }
}

/** Every other failure: an error page in words, with a way forward. */
const renderError: ErrorRequestHandler = function renderError(error, req, res, next) {
  if (res.headersSent) return next(error)
  if (isAuthError(error)) {
    const next =
      req.member && !error.code.startsWith('ERR_SESSION_')
        ? { href: '/dashboard', label: 'Back to your dashboard' }
        : { href: '/login', label: 'Back to sign-in' }
    res.status(error.status).send(errorPage({ error: { code: error.code }, next }))
    return
  }
  // Body-parser and other http-errors carry a 4xx `status`; anything else is our bug.
  const status = (error as { status?: unknown }).status
  const clientError = typeof status === 'number' && status >= 400 && status < 500
  if (!clientError) console.error(error)
  res.status(clientError ? status : 500).send(
    errorPage({
      error: { code: clientError ? 'ERR_INVALID_INPUT' : 'ERR_UNEXPECTED' },
      next: { href: '/login', label: 'Back to sign-in' },
    }),
  )
}
