// The Koa example app: the package's sign-in pages, a dashboard and the organization settings behind requireSession().
import { bodyParser } from '@koa/bodyparser'
import Koa from 'koa'
import { requireSession, stytchB2B } from 'stytch-b2b-middleware/koa'
import { dashboardFor, SECURITY_HEADERS, stytchOptions } from '../shared/answers.js'
import type { ExampleConfig } from '../shared/config.js'
import { renderError, route, seeOther, sendHtml } from './middleware.js'
import { settingsRoutes } from './settings.js'

/**
 * Builds the example app. Sign-in, organization choice, MFA, switching and signing out are the
 * package's pages under /auth; `requireSession()` sends a signed-out browser there and back.
 * @example createApp({ projectId, secret, baseUrl: local.url, local }).listen(3000)
 */
export function createApp(config: ExampleConfig): Koa {
  const now = config.now ?? Date.now
  const app = new Koa()
  app.use(renderError)
  app.use(stytchB2B(stytchOptions(config)))
  // The example's own pages: same strict headers as the sign-in pages (they set their own).
  app.use(async (ctx, next) => {
    ctx.set(SECURITY_HEADERS)
    await next()
  })

  app.use(route('GET', '/', (ctx) => seeOther(ctx, '/dashboard')))
  app.use(
    route('GET', '/dashboard', requireSession(), (ctx) => {
      sendHtml(ctx, dashboardFor(ctx.state, now()))
    }),
  )
  // Members and organization pages, each change guarded by its permission.
  const form = bodyParser({ enableTypes: ['form'], formLimit: '16kb' })
  for (const settingsRoute of settingsRoutes(config, form)) app.use(settingsRoute)
  return app
}
