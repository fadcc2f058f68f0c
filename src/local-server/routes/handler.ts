// What a route handler is: a synchronous function of the server's state and the parsed request.
import type { IncomingHttpHeaders } from 'node:http'
import type { ServerContext } from '../domain/context.js'
import type { JsonObject } from '../domain/request-fields.js'

export interface RouteRequest {
  body: JsonObject
  query: URLSearchParams
  params: Record<string, string>
  headers: IncomingHttpHeaders
}

/**
 * A route: synchronous on purpose, so that no request can interleave between a check and the
 * write that depends on it. Returns the success body without `request_id` / `status_code`.
 */
export type RouteHandler = (ctx: ServerContext, request: RouteRequest) => Record<string, unknown>
