// Neutral request and response shapes that both adapters translate to and from.
import type { RequestScheme } from './cookies.js'

/**
 * What the core needs to know about an incoming request. Express's `req` and Koa's `ctx` have this
 * shape as they are, so the adapters hand them over without a per-request copy; their `secure` and
 * `hostname` are getters that follow the framework's trust proxy setting and run only when read.
 */
export interface CoreRequest extends RequestScheme {
  readonly method: string
  /** Path and query as the client sent them, before any mount point was stripped. */
  readonly originalUrl: string
  /** Lower-case header names, as Node gives them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  /**
   * The client's IP under the framework's proxy setting (Express `req.ip` with `trust proxy`,
   * Koa `ctx.ip` with `app.proxy`); read only by the rate limits of the code steps, which skip
   * their per-IP limits without it.
   */
  readonly ip?: string | undefined
}

/** What a flow step answers; the adapter writes it, or hands it to the host's next handler. */
export interface CoreResponse {
  status: number
  /** JSON body of the default responder. Never holds a token unless `exposeTokens` is set. */
  body: Record<string, unknown>
  /**
   * A text answer sent instead of `body` (the drop-in pages' HTML and stylesheets), with its
   * `content-type` in `headers`.
   */
  text?: string | undefined
  /** `Set-Cookie` values, in order. */
  setCookies: string[]
  /** Extra response headers (e.g. `WWW-Authenticate`). */
  headers: Record<string, string>
}

export function header(request: CoreRequest, name: string): string | undefined {
  const value = request.headers[name]
  return Array.isArray(value) ? value[0] : value
}

/** The request's `Cookie` header, its lines joined as one (HTTP/2 may send several). */
export function cookieHeader(request: CoreRequest): string | undefined {
  const value = request.headers.cookie
  return Array.isArray(value) ? value.join('; ') : value
}
