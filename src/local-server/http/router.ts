// Request dispatch: route matching (404/405), Basic auth, body parsing, Stytch envelopes, counters.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ServerContext } from '../domain/context.js'
import { StytchHttpError } from '../domain/errors.js'
import { checkIdEnvironments, newRequestId } from '../domain/ids.js'
import type { RouteRequest } from '../routes/handler.js'
import { ROUTES, type RouteDefinition } from '../routes/table.js'
import { answerOf, sendError, sendJson } from './answer.js'
import { hasValidBasicAuth } from './basic-auth.js'
import { parseJsonObject, readBody } from './request-body.js'

interface CompiledRoute extends RouteDefinition {
  regex: RegExp
  keys: string[]
}

function compile(route: RouteDefinition): CompiledRoute {
  const keys: string[] = []
  const source = route.path.replace(/\{(\w+)\}/g, (_match, key: string) => {
    keys.push(key)
    return '([^/]+)'
  })
  return { ...route, regex: new RegExp(`^${source}$`), keys }
}

const COMPILED = ROUTES.map(compile)

/** Per-route request counters, keyed `METHOD /path/{param}`. */
export type RequestCounts = Map<string, number>

/** Methods served at `path` (empty when no route has this path: a 404, not a 405). */
function allowedMethods(path: string): string[] {
  return [...new Set(COMPILED.filter((route) => route.regex.test(path)).map((r) => r.method))]
}

function paramsOf(route: CompiledRoute, path: string): Record<string, string> | undefined {
  const found = route.regex.exec(path)
  if (found === null) return undefined
  const params: Record<string, string> = Object.create(null)
  try {
    route.keys.forEach((key, index) => {
      params[key] = decodeURIComponent(found[index + 1] ?? '')
    })
  } catch {
    return undefined
  }
  return params
}

const NOT_ALLOWED_HOST = new StytchHttpError(
  403,
  'host_not_allowed',
  'The Host header does not name this server: use its loopback URL, or list the name in allowedHosts (--allowed-host).',
)
const UNAUTHORIZED = new StytchHttpError(
  401,
  'unauthorized_credentials',
  'Unauthorized credentials.',
)
const notFound = (what: string) => new StytchHttpError(404, 'route_not_found', what)
const methodNotAllowed = (what: string) => new StytchHttpError(405, 'method_not_allowed', what)

/**
 * Builds the `node:http` request listener of the local server. `isAllowedHost` vets the `Host`
 * header of every request before anything else (see `createHostCheck`).
 */
export function createRequestListener(
  ctx: ServerContext,
  secret: string,
  counts: RequestCounts,
  isAllowedHost: (host: string | undefined) => boolean,
): (req: IncomingMessage, res: ServerResponse) => void {
  const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1)

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = newRequestId(ctx)
    const method = req.method ?? 'GET'
    if (!isAllowedHost(req.headers.host)) {
      // 403 before routing: nothing of the outbox, the JWKS or the API reaches such a request.
      sendError(res, requestId, NOT_ALLOWED_HOST)
      req.resume()
      return
    }
    let url: URL
    try {
      url = new URL(req.url ?? '/', 'http://local.invalid')
    } catch {
      sendError(res, requestId, notFound('Route not found.'))
      return
    }
    if (url.pathname === '/__local/outbox') {
      count(`GET ${url.pathname}`)
      if (method !== 'GET') {
        sendError(res, requestId, methodNotAllowed('Method not allowed.'), { allow: 'GET' })
        return
      }
      // One recipient filter: an email address, or the E.164 number SMS codes went to.
      const emailAddress =
        url.searchParams.get('email_address') ?? url.searchParams.get('phone_number') ?? undefined
      sendJson(res, 200, { messages: ctx.outbox.list({ emailAddress }) })
      return
    }
    const allowed = allowedMethods(url.pathname)
    const route = COMPILED.find((r) => r.method === method && r.regex.test(url.pathname))
    const params = route && paramsOf(route, url.pathname)
    if (allowed.length === 0 || (route !== undefined && params === undefined)) {
      sendError(res, requestId, notFound(`No route for ${method} ${url.pathname}.`))
      return
    }
    if (route === undefined || params === undefined) {
      sendError(res, requestId, methodNotAllowed(`${method} is not allowed on ${url.pathname}.`), {
        allow: allowed.join(', '),
      })
      return
    }
    count(`${route.method} ${route.path}`)
    if (route.auth && !hasValidBasicAuth(req.headers.authorization, ctx.projectId, secret)) {
      sendError(res, requestId, UNAUTHORIZED)
      req.resume()
      return
    }
    // The SDK sends a JSON body with POST and PUT, and `{}` with DELETE (stytch
    // dist/b2b/organizations.js); a GET body is never read.
    const hasBody = method !== 'GET'
    let request: RouteRequest
    try {
      const raw = hasBody ? await readBody(req) : Buffer.alloc(0)
      request = {
        body: parseJsonObject(raw),
        query: url.searchParams,
        params,
        headers: req.headers,
      }
    } catch (error) {
      if (error instanceof StytchHttpError) {
        sendError(res, requestId, error, error.status === 413 ? { connection: 'close' } : {})
      } else {
        res.destroy() // the client went away mid-body
      }
      return
    }
    if (!hasBody) req.resume()
    try {
      checkIdEnvironments(ctx, [
        ...Object.entries(request.body),
        ...request.query.entries(),
        ...Object.entries(request.params),
      ])
      const result = ctx.store.transaction(() => route.handler(ctx, request))
      sendJson(res, 200, { request_id: requestId, ...result, status_code: 200 })
    } catch (error) {
      const answer = answerOf(error)
      if (answer === undefined) throw error
      sendError(res, requestId, answer)
    }
  }

  return function localServerListener(req, res) {
    handle(req, res).catch(() => {
      // Never a stack trace on the wire: a generic 500 envelope.
      const error = new StytchHttpError(500, 'internal_server_error', 'Internal server error.')
      sendError(res, newRequestId(ctx), error)
    })
  }
}
