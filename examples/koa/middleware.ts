// The Koa example's own middleware: routing, headers, request helpers, what happens after a step, and error pages.
import type { Context, Middleware, Next } from 'koa'
import { isAuthError, safeReturnTo } from 'stytch-b2b-middleware'
import { errorPage, moreStepsPage, organizationsPage, type ViewError } from '../shared/views.js'

// Failures after which the only way forward is to start again; every other one re-shows the form.
const START_AGAIN = new Set([
  'ERR_INTERMEDIATE_SESSION_MISSING',
  'ERR_INTERMEDIATE_SESSION_INVALID',
  'ERR_SESSION_MISSING',
  'ERR_SESSION_EXPIRED',
  'ERR_SESSION_INVALID',
  'ERR_CSRF_REJECTED',
])

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
  ctx.set({
    // No script at all: the pages are forms and links, and work with JavaScript disabled.
    'Content-Security-Policy':
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
  })
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
  const body = ctx.request.body as Record<string, unknown> | undefined
  const value = body?.[name]
  return typeof value === 'string' ? value : ''
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
 * Runs a sign-in step, then 303s to the safe `return_to` (or the dashboard), or explains the next
 * factor when the step needs another one (MFA, SSO).
 */
export function signIn(step: Middleware): Middleware {
  return async function signIn(ctx, next) {
    await step(ctx, async () => {
      if (ctx.state.memberAuthenticated) seeOther(ctx, returnToOf(ctx) ?? '/dashboard')
      else sendHtml(ctx, moreStepsPage())
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
      if (!isAuthError(error) || START_AGAIN.has(error.code)) throw error
      sendHtml(ctx, render(ctx, { code: error.code, message: error.message }), error.status)
    }
  }
}

/** Every other failure: an error page in words, with a way forward. Goes first, around everything. */
export async function renderError(ctx: Context, next: Next): Promise<void> {
  try {
    await next()
  } catch (error) {
    if (ctx.headerSent) throw error
    if (isAuthError(error)) {
      const way =
        ctx.state.member && !error.code.startsWith('ERR_SESSION_')
          ? { href: '/dashboard', label: 'Back to your dashboard' }
          : { href: '/login', label: 'Back to sign-in' }
      sendHtml(ctx, errorPage({ error: { code: error.code }, next: way }), error.status)
      return
    }
    // @koa/bodyparser and ctx.throw() raise http-errors with a 4xx `status`; anything else is our bug.
    const status = (error as { status?: unknown }).status
    const clientError = typeof status === 'number' && status >= 400 && status < 500
    // Koa's own 'error' listener logs it, as it would have without this middleware.
    if (!clientError) ctx.app.emit('error', error, ctx)
    sendHtml(
      ctx,
      errorPage({
        error: { code: clientError ? 'ERR_INVALID_INPUT' : 'ERR_UNEXPECTED' },
        next: { href: '/login', label: 'Back to sign-in' },
      }),
      clientError ? status : 500,
    )
  }
}
