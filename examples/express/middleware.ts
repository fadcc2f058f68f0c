// The Express example's own middleware: headers, request helpers, what happens after a step, and error pages.
import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express'
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

/** Headers for every page: a strict CSP, no caching of auth pages, no MIME sniffing. */
export function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
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
export function returnToOf(req: Request): string | undefined {
  return safeReturnTo(req.query.return_to)
}

/** The `:slug` of an organization route. */
export function slugOf(req: Request): string {
  const slug = req.params.slug
  return typeof slug === 'string' ? slug : ''
}

/** A field of the parsed form, as a string ('' when absent or repeated). */
export function field(req: Request, name: string): string {
  const body = req.body as Record<string, unknown> | undefined
  const value = body?.[name]
  return typeof value === 'string' ? value : ''
}

/** The organizations page from `req.discoveredOrganizations` (set by a discovery step). */
export function showOrganizations(req: Request, res: Response): void {
  res.send(
    organizationsPage({
      email: req.discoveryEmailAddress ?? '',
      organizations: req.discoveredOrganizations ?? [],
      returnTo: returnToOf(req),
    }),
  )
}

/** After a sign-in step: 303 to the safe `return_to` (or the dashboard), or explain the next factor. */
export function redirectAfterSignIn(req: Request, res: Response): void {
  if (!req.memberAuthenticated) {
    res.send(moreStepsPage())
    return
  }
  res.redirect(303, returnToOf(req) ?? '/dashboard')
}

/** Renders a step's failure on the form it came from, unless the person must start again. */
export function showFormAgain(
  render: (req: Request, error: ViewError) => string,
): ErrorRequestHandler {
  return function showFormAgain(error, req, res, next) {
    if (!isAuthError(error) || START_AGAIN.has(error.code)) return next(error)
    res.status(error.status).send(render(req, { code: error.code, message: error.message }))
  }
}

/** Every other failure: an error page in words, with a way forward. */
export const renderError: ErrorRequestHandler = function renderError(error, req, res, next) {
  if (res.headersSent) return next(error)
  if (isAuthError(error)) {
    const way =
      req.member && !error.code.startsWith('ERR_SESSION_')
        ? { href: '/dashboard', label: 'Back to your dashboard' }
        : { href: '/login', label: 'Back to sign-in' }
    res.status(error.status).send(errorPage({ error: { code: error.code }, next: way }))
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
