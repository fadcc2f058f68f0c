// The Express example's own middleware: headers, request helpers, what happens after a step, and error pages.
import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express'
import { safeReturnTo } from 'stytch-b2b-middleware'
import {
  errorAnswer,
  formFailure,
  formField,
  nextFactorPage,
  SECURITY_HEADERS,
} from '../shared/answers.js'
import { organizationsPage, type ViewError } from '../shared/views.js'

/** Headers for every page: a strict CSP, no caching of auth pages, no MIME sniffing. */
export function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.set(SECURITY_HEADERS)
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
  return formField(req.body, name)
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

/**
 * After a sign-in step: 303 to the safe `return_to` (or the dashboard), or the next factor's page
 * (the second step when the organization requires MFA). `mailbox`: offline, link the codes.
 */
export function afterSignIn(mailbox: boolean): (req: Request, res: Response) => void {
  return function redirectAfterSignIn(req, res) {
    if (!req.memberAuthenticated) {
      res.send(nextFactorPage(req, returnToOf(req), mailbox))
      return
    }
    res.redirect(303, returnToOf(req) ?? '/dashboard')
  }
}

/** Renders a step's failure on the form it came from, unless the person must start again. */
export function showFormAgain(
  render: (req: Request, error: ViewError) => string,
): ErrorRequestHandler {
  return function showFormAgain(error, req, res, next) {
    const failure = formFailure(error)
    if (failure === undefined) return next(error)
    res.status(failure.status).send(render(req, failure.error))
  }
}

/** Every other failure: an error page in words, with a way forward. */
export const renderError: ErrorRequestHandler = function renderError(error, req, res, next) {
  if (res.headersSent) return next(error)
  const answer = errorAnswer(error, req.member !== undefined)
  if (answer.unexpected) console.error(error)
  res.status(answer.status).send(answer.page)
}
