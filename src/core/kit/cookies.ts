// Cookie policy: names and attributes per cookie and per request scheme, parse and serialize (RFC 6265bis).
import { stringifySetCookie } from 'cookie'
import { cookieValue } from './cookie-value.js'

/**
 * The cookies this package sets: the three of a sign-in, and the drop-in pages' short-lived flow
 * state (`pagesFlow`, set only with the `pages` option, on `basePath`).
 */
export type CookieKind = SessionCookieKind | 'pagesFlow'
type SessionCookieKind = 'sessionToken' | 'sessionJwt' | 'intermediateSession'

/** The cookies every request is read for; the flow cookie is read only by the pages. */
export const COOKIE_KINDS: readonly SessionCookieKind[] = [
  'sessionToken',
  'sessionJwt',
  'intermediateSession',
]

/** Attributes of one cookie. Every field is optional; see `CookieOptions` for the defaults. */
export interface CookieAttributes {
  /** Cookie name without prefix. A `__Host-` or `__Secure-` prefix is added when `Secure` is set. */
  name?: string | undefined
  /** `Domain` attribute. Leave unset (host-only) unless subdomains must share the session. @default undefined */
  domain?: string | undefined
  /** `Path` attribute. @default '/' */
  path?: string | undefined
  /** `SameSite` attribute. `'none'` requires `Secure`. @default 'lax' */
  sameSite?: 'lax' | 'strict' | 'none' | undefined
  /**
   * `Secure` attribute. `'auto'`: always set in production (`NODE_ENV=production`); elsewhere set
   * on https requests and on plain http to any host but a loopback one, so only `http://localhost`
   * development gets cookies without it. `false` is an explicit opt-out.
   * @default 'auto'
   */
  secure?: boolean | 'auto' | undefined
  /** `HttpOnly` attribute. @default true */
  httpOnly?: boolean | undefined
  /** `Partitioned` attribute (CHIPS), for apps embedded in third-party iframes. @default false */
  partitioned?: boolean | undefined
  /** Add the `__Host-` (or, with `domain`, `__Secure-`) prefix when `Secure` is set. @default true */
  prefix?: boolean | undefined
}

/** Cookie options: attributes for all cookies, overridable per cookie. */
export interface CookieOptions extends Omit<CookieAttributes, 'name'> {
  sessionToken?: CookieAttributes | undefined
  sessionJwt?: CookieAttributes | undefined
  intermediateSession?: CookieAttributes | undefined
  /** The drop-in pages' flow state (`pages` option). @default path: basePath */
  pagesFlow?: CookieAttributes | undefined
}

interface ResolvedCookie {
  baseName: string
  /** The name when `Secure` is set: `__Host-` or `__Secure-` and the base name, unless `prefix` is off. */
  secureName: string
  domain: string | undefined
  path: string
  sameSite: 'lax' | 'strict' | 'none'
  secure: boolean | 'auto'
  httpOnly: boolean
  partitioned: boolean
}

const DEFAULT_NAMES: Record<CookieKind, string> = {
  sessionToken: 'stytch_session',
  sessionJwt: 'stytch_session_jwt',
  intermediateSession: 'stytch_intermediate_session',
  pagesFlow: 'stytch_pages_flow',
}

// RFC 6265 token characters: what a cookie name may contain.
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// Tokens and JWTs are base64/base64url text; anything else in a cookie is not ours.
const COOKIE_VALUE = /^[A-Za-z0-9_\-.=+/]+$/
/** Whether a cookie value has only the characters of our tokens and JWTs (and is not empty). */
export const isCookieValue = (value: string): boolean => COOKIE_VALUE.test(value)
/** Values longer than this are ignored: no Stytch token or session JWT comes close. */
export const MAX_COOKIE_VALUE_LENGTH = 4096

/**
 * How the request reached us: decides `Secure` and the prefix under `secure: 'auto'` outside
 * production, the only case where they are read.
 */
export interface RequestScheme {
  /** True when the request came over https (Express `req.secure`, Koa `ctx.secure`). */
  readonly secure: boolean
  /** Hostname of the request, without port. */
  readonly hostname: string | undefined
}

export interface CookiePolicy {
  /** The cookie name used for this request (prefix included). */
  name(kind: CookieKind, scheme: RequestScheme): string
  /** A `Set-Cookie` value that stores `value` for `maxAgeSeconds`. */
  serialize(kind: CookieKind, value: string, maxAgeSeconds: number, scheme: RequestScheme): string
  /** A `Set-Cookie` value that deletes the cookie, with the attributes it was set with. */
  clear(kind: CookieKind, scheme: RequestScheme): string
  /**
   * Our cookies in a `Cookie` header. A cookie sent twice (a planted duplicate), oversized or with
   * characters no token has (see `isCookieValue`), is treated as absent. The value of `unchecked`
   * skips the character check, for a caller that checks it itself (the session JWT: the hit path
   * looks it up among tokens verified before, and checks only a token not seen yet).
   */
  read(
    cookieHeader: string | undefined,
    scheme: RequestScheme,
    unchecked?: CookieKind,
  ): Partial<Record<SessionCookieKind, string>>
  /** One cookie of ours in a `Cookie` header, under the same rules as `read` (no character check). */
  value(
    kind: CookieKind,
    cookieHeader: string | undefined,
    scheme: RequestScheme,
  ): string | undefined
}

/**
 * Validates the cookie options once and returns the policy. Throws `TypeError` naming the option.
 * In `production`, `secure: 'auto'` is always Secure: the `Host` a proxy forwards may well be a
 * loopback name (nginx's default `proxy_set_header Host $proxy_host` gives `127.0.0.1:3000`),
 * and the loopback exception is for development only.
 */
