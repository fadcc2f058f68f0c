// Cross-site request protection for the auth routes (Fetch Metadata first, then Origin) and safe return_to paths.
import { AuthError } from './errors.js'
import { type CoreRequest, header } from './http.js'

/**
 * Refuses cross-site state-changing requests, following the algorithm of Go 1.25's
 * CrossOriginProtection: browsers send `Sec-Fetch-Site` (Fetch Metadata) and `Origin` on every
 * POST, so `same-origin`/`none` passes, anything else must come from a trusted origin, and a
 * request with neither header is not a browser request and cannot be a CSRF vector.
 *
 * With `appOrigins` (the `appOrigin` option) a present `Origin` must be one of them or trusted,
 * whatever `Sec-Fetch-Site` says: after DNS rebinding, a page on `evil.example` that resolves to the
 * app is "same-origin" to the browser and sends `Host: evil.example`, so neither the browser's
 * verdict nor the Host header can tell it from the app. Without `appOrigins`, `Origin` is compared
 * with the `Host` header when `Sec-Fetch-Site` is absent (older browsers), as before.
 */
export function checkCrossSite(
  request: CoreRequest,
  isTrustedOrigin: (origin: string) => boolean,
  appOrigins?: ReadonlySet<string> | undefined,
): void {
  const method = request.method.toUpperCase()
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return
  const origin = header(request, 'origin')
  const site = header(request, 'sec-fetch-site')
  const trusted = origin !== undefined && origin !== 'null' && isTrustedOrigin(origin)
  if (appOrigins !== undefined && origin !== undefined) {
    if (trusted || appOrigins.has(origin)) return
    throw rejected("request from an origin that is not the app's")
  }
  if (site !== undefined) {
    if (site === 'same-origin' || site === 'none' || trusted) return
    throw rejected(`cross-site request (Sec-Fetch-Site: ${site.slice(0, 20)})`)
  }
  if (origin === undefined) return
  if (trusted || (appOrigins === undefined && sameHost(origin, request))) return
  throw rejected('request from a foreign origin')
}

function sameHost(origin: string, request: CoreRequest): boolean {
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

const RETURN_TO_BASE = 'http://return-to.invalid'
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const UNSAFE_CHARACTERS = /[\\\u0000-\u001f\u007f]/

/**
 * A same-origin path safe to redirect to after sign-in, or `undefined`. The decision is made on the
 * path as a browser will resolve it (WHATWG URL parsing removes dot segments, including `%2e`):
 * `/.//evil.example` resolves to `//evil.example`, a protocol-relative URL, so it is refused like
 * `//evil.example` itself. Also refused: anything not starting with `/`, backslashes (browsers read
 * `/\host` as `//host`), control characters (the URL parser drops tabs and newlines), and
 * anything that decodes to one of those.
 */
export function safeReturnTo(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2048 || !value.startsWith('/')) return undefined
  const decoded = decodeRepeatedly(value)
  if (decoded === undefined || UNSAFE_CHARACTERS.test(decoded) || decoded.startsWith('//')) {
    return undefined
  }
  let parsed: URL
  try {
    parsed = new URL(value, RETURN_TO_BASE)
  } catch {
    return undefined
  }
  if (parsed.origin !== RETURN_TO_BASE) return undefined
  const normalized = parsed.pathname + parsed.search + parsed.hash
  // The normalised path is what gets sent: it must not be (or decode to) `//host` or `/\host`,
  // and resolving it again must land on the same URL.
  const normalizedDecoded = decodeRepeatedly(normalized)
  if (
    normalizedDecoded === undefined ||
    normalizedDecoded.startsWith('//') ||
    UNSAFE_CHARACTERS.test(normalizedDecoded) ||
    new URL(normalized, RETURN_TO_BASE).href !== parsed.href
  ) {
    return undefined
  }
  return normalized
}

/** Percent-decodes until stable (at most three rounds); `undefined` for malformed escapes. */
function decodeRepeatedly(value: string): string | undefined {
  let decoded = value
  for (let round = 0; round < 3; round++) {
    try {
      const next = decodeURIComponent(decoded)
      if (next === decoded) return decoded
      decoded = next
    } catch {
      return undefined
    }
  }
  return decoded
}
