// Cross-site request protection for the auth routes (Fetch Metadata first, then Origin) and safe return_to paths.
import { AuthError } from './errors.js'
import { type AuthRequest, header } from './http.js'

/**
 * Refuses cross-site state-changing requests, following the algorithm of Go 1.25's
 * CrossOriginProtection: browsers send `Sec-Fetch-Site` (Fetch Metadata) and `Origin` on every
 * POST, so `same-origin`/`none` passes, anything else must come from a trusted origin, and a
 * request with neither header is not a browser request and cannot be a CSRF vector.
 */
export function checkCrossSite(
  request: AuthRequest,
  isTrustedOrigin: (origin: string) => boolean,
): void {
  const method = request.method.toUpperCase()
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return
  const origin = header(request, 'origin')
  const site = header(request, 'sec-fetch-site')
  const trusted = origin !== undefined && origin !== 'null' && isTrustedOrigin(origin)
  if (site !== undefined) {
    if (site === 'same-origin' || site === 'none' || trusted) return
    throw rejected(`cross-site request (Sec-Fetch-Site: ${site.slice(0, 20)})`)
  }
  if (origin === undefined) return
  if (trusted || sameHost(origin, request)) return
  throw rejected('request from a foreign origin')
}

function sameHost(origin: string, request: AuthRequest): boolean {
  if (origin === 'null') return false
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    return false
  }
  const host = header(request, 'host')
  return host !== undefined && url.host === host.toLowerCase()
}

function rejected(reason: string): AuthError {
  return new AuthError('ERR_CSRF_REJECTED', `Refused: ${reason}.`, { status: 403 })
}

/**
 * A same-origin path safe to redirect to after sign-in, or `undefined`. Refuses absolute URLs,
 * protocol-relative `//host`, backslashes (browsers read `/\host` as `//host`), control characters
 * and anything that decodes to one of those.
 */
export function safeReturnTo(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2048) return undefined
  if (!value.startsWith('/') || value.startsWith('//')) return undefined
  let decoded = value
  for (let round = 0; round < 3; round++) {
    try {
      const next = decodeURIComponent(decoded)
      if (next === decoded) break
      decoded = next
    } catch {
      return undefined
    }
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\\\u0000-\u001f\u007f]/.test(decoded) || decoded.startsWith('//')) return undefined
  const parsed = new URL(value, 'http://return-to.invalid')
  if (parsed.origin !== 'http://return-to.invalid') return undefined
  return parsed.pathname + parsed.search + parsed.hash
}