export function createCookiePolicy(
  options: CookieOptions = {},
  environment: { production?: boolean; basePath?: string } = {},
): CookiePolicy {
  const production = environment.production === true
  const resolved = Object.fromEntries(
    COOKIE_KINDS.map((kind) => [kind, resolveCookie(kind, options)]),
  ) as Record<CookieKind, ResolvedCookie>
  // The flow cookie is for the pages under basePath only, whatever path the others use.
  resolved.pagesFlow = resolveCookie('pagesFlow', {
    ...options,
    path: environment.basePath ?? '/',
    pagesFlow: options.pagesFlow,
  })

  const isSecure = (cookie: ResolvedCookie, scheme: RequestScheme): boolean =>
    cookie.secure === 'auto' ? production || isSecureScheme(scheme) : cookie.secure

  const name = (kind: CookieKind, scheme: RequestScheme): string => {
    const cookie = resolved[kind]
    return isSecure(cookie, scheme) ? cookie.secureName : cookie.baseName
  }

  const serialize = (
    kind: CookieKind,
    value: string,
    maxAgeSeconds: number,
    scheme: RequestScheme,
  ): string => {
    const cookie = resolved[kind]
    return stringifySetCookie({
      name: name(kind, scheme),
      value,
      maxAge: Math.max(0, Math.ceil(maxAgeSeconds)),
      domain: cookie.domain,
      path: cookie.path,
      sameSite: cookie.sameSite,
      secure: isSecure(cookie, scheme),
      httpOnly: cookie.httpOnly,
      partitioned: cookie.partitioned,
    })
  }

  const read = (
    cookieHeader: string | undefined,
    scheme: RequestScheme,
    unchecked?: CookieKind,
  ): Partial<Record<SessionCookieKind, string>> => {
    const found: Partial<Record<SessionCookieKind, string>> = {}
    if (!cookieHeader) return found
    // The scheme is read at most once, and only when a name depends on it: behind Express and
    // Koa these are getters that run trust-proxy logic (some µs per request).
    let secureScheme: boolean | undefined
    for (const kind of COOKIE_KINDS) {
      const cookie = resolved[kind]
      let secure = cookie.secure === 'auto' ? production : cookie.secure
      if (cookie.secure === 'auto' && !production) {
        if (secureScheme === undefined) secureScheme = isSecureScheme(scheme)
        secure = secureScheme
      }
      const cookieName = secure ? cookie.secureName : cookie.baseName
      const value = cookieValue(cookieHeader, cookieName)
      if (value === undefined || value.length > MAX_COOKIE_VALUE_LENGTH) continue
      if (kind !== unchecked && !isCookieValue(value)) continue
      found[kind] = value
    }
    return found
  }

  return {
    name,
    serialize,
    clear: (kind, scheme) => serialize(kind, '', 0, scheme),
    read,
    value(kind, cookieHeader, scheme) {
      if (!cookieHeader) return undefined
      const value = cookieValue(cookieHeader, name(kind, scheme))
      return value === undefined || value.length > MAX_COOKIE_VALUE_LENGTH ? undefined : value
    },
  }
}

function resolveCookie(kind: CookieKind, options: CookieOptions): ResolvedCookie {
  const own = options[kind] ?? {}
  const pick = <K extends keyof CookieAttributes>(key: K): CookieAttributes[K] =>
    own[key] !== undefined ? own[key] : (options as CookieAttributes)[key]
  const where = `"cookies.${kind}"`
  const baseName = own.name ?? DEFAULT_NAMES[kind]
  if (!COOKIE_NAME.test(baseName) || /^__(host|secure)-/i.test(baseName)) {
    throw new TypeError(`${where}.name must be a cookie token without a __Host-/__Secure- prefix`)
  }
  const path = pick('path') ?? '/'
  if (!path.startsWith('/') || /[;\s]/.test(path)) {
    throw new TypeError(`${where}.path must start with "/" and contain no ";" or spaces`)
  }
  const domain = pick('domain')
  if (domain !== undefined && !/^\.?[a-z0-9.-]+$/i.test(domain)) {
    throw new TypeError(`${where}.domain must be a host name`)
  }
  const sameSite = pick('sameSite') ?? 'lax'
  if (!['lax', 'strict', 'none'].includes(sameSite)) {
    throw new TypeError(`${where}.sameSite must be 'lax', 'strict' or 'none'`)
  }
  const secure = pick('secure') ?? 'auto'
  if (secure !== 'auto' && typeof secure !== 'boolean') {
    throw new TypeError(`${where}.secure must be true, false or 'auto'`)
  }
  if (sameSite === 'none' && secure === false) {
    throw new TypeError(`${where}.sameSite 'none' requires secure cookies`)
  }
  const partitioned = pick('partitioned') ?? false
  if (partitioned && secure === false) {
    throw new TypeError(`${where}.partitioned requires secure cookies`)
  }
  // RFC 6265bis 4.1.3: __Host- needs Secure, Path=/ and no Domain; __Secure- needs Secure only.
  const prefix = pick('prefix') ?? true
  const secureName = !prefix
    ? baseName
    : domain === undefined && path === '/'
      ? `__Host-${baseName}`
      : `__Secure-${baseName}`
  return {
    baseName,
    secureName,
    domain,
    path,
    sameSite,
    secure,
    httpOnly: pick('httpOnly') ?? true,
    partitioned,
  }
}

/** Whether the request came over https, or over plain http to a host browsers do not trust as loopback. */
function isSecureScheme(scheme: RequestScheme): boolean {
  return scheme.secure || !isLoopback(scheme.hostname ?? '')
}

/** Loopback host names, where browsers treat plain http as a secure context. */
export function isLoopback(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    hostname === '[::1]' ||
    hostname === '::1' ||
    /^127(\.\d{1,3}){3}$/.test(hostname)
  )
}
