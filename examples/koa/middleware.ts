// The Koa example's own middleware: routing, headers, request helpers, what happens after a step, and error pages.
import type { Context, Middleware, Next } from 'koa'
import { safeReturnTo } from 'stytch-b2b-middleware'
import {
  errorAnswer,
  formFailure,
  formField,
  nextFactorPage,
  SECURITY_HEADERS,
} from '../shared/answers.js'
import { organizationsPage, type ViewError } from '../shared/views.js'

/** The route parameters of the request, set by `route()`. */
const PARAMS = new WeakMap<Context, Record<string, string>>()

/**
 * `method path` runs `chain` in order, like Express's `app.METHOD(path, ...handlers)`: `:name`
 * matches one path segment, case-insensitively, with an optional trailing slash (Express's
 * defaults); GET routes answer HEAD too. Any other request goes on to `next`.
 * @example app.use(route('GET', '/org/:slug/login', showLogin))
 */
export function route(method: 'GET' | 'POST', path: string, ...chain: Middleware[]): Middleware {
  const names: string[] = []
  const source = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_match, name) => {
    names.push(name)
    return '([^/]+)'
  })
  const pattern = new RegExp(`^${source}/?$`, 'i')
  return async function routeMiddleware(ctx, next) {
    const methodMatches = ctx.method === method || (method === 'GET' && ctx.method === 'HEAD')
    const match = methodMatches ? pattern.exec(ctx.path) : null
    if (match === null) return next()
    const params: Record<string, string> = {}
    for (const [index, name] of names.entries()) {
      try {
        params[name] = decodeURIComponent(match[index + 1] ?? '')
      } catch {
        ctx.throw(400, `Failed to decode param "${name}"`)
      }
    }
    PARAMS.set(ctx, params)
    const run = async (index: number): Promise<void> => {
      const handler = chain[index]
      if (handler !== undefined) await handler(ctx, () => run(index + 1))
    }
    await run(0)
  }
}

/** Sends a page. */
export function sendHtml(ctx: Context, page: string, status = 200): void {
  ctx.status = status
  ctx.type = 'html'
  ctx.body = page
}

/** 303 See Other to `location`: after a POST, the browser GETs the next page. */
export function seeOther(ctx: Context, location: string): void {
  ctx.redirect(location)
  ctx.status = 303
}

/** Headers for every page: a strict CSP, no caching of auth pages, no MIME sniffing. */
export async function securityHeaders(ctx: Context, next: Next): Promise<void> {
  ctx.set(SECURITY_HEADERS)
  await next()
}

/** The `return_to` of this request when it is a safe same-origin path, else `undefined`. */
export function returnToOf(ctx: Context): string | undefined {
  return safeReturnTo(ctx.query.return_to)
}

/** The `:slug` of an organization route. */
export function slugOf(ctx: Context): string {
  return PARAMS.get(ctx)?.slug ?? ''
}

/** A field of the form parsed by `@koa/bodyparser`, as a string ('' when absent or repeated). */
export function field(ctx: Context, name: string): string {
  return formField(ctx.request.body, name)
}

/** The organizations page from `ctx.state.discoveredOrganizations` (set by a discovery step). */
export function showOrganizations(ctx: Context): void {
  sendHtml(
    ctx,
    organizationsPage({
      email: ctx.state.discoveryEmailAddress ?? '',
      organizations: ctx.state.discoveredOrganizations ?? [],
      returnTo: returnToOf(ctx),
    }),
  )
}

/**
 * `signIn(step)` runs a sign-in step, then 303s to the safe `return_to` (or the dashboard), or
 * shows the next factor's page when the step needs another one (the second step for MFA).
 * `mailbox`: offline, link the codes.
 */
export function signInWith(mailbox: boolean): (step: Middleware) => Middleware {
  return (step) =>
    async function signIn(ctx, next) {
      await step(ctx, async () => {
        if (ctx.state.memberAuthenticated) seeOther(ctx, returnToOf(ctx) ?? '/dashboard')
        else sendHtml(ctx, nextFactorPage(ctx.state, returnToOf(ctx), mailbox))
        await next()
      })
    }
}

/**
 * Renders a failure of the middleware after it on the form it came from, unless the person must
 * start again. Koa's onion: this wraps the step, so it goes before it in the chain.
 */
export function showFormAgain(render: (ctx: Context, error: ViewError) => string): Middleware {
  return async function showFormAgain(ctx, next) {
    try {
      await next()
    } catch (error) {
      const failure = formFailure(error)
      if (failure === undefined) throw error
      sendHtml(ctx, render(ctx, failure.error), failure.status)
    }
  }
}

/** Every other failure: an error page in words, with a way forward. Goes first, around everything. */
export async function renderError(ctx: Context, next: Next): Promise<void> {
  try {
    await next()
  } catch (error) {
    if (ctx.headerSent) throw error
    const answer = errorAnswer(error, ctx.state.member !== undefined)
    // Koa's own 'error' listener logs it, as it would have without this middleware.
    if (answer.unexpected) ctx.app.emit('error', error, ctx)
    sendHtml(ctx, answer.page, answer.status)
  }
}
