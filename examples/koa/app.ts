// The Koa example app: B2B sign-in with email codes (and MFA) as plain HTML forms, on the package's per-step middleware.
import { bodyParser } from '@koa/bodyparser'
import Koa, { type Context, type Next } from 'koa'
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
} from 'stytch-b2b-middleware/koa'
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
  field,
  renderError,
  returnToOf,
  route,
  securityHeaders,
  seeOther,
  sendHtml,
  showFormAgain,
  showOrganizations,
  signInWith,
  slugOf,
} from './middleware.js'
import { settingsRoutes } from './settings.js'

/**
 * Builds the example app. Every form posts Stytch's own field names to a route that runs one of the
 * package's steps, then a handler here renders the next page or redirects (303). A step throws its
 * failures (`AuthError`, with `code` and `status`): `showFormAgain()` before it catches them.
 * @example createApp({ projectId, secret, baseUrl: local.url, local }).listen(3000)
 */
export function createApp(config: ExampleConfig): Koa {
  const now = config.now ?? Date.now
  const mailbox = config.local !== undefined
  const signIn = signInWith(mailbox)
  const app = new Koa()
  app.use(renderError)
  app.use(securityHeaders)
  app.use(stytchB2B(stytchOptions(config)))
  // Parsed here (the steps adopt it) so that a failed step can show the form again, filled in.
  const form = bodyParser({ enableTypes: ['form'], formLimit: '16kb' })

  app.use(route('GET', '/', (ctx) => seeOther(ctx, '/dashboard')))

  // 1. Sign in: an email address gets a discovery code.
  app.use(
    route('GET', '/login', (ctx) => {
      sendHtml(
        ctx,
        signInPage({
          returnTo: returnToOf(ctx),
          mailbox,
          notice: ctx.query.logged_out === '1' ? 'You have been logged out.' : undefined,
          signedInAs: ctx.state.member?.emailAddress,
        }),
      )
    }),
  )
  app.use(
    route(
      'POST',
      '/login/send',
      form,
      showFormAgain((ctx, error) =>
        signInPage({
          returnTo: returnToOf(ctx),
          email: field(ctx, 'email_address'),
          error,
          mailbox,
        }),
      ),
      sendDiscoveryCode(),
      (ctx) => {
        const email = ctx.state.discoveryEmailAddress ?? ''
        sendHtml(ctx, codePage({ email, returnTo: returnToOf(ctx), mailbox }))
      },
    ),
  )

  // 2. The code: the organizations this email can enter, and a form to create one.
  app.use(
    route(
      'POST',
      '/login/code',
      form,
      showFormAgain((ctx, error) =>
        codePage({ email: field(ctx, 'email_address'), returnTo: returnToOf(ctx), error, mailbox }),
      ),
      authenticateDiscoveryCode(),
      showOrganizations,
    ),
  )
  app.use(route('GET', '/login/organizations', listDiscoveredOrganizations(), showOrganizations))

  // 3. Enter the chosen organization, or create one, with the intermediate session.
  app.use(route('POST', '/login/organization', form, signIn(exchangeIntermediateSession())))
  app.use(
    route(
      'POST',
      '/login/create',
      form,
      showFormAgain((ctx, error) =>
        createOrganizationPage({
          name: field(ctx, 'organization_name'),
          slug: field(ctx, 'organization_slug'),
          returnTo: returnToOf(ctx),
          error,
        }),
      ),
      signIn(createOrganization()),
    ),
  )

  // 3b. The second step, when the organization requires MFA: SMS, authenticator app, recovery code.
  for (const mfaRoute of mfaRoutes({ form, mailbox, signIn })) app.use(mfaRoute)

  // The dashboard: the session is verified locally; the list of organizations comes from Stytch.
  app.use(
    route(
      'GET',
      '/dashboard',
      requireSession({ redirectTo: '/login' }),
      dashboardWithoutOrganizations,
      listDiscoveredOrganizations(),
      showDashboard,
    ),
  )

  // Organization settings: members and organization pages, each change guarded by its permission.
  for (const settingsRoute of settingsRoutes(config, form)) app.use(settingsRoute)

  // 4. Switch organization, log out.
  app.use(route('POST', '/switch', form, signIn(exchangeSession())))
  app.use(
    route('POST', '/logout', form, revokeSession(), (ctx) => seeOther(ctx, '/login?logged_out=1')),
  )

  // 5. One organization's own login page: organization email OTP, no discovery.
  app.use(
    route('GET', '/org/:slug/login', (ctx) => {
      sendHtml(
        ctx,
        organizationLoginPage({ slug: slugOf(ctx), returnTo: returnToOf(ctx), mailbox }),
      )
    }),
  )
  app.use(
    route(
      'POST',
      '/org/:slug/login/send',
      form,
      showFormAgain((ctx, error) =>
        organizationLoginPage({
          slug: slugOf(ctx),
          returnTo: returnToOf(ctx),
          email: field(ctx, 'email_address'),
          error,
          mailbox,
        }),
      ),
      sendLoginCode(),
      (ctx) => sendHtml(ctx, orgCodePage(ctx)),
    ),
  )
  app.use(
    route(
      'POST',
      '/org/:slug/login/code',
      form,
      showFormAgain(orgCodePage),
      signIn(authenticateLoginCode()),
    ),
  )

  function orgCodePage(ctx: Context, error?: ViewError): string {
    const organization = { slug: slugOf(ctx), id: field(ctx, 'organization_id') }
    const email = field(ctx, 'email_address')
    return codePage({ email, returnTo: returnToOf(ctx), organization, error, mailbox })
  }

  // Stytch down: the session still verifies locally, so show the dashboard without the list.
  async function dashboardWithoutOrganizations(ctx: Context, next: Next): Promise<void> {
    try {
      await next()
    } catch (error) {
      if (!isAuthError(error) || error.code !== 'ERR_STYTCH_UNAVAILABLE') throw error
      ctx.state.discoveredOrganizations = undefined
      showDashboard(ctx)
    }
  }

  function showDashboard(ctx: Context): void {
    sendHtml(ctx, dashboardFor(ctx.state, now()))
  }

  // Development only: the codes the local server "sent". Absent when talking to Stytch.
  const local = config.local
  if (local !== undefined) {
    app.use(
      route('GET', MAILBOX_PATH, (ctx) => {
        // Codes sign anyone in: only to a page that reached us under our own host name.
        const answer = mailboxAnswer(ctx.get('host') || undefined, config.appOrigin, local)
        ctx.status = answer.status
        ctx.type = answer.type
        ctx.body = answer.body
      }),
    )
  }

  return app
}
