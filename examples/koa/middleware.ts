// The Koa example's own middleware: routing, answering a page or a 303, and error pages.
import type { Context, Middleware, Next } from 'koa'
import { errorAnswer } from '../shared/answers.js'

/**
 * `method path` runs `chain` in order, like Express's `app.METHOD(path, ...handlers)`: the path
 * matches case-insensitively, with an optional trailing slash (Express's defaults); GET routes
 * answer HEAD too. Any other request goes on to `next`.
 * @example app.use(route('GET', '/dashboard', requireSession(), showDashboard))
 */
export function route(method: 'GET' | 'POST', path: string, ...chain: Middleware[]): Middleware {
  const pattern = new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/?$`, 'i')
  return async function routeMiddleware(ctx, next) {
    const methodMatches = ctx.method === method || (method === 'GET' && ctx.method === 'HEAD')
    if (!methodMatches || !pattern.test(ctx.path)) return next()
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

/** Every failure: an error page in words, with a way forward. Goes first, around everything. */
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
