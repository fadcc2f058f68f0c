// The Express example app: B2B sign-in with email codes (and MFA) as plain HTML forms, on the package's per-step middleware.
import express, { type Express, type NextFunction, type Request, type Response } from 'express'
import { isAuthError } from 'stytch-b2b-middleware'
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
import { dashboardFor, mailboxAnswer, stytchOptions } from '../shared/answers.js'
import type { ExampleConfig } from '../shared/config.js'
import {
  codePage,
  createOrganizationPage,
  MAILBOX_PATH,
  organizationLoginPage,
  signInPage,
  type ViewError,
} from '../shared/views.js'
import { mfaRoutes } from './mfa.js'
import {
  afterSignIn,
  field,
  renderError,
  returnToOf,
  securityHeaders,
  showFormAgain,
  showOrganizations,
  slugOf,
} from './middleware.js'
import { settingsRoutes } from './settings.js'

/**
 * Builds the example app. Every form posts Stytch's own field names to a route that runs one of the
 * package's steps, then a handler here renders the next page or redirects (303).
 * @example createApp({ projectId, secret, baseUrl: local.url, local }).listen(3000)
 */
export function createApp(config: ExampleConfig): Express {
  const now = config.now ?? Date.now
  const mailbox = config.local !== undefined
  const redirectAfterSignIn = afterSignIn(mailbox)
  const app = express()
  app.disable('x-powered-by')
  app.use(securityHeaders)
  app.use(stytchB2B(stytchOptions(config)))
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
      res.send(codePage({ email, returnTo: returnToOf(req), mailbox }))
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
    showFormAgain((req, error) =>
      codePage({ email: field(req, 'email_address'), returnTo: returnToOf(req), error, mailbox }),
    ),
  )
  app.get('/login/organizations', listDiscoveredOrganizations(), showOrganizations)

  // 3. Enter the chosen organization, or create one, with the intermediate session.
  app.post('/login/organization', form, exchangeIntermediateSession(), redirectAfterSignIn)
  app.post(
    '/login/create',
    form,
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

  // 3b. The second step, when the organization requires MFA: SMS, authenticator app, recovery code.
  app.use(mfaRoutes({ form, mailbox, redirectAfterSignIn }))

  // The dashboard: the session is verified locally; the list of organizations comes from Stytch.
  app.get(
    '/dashboard',
    requireSession({ redirectTo: '/login' }),
    listDiscoveredOrganizations(),
    showDashboard,
    dashboardWithoutOrganizations,
  )

  // Organization settings: members and organization pages, each change guarded by its permission.
  app.use(settingsRoutes(config, form))

  // 4. Switch organization, log out.
  app.post('/switch', form, exchangeSession(), redirectAfterSignIn)
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
      res.send(orgCodePage(req))
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
    authenticateLoginCode(),
    redirectAfterSignIn,
    showFormAgain(orgCodePage),
  )

  function orgCodePage(req: Request, error?: ViewError): string {
    const organization = { slug: slugOf(req), id: field(req, 'organization_id') }
    const email = field(req, 'email_address')
    return codePage({ email, returnTo: returnToOf(req), organization, error, mailbox })
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
    res.send(dashboardFor(req, now()))
  }

  // Development only: the codes the local server "sent". Absent when talking to Stytch.
  const local = config.local
  if (local !== undefined) {
    app.get(MAILBOX_PATH, (req, res) => {
      // Codes sign anyone in: only to a page that reached us under our own host name.
      const answer = mailboxAnswer(req.headers.host, config.appOrigin, local)
      res.status(answer.status).type(answer.type).send(answer.body)
    })
  }

  app.use(renderError)
  return app
}
