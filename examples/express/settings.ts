// The Express example's organization settings area: members and organization pages; each change guarded by its permission and made through Stytch with the member's session.
import {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
  Router,
} from 'express'
import { memberAuthorization, type Permission, requireSession } from 'stytch-b2b-middleware/express'
import type { ExampleConfig } from '../shared/config.js'
import {
  ORGANIZATION_SETTINGS,
  organizationSettingPath,
  SETTINGS_PATHS,
  SETTINGS_PERMISSIONS,
} from '../shared/settings.js'
import { crossSiteRefusal, refusalPage, settingsAnswers } from '../shared/settings-answers.js'
import { settingsApi } from '../shared/settings-api.js'

/**
 * `requireSession()` sends its refusal as JSON; on these pages it is shown in words instead (same
 * status). Only the guard's `{ error: { code } }` body is replaced.
 */
function refusalAsPage(_req: Request, res: Response, next: NextFunction): void {
  const json = res.json.bind(res)
  res.json = (body: unknown) => {
    const page = refusalPage(res.statusCode, body)
    return page === undefined ? json(body) : res.type('html').send(page)
  }
  next()
}

function sameOrigin(req: Request, _res: Response, next: NextFunction): void {
  next(crossSiteRefusal(req.method, (name) => req.get(name)))
}

/** The settings routes; `form` parses the posted forms (after the guard: a refusal reads nothing). */
export function settingsRoutes(config: ExampleConfig, form: RequestHandler): Router {
  const answers = settingsAnswers(settingsApi(config))
  const router = Router()
  const signedIn = [refusalAsPage, requireSession()]
  // The guard decides before anything is read or sent to Stytch; Stytch checks the same again.
  const permitted = (permission: Permission) => [
    refusalAsPage,
    sameOrigin,
    requireSession({ permission }),
    form,
  ]
  const redirect = (res: Response, location: Promise<string>) =>
    location.then((to) => res.redirect(303, to))

  // The pages: every signed-in member sees them; `req.can` decides which forms are shown.
  router.get(SETTINGS_PATHS.members, signedIn, async (req: Request, res: Response) => {
    res.send(await answers.membersPage(req, memberAuthorization(req), req.query.done))
  })
  router.get(SETTINGS_PATHS.organization, signedIn, async (req: Request, res: Response) => {
    res.send(await answers.organizationPage(req, req.query.done))
  })

  router.post(
    SETTINGS_PATHS.changeRole,
    permitted(SETTINGS_PERMISSIONS.changeRole),
    async (req: Request, res: Response) => {
      await redirect(res, answers.changeRole(req, req.body, memberAuthorization(req)))
    },
  )
  router.post(
    SETTINGS_PATHS.removeMember,
    permitted(SETTINGS_PERMISSIONS.removeMember),
    async (req: Request, res: Response) => {
      await redirect(res, answers.removeMember(req, req.body, memberAuthorization(req)))
    },
  )
  for (const setting of ORGANIZATION_SETTINGS) {
    router.post(
      organizationSettingPath(setting),
      permitted(SETTINGS_PERMISSIONS[setting]),
      async (req: Request, res: Response) => {
        const authorization = memberAuthorization(req)
        await redirect(res, answers.updateOrganization(setting, req, req.body, authorization))
      },
    )
  }
  return router
}
