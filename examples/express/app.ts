// The Express example app: the package's sign-in pages, a dashboard and the organization settings behind requireSession().
import express, { type ErrorRequestHandler, type Express } from 'express'
import { requireSession, stytchB2B } from 'stytch-b2b-middleware/express'
import { dashboardFor, errorAnswer, SECURITY_HEADERS, stytchOptions } from '../shared/answers.js'
import type { ExampleConfig } from '../shared/config.js'
import { settingsRoutes } from './settings.js'

/**
 * Builds the example app. Sign-in, organization choice, MFA, switching and signing out are the
 * package's pages under /auth; `requireSession()` sends a signed-out browser there and back.
 * @example createApp({ projectId, secret, baseUrl: local.url, local }).listen(3000)
 */
export function createApp(config: ExampleConfig): Express {
  const now = config.now ?? Date.now
  const app = express()
  app.disable('x-powered-by')
  app.use(stytchB2B(stytchOptions(config)))
  // The example's own pages: same strict headers as the sign-in pages (they set their own).
  app.use((_req, res, next) => {
    res.set(SECURITY_HEADERS)
    next()
  })

  app.get('/', (_req, res) => res.redirect(303, '/dashboard'))
  app.get('/dashboard', requireSession(), (req, res) => {
    res.send(dashboardFor(req, now()))
  })
  // Members and organization pages, each change guarded by its permission.
  app.use(settingsRoutes(config, express.urlencoded({ extended: false, limit: '16kb' })))

  app.use(renderError)
  return app
}

/** Every failure: an error page in words, with a way forward. */
const renderError: ErrorRequestHandler = (error, req, res, next) => {
  if (res.headersSent) return next(error)
  const answer = errorAnswer(error, req.member !== undefined)
  if (answer.unexpected) console.error(error)
  res.status(answer.status).send(answer.page)
}
