// The Koa example's organization settings area: members and organization pages; each change guarded by its permission and made through Stytch with the member's session.
import type { Context, Middleware, Next } from 'koa'
import { memberAuthorization, type Permission, requireSession } from 'stytch-b2b-middleware/koa'
import type { ExampleConfig } from '../shared/config.js'
import {
  ORGANIZATION_SETTINGS,
  organizationSettingPath,
  SETTINGS_PATHS,
  SETTINGS_PERMISSIONS,
} from '../shared/settings.js'
import { crossSiteRefusal, refusalPage, settingsAnswers } from '../shared/settings-answers.js'
import { settingsApi } from '../shared/settings-api.js'
import { route, seeOther, sendHtml } from './middleware.js'

/**
 * `requireSession()` sends its refusal as JSON; on these pages it is shown in words instead (same
 * status). Only the guard's `{ error: { code } }` body is replaced.
 */
async function refusalAsPage(ctx: Context, next: Next): Promise<void> {
  await next()
  const page = refusalPage(ctx.status, ctx.body)
  if (page !== undefined) sendHtml(ctx, page, ctx.status)
}

async function sameOrigin(ctx: Context, next: Next): Promise<void> {
  const refusal = crossSiteRefusal(ctx.method, (name) => ctx.get(name) || undefined)
  if (refusal !== undefined) throw refusal
  await next()
}

/** The settings routes; `form` parses the posted forms (after the guard: a refusal reads nothing). */
export function settingsRoutes(config: ExampleConfig, form: Middleware): Middleware[] {
  const answers = settingsAnswers(settingsApi(config))
  const signedIn = [refusalAsPage, requireSession()]
  // The guard decides before anything is read or sent to Stytch; Stytch checks the same again.
  const permitted = (permission: Permission) => [
    refusalAsPage,
    sameOrigin,
    requireSession({ permission }),
    form,
  ]
  const body = (ctx: Context): unknown => ctx.request.body

  const routes = [
    // The pages: every signed-in member sees them; `ctx.state.can` decides which forms are shown.
    route('GET', SETTINGS_PATHS.members, ...signedIn, async (ctx) => {
      const page = await answers.membersPage(ctx.state, memberAuthorization(ctx), ctx.query.done)
      sendHtml(ctx, page)
    }),
    route('GET', SETTINGS_PATHS.organization, ...signedIn, async (ctx) => {
      sendHtml(ctx, await answers.organizationPage(ctx.state, ctx.query.done))
    }),
    route(
      'POST',
      SETTINGS_PATHS.changeRole,
      ...permitted(SETTINGS_PERMISSIONS.changeRole),
      async (ctx) => {
        seeOther(ctx, await answers.changeRole(ctx.state, body(ctx), memberAuthorization(ctx)))
      },
    ),
    route(
      'POST',
      SETTINGS_PATHS.removeMember,
      ...permitted(SETTINGS_PERMISSIONS.removeMember),
      async (ctx) => {
        seeOther(ctx, await answers.removeMember(ctx.state, body(ctx), memberAuthorization(ctx)))
      },
    ),
  ]
  for (const setting of ORGANIZATION_SETTINGS) {
    routes.push(
      route(
        'POST',
        organizationSettingPath(setting),
        ...permitted(SETTINGS_PERMISSIONS[setting]),
        async (ctx) => {
          const authorization = memberAuthorization(ctx)
          seeOther(
            ctx,
            await answers.updateOrganization(setting, ctx.state, body(ctx), authorization),
          )
        },
      ),
    )
  }
  return routes
}
