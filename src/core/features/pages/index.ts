// The drop-in pages (`pages` option): their routes under basePath, and one request to a page, from locale and flow cookie to the answer.
import type { ResolvedConfig } from '../../kit/config.js'
import { checkCrossSite } from '../../kit/csrf.js'
import { isAuthError, methodNotAllowed } from '../../kit/errors.js'
import { type CoreRequest, type CoreResponse, header } from '../../kit/http.js'
import { type BodySource, readBodyFields } from '../../kit/input.js'
import type { MailboxMessage, ResolvedPagesOptions } from '../../kit/pages-options.js'
import type { SessionCheck } from '../../session/backend.js'
import type { StepName } from '../../step-table.js'
import type { StepResult } from '../step.js'
import { createFlowCookies, type FlowCookies } from './flow-cookie.js'
import {
  contentSecurityPolicy,
  type PAGE_PATHS,
  type PageCall,
  type PagesEnv,
  pageAnswer,
  pagePath,
} from './layout.js'
import { createMessages, pickLocale } from './messages/index.js'
import { mfa, recovery, sms, smsSend, totp, totpNew } from './mfa-routes.js'
import { failed } from './outcomes.js'
import { mailboxPage, signOut, switchOrganization } from './session-routes.js'
import { code, create, organizations, type PageRoute, signIn } from './sign-in-routes.js'
import { stylesheets } from './style.js'
import { refusalView } from './views.js'

export type { MailboxMessage } from '../../kit/pages-options.js'

/** What the pages need from the core. */
export interface PagesDeps {
  config: ResolvedConfig
  options: ResolvedPagesOptions
  /** The project secret, once known (the embedded server's starts on first use). */
  secret(): Promise<string>
  /** Runs a step with these fields (validated by the step), as the JSON routes do. */
  runStep(
    name: StepName,
    request: CoreRequest,
    fields: Record<string, unknown>,
    check: SessionCheck,
  ): Promise<StepResult>
  /** The embedded server's sent codes; absent when talking to Stytch. */
  outbox: (() => readonly MailboxMessage[]) | undefined
}

/** Where a request to a page goes: a page to run, or an answer already decided (a stylesheet, a 405). */
export type PageMatch = { page: string } | { answer: CoreResponse }

export interface Pages {
  /** The sign-in page, where requireSession() sends HTML navigations without a session. */
  readonly signInPath: string
  match(method: string, path: string): PageMatch | undefined
  run(
    page: string,
    request: CoreRequest,
    body: BodySource,
    check: SessionCheck,
  ): Promise<CoreResponse>
}

// A POST's failure is shown on this page's GET (by default the page itself).
const FAILS_TO: Record<string, keyof typeof PAGE_PATHS> = {
  smsSend: 'mfa',
  totpNew: 'mfa',
  create: 'organizations',
}

const IMMUTABLE = 'public, max-age=31536000, immutable'

export function createPages(deps: PagesDeps): Pages {
  const { config, options } = deps
  const base = config.basePath === '/' ? '' : config.basePath
  const env: PagesEnv = {
    base,
    options,
    styles: stylesheets(base, options),
    csp: contentSecurityPolicy(options),
    limits: config,
  }
  const translate = createMessages(options.messages)
  const routes: Record<string, PageRoute> = {
    signIn,
    code,
    organizations,
    create,
    mfa,
    smsSend,
    sms,
    totpNew,
    totp,
    recovery,
    switch: switchOrganization,
    signOut,
  }
  if (deps.outbox !== undefined) routes.mailbox = mailboxPage(deps.outbox, config.appOrigins)
  const paths = new Map<string, string>()
  for (const name of Object.keys(routes)) {
    paths.set(pagePath(env, name as keyof typeof PAGE_PATHS).toLowerCase(), name)
  }
  const sheets = new Map<string, string>()
  for (const sheet of [env.styles.main, env.styles.theme]) {
    if (sheet !== undefined) sheets.set(sheet.path.toLowerCase(), sheet.css)
  }
  let flowCookies: FlowCookies | undefined

  return {
    signInPath: pagePath(env, 'signIn'),
    match(method, path) {
      const wanted = path.toLowerCase().replace(/(?<=.)\/$/, '')
      const isGet = method === 'GET' || method === 'HEAD'
      const css = sheets.get(wanted)
      if (css !== undefined)
        return { answer: isGet ? stylesheetAnswer(css) : methodNotAllowed('GET') }
      const name = paths.get(wanted)
      if (name === undefined) return undefined
      const route = routes[name] as PageRoute
      if (isGet ? route.get : method === 'POST' && route.post) return { page: name }
      const allow = [route.get && 'GET', route.post && 'POST'].filter(Boolean).join(', ')
      return { answer: methodNotAllowed(allow) }
    },
    async run(page, request, body, check) {
      const route = routes[page] as PageRoute
      flowCookies ??= createFlowCookies(await deps.secret(), config.cookies, config.now)
      const locale = options.locale ?? pickLocale(header(request, 'accept-language'))
      const flow = flowCookies.read(request)
      const call: PageCall = {
        env,
        request,
        check,
        locale,
        t: translate(locale),
        flow: flow.state,
        flowBad: flow.bad,
        fields: {},
        query: new URL(request.originalUrl, 'http://page.invalid').searchParams,
        mailbox: deps.outbox !== undefined,
        flowCookies,
        step: (name, fields) => deps.runStep(name, request, fields, check),
      }
      const method = request.method.toUpperCase()
      if (method !== 'POST') return (route.get as NonNullable<PageRoute['get']>)(call)
      try {
        checkCrossSite(request, config.isTrustedOrigin, config.appOrigins)
      } catch (error) {
        if (!isAuthError(error)) throw error
        const [title, content] = refusalView(call, error.code)
        return pageAnswer(call, title, content, { status: error.status })
      }
      try {
        call.fields = await readBodyFields(body, method, config)
      } catch (error) {
        return failed(call, FAILS_TO[page] ?? (page as keyof typeof PAGE_PATHS), error, {})
      }
      return (route.post as NonNullable<PageRoute['post']>)(call)
    },
  }
}

/** A stylesheet: static, its URL naming its content, so cached for good. */
function stylesheetAnswer(css: string): CoreResponse {
  return {
    status: 200,
    headers: {
      'content-type': 'text/css; charset=utf-8',
      'cache-control': IMMUTABLE,
      'x-content-type-options': 'nosniff',
    },
    setCookies: [],
    body: {},
    text: css,
  }
}
