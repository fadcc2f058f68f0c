// resolveConfig(): validate the options once, apply defaults, freeze.

import { SESSION_DURATION_MINUTES } from '../../wire/sessions.js'
import { type CookieOptions, type CookiePolicy, createCookiePolicy } from './cookies.js'
import { boolean, integer } from './option-values.js'
import {
  type PagesOptions,
  type ResolvedPagesOptions,
  resolvePagesOptions,
} from './pages-options.js'
import {
  type RateLimitOptions,
  type RedisOptions,
  type ResolvedSharedState,
  resolveSharedState,
} from './shared-state-options.js'

/** What the host app may log through; defaults to one line on stderr per message. */
export interface Logger {
  info(message: string): void
  warn(message: string): void
}

/** Context handed to the `sessionCustomClaims` hook. */
export interface CustomClaimsContext {
  /** Which step is creating the session. */
  step:
    | 'otp-authenticate'
    | 'discovery-exchange'
    | 'discovery-create'
    | 'session-exchange'
    | 'mfa-authenticate'
  organizationId: string | undefined
}

/** Options of `stytchB2B()` (Express and Koa alike). */
export interface StytchB2BOptions {
  /** Stytch project id. @default process.env.STYTCH_PROJECT_ID */
  projectId?: string | undefined
  /** Stytch project secret. @default process.env.STYTCH_SECRET */
  secret?: string | undefined
  /**
   * Stytch API base URL. @default 'https://test.stytch.com' for `project-test-…` ids,
   * 'https://api.stytch.com' for `project-live-…`; the embedded local server's URL without credentials.
   */
  baseUrl?: string | undefined
  /** Where the auth routes are mounted. @default '/auth' */
  basePath?: string | undefined
  /** Deadline of every call to Stytch, including the JWKS download, in milliseconds. @default 5000 */
  requestTimeoutMs?: number | undefined
  /** Cookie names and attributes. */
  cookies?: CookieOptions | undefined
  /**
   * Origins (scheme://host[:port]) allowed to POST to the auth routes cross-site, besides the app's
   * own origin. @default []
   */
  trustedOrigins?: readonly string[] | ((origin: string) => boolean) | undefined
  /**
   * The app's own public origin(s), e.g. `'https://app.example.com'`. When set, a browser POST to
   * the auth routes must carry one of these (or a `trustedOrigins` entry) as `Origin`, whatever
   * `Host` or `Sec-Fetch-Site` say, so a DNS-rebound host name cannot pass as the app. When unset,
   * `Origin` is compared with the request's `Host` header when `Sec-Fetch-Site` is absent (a
   * warning is logged at start-up in production). @default undefined
   */
  appOrigin?: string | readonly string[] | undefined
  /** Length of a new session, in minutes (5..527040). @default 60 */
  sessionDurationMinutes?: number | undefined
  /** Longest session a browser may ask for with `session_duration_minutes`. @default 43200 (30 days) */
  maxSessionDurationMinutes?: number | undefined
  /**
   * Server-side custom claims for new sessions. Claims never come from the browser.
   * @default undefined
   */
  sessionCustomClaims?:
    | ((context: CustomClaimsContext) => Record<string, unknown> | Promise<Record<string, unknown>>)
    | undefined
  /** Put session tokens and JWTs in JSON responses, for non-browser clients. @default false */
  exposeTokens?: boolean | undefined
  /** Clock skew accepted on `exp`, `nbf` and `iat`, in seconds. @default 5 */
  clockToleranceSeconds?: number | undefined
  /** How long a fetched JWKS is fresh, in seconds. @default 600 */
  jwksCacheTtlSeconds?: number | undefined
  /** Least time between two JWKS fetches caused by an unknown `kid`, in seconds. @default 5 */
  jwksRefetchCooldownSeconds?: number | undefined
  /** How long stale keys keep verifying while the JWKS endpoint fails, in seconds. @default 3600 */
  jwksMaxStaleSeconds?: number | undefined
  /** Largest JWKS body accepted, in bytes. @default 65536 */
  jwksMaxBytes?: number | undefined
  /**
   * Most session refreshes (calls to Stytch for an expired JWT) in flight at once; past it a
   * request that needs one gets 503 `ERR_STYTCH_UNAVAILABLE` with `Retry-After`. @default 64
   */
  maxConcurrentRefreshes?: number | undefined
  /** Most verified JWTs kept in memory. @default 10000 */
  verifiedJwtCacheSize?: number | undefined
  /** Largest request body the auth routes read, in bytes. @default 16384 */
  maxBodyBytes?: number | undefined
  /**
   * Deadline for reading a request body on the auth routes, in milliseconds; a slower body is
   * answered 408 `ERR_BODY_TIMEOUT` and the connection is closed. @default 10000
   */
  bodyTimeoutMs?: number | undefined
  /**
   * Requests the auth routes accept per client IP and per email address (second factors: per
   * member), for code sends and code attempts; counted alike for every address (member or not), so
   * an answer never depends on membership. Past a limit: 429 `ERR_RATE_LIMITED` with
   * `Retry-After`. Kept in this process, or in Redis with `redis` (see docs/many-instances.md).
   * `false` turns them all off (Stytch's own limits still apply). The client IP is the framework's
   * (`req.ip` under Express's `trust proxy`, `ctx.ip` under Koa's `proxy`).
   * @default { sendsPerEmail: { max: 10, windowSeconds: 600 }, sendsPerIp: { max: 60, windowSeconds: 600 }, attemptsPerEmail: { max: 20, windowSeconds: 600 }, attemptsPerIp: { max: 120, windowSeconds: 600 } }
   */
  rateLimits?: RateLimitOptions | false | undefined
  /**
   * Shares rate limits and revocations between app instances through Redis: pass the app's
   * ioredis client. Without it, both are kept in this process (right for one instance).
   */
  redis?: RedisOptions | undefined
  /**
   * Refuse the JWTs of a session ended through the middleware (log out, organization switch) at
   * once, in every instance sharing `redis`, instead of until their `exp` (up to 5 minutes).
   * @default true
   */
  revocation?: boolean | undefined
  /**
   * The project's RBAC policy (GET /v1/b2b/rbac/policy) and organizations' custom roles, read by
   * `requireSession({ permission })` and `req.can()`: how long a fetched copy is fresh, how long
   * it is still used while Stytch fails (past that: 503, never "allow"), the deadline and the
   * largest answer of one fetch (see docs/authorization.md).
   * @default { freshSeconds: 300, staleIfErrorSeconds: 3600, timeoutMs: requestTimeoutMs, maxBytes: 1048576 }
   */
  rbacPolicy?: RbacPolicyOptions | undefined
  /** Clock in epoch milliseconds, shared by verification, cookies and the embedded server. @default Date.now */
  now?: (() => number) | undefined
  /** Where start-up notices go. @default one line on stderr */
  logger?: Logger | undefined
  /**
   * Where the embedded local server (used without credentials) keeps its data, so restarts keep
   * organizations, members, sessions and keys; `false` keeps everything in memory.
   * @default '.stytch-local' (in the working directory)
   */
  localDataDir?: string | false | undefined
  /**
   * Drop-in sign-in pages under `basePath` (`/auth/sign-in`, …): server-rendered forms driving
   * the same steps as the JSON routes, and `requireSession()` sending HTML navigations to them.
   * See docs/pages.md. @default false
   */
  pages?: boolean | PagesOptions | undefined
}

/** The `rbacPolicy` option: how the RBAC policy is cached and fetched. */
export interface RbacPolicyOptions {
  /** Seconds a fetched policy is used without asking Stytch again. @default 300 */
  freshSeconds?: number | undefined
  /** Seconds past freshness a policy is still used while Stytch cannot be reached. @default 3600 */
  staleIfErrorSeconds?: number | undefined
  /** Deadline of one policy fetch, in milliseconds. @default requestTimeoutMs */
  timeoutMs?: number | undefined
  /** Largest policy answer accepted, in bytes. @default 1048576 */
  maxBytes?: number | undefined
}

/** The options after validation and defaults. */
export interface ResolvedConfig {
  /** Undefined only until the embedded local server has started. */
  credentials: { projectId: string; secret: string; baseUrl: string } | undefined
  /** True when no credentials were configured and the embedded local server must be started. */
  embedded: boolean
  basePath: string
  requestTimeoutMs: number
  cookies: CookiePolicy
  isTrustedOrigin: (origin: string) => boolean
  /** The app's own origins (`appOrigin`), or undefined to compare `Origin` with `Host`. */
  appOrigins: ReadonlySet<string> | undefined
  sessionDurationMinutes: number
  maxSessionDurationMinutes: number
  sessionCustomClaims: StytchB2BOptions['sessionCustomClaims']
  exposeTokens: boolean
  clockToleranceSeconds: number
  jwksCacheTtlMs: number
  jwksRefetchCooldownMs: number
  jwksMaxStaleMs: number
  jwksMaxBytes: number
  maxConcurrentRefreshes: number
  verifiedJwtCacheSize: number
  maxBodyBytes: number
  bodyTimeoutMs: number
  /** The RBAC policy cache, in milliseconds and bytes. */
  rbacPolicy: { freshMs: number; staleIfErrorMs: number; timeoutMs: number; maxBytes: number }
  /** Rate limits, revocation and the Redis client that shares them between instances. */
  shared: ResolvedSharedState
  now: () => number
  logger: Logger
  localDataDir: string | undefined
  /** The drop-in pages' options; undefined when they are off. */
  pages: ResolvedPagesOptions | undefined
}

const STDERR_LOGGER: Logger = {
  info: (message) => process.stderr.write(`[stytch-b2b-middleware] ${message}\n`),
  warn: (message) => process.stderr.write(`[stytch-b2b-middleware] warning: ${message}\n`),
}

/**
 * Validates options once, at the factory call, and applies defaults. Bad options throw a
 * `TypeError` that names the option, so a misconfigured app fails at start-up.
 */
export function resolveConfig(
  options: StytchB2BOptions = {},
  env: Record<string, string | undefined> = process.env,
): ResolvedConfig {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('stytchB2B(options): "options" must be an object')
  }
  const projectId =
    optionalString(options.projectId, 'projectId') ?? nonEmpty(env.STYTCH_PROJECT_ID)
  const secret = optionalString(options.secret, 'secret') ?? nonEmpty(env.STYTCH_SECRET)
  let baseUrl = optionalString(options.baseUrl, 'baseUrl')
  if (baseUrl !== undefined) baseUrl = validateBaseUrl(baseUrl)

  let credentials: ResolvedConfig['credentials']
  let embedded = false
  if (projectId !== undefined && secret !== undefined) {
    if (!/^project-(test|live)-[A-Za-z0-9-]+$/.test(projectId)) {
      throw new TypeError('"projectId" must look like project-test-… or project-live-…')
    }
    const defaultUrl = projectId.startsWith('project-live-')
      ? 'https://api.stytch.com'
      : 'https://test.stytch.com'
    credentials = Object.freeze({ projectId, secret, baseUrl: baseUrl ?? defaultUrl })
  } else if (projectId !== undefined || secret !== undefined) {
    throw new TypeError(
      `"${projectId === undefined ? 'projectId' : 'secret'}" is missing: set both projectId and secret (or STYTCH_PROJECT_ID and STYTCH_SECRET)`,
    )
  } else if (env.NODE_ENV === 'production') {
    throw new TypeError(
      '"projectId" and "secret" are required in production: set STYTCH_PROJECT_ID and STYTCH_SECRET',
    )
  } else if (baseUrl !== undefined) {
    throw new TypeError('"baseUrl" needs "projectId" and "secret"')
  } else {
    embedded = true
  }

  const basePath = options.basePath ?? '/auth'
  if (typeof basePath !== 'string' || !/^\/[A-Za-z0-9\-._~/]*$/.test(basePath)) {
    throw new TypeError('"basePath" must be a path starting with "/"')
  }

  const sessionDurationMinutes = integer(options.sessionDurationMinutes, 'sessionDurationMinutes', {
    min: SESSION_DURATION_MINUTES.min,
    max: SESSION_DURATION_MINUTES.max,
    fallback: SESSION_DURATION_MINUTES.default,
  })
  const maxSessionDurationMinutes = integer(
    options.maxSessionDurationMinutes,
    'maxSessionDurationMinutes',
    {
      min: sessionDurationMinutes,
      max: SESSION_DURATION_MINUTES.max,
      fallback: Math.max(43_200, sessionDurationMinutes),
    },
  )
  if (
    options.sessionCustomClaims !== undefined &&
    typeof options.sessionCustomClaims !== 'function'
  ) {
    throw new TypeError('"sessionCustomClaims" must be a function')
  }
  if (options.now !== undefined && typeof options.now !== 'function') {
    throw new TypeError('"now" must be a function returning epoch milliseconds')
  }
  const localDataDir = options.localDataDir ?? '.stytch-local'
  if (localDataDir !== false && (typeof localDataDir !== 'string' || localDataDir === '')) {
    throw new TypeError('"localDataDir" must be a directory path or false')
  }
  const logger = options.logger ?? STDERR_LOGGER
  if (typeof logger.info !== 'function' || typeof logger.warn !== 'function') {
    throw new TypeError('"logger" must have info() and warn() methods')
  }
  const production = env.NODE_ENV === 'production'
  const appOrigins = appOrigin(options.appOrigin)
  if (appOrigins === undefined && production) {
    logger.warn(
      '"appOrigin" is not set: without Sec-Fetch-Site, cross-site checks compare Origin with the Host header, which DNS rebinding controls. Set appOrigin to the public origin of the app.',
    )
  }
  const now = options.now ?? Date.now
  const requestTimeoutMs = integerOption(options, 'requestTimeoutMs')
  const mountPath = basePath.replace(/\/+$/, '') || '/'

  return Object.freeze({
    credentials,
    embedded,
    basePath: mountPath,
    requestTimeoutMs,
    cookies: createCookiePolicy(options.cookies, { production, basePath: mountPath }),
    isTrustedOrigin: trustedOrigins(options.trustedOrigins),
    appOrigins,
    sessionDurationMinutes,
    maxSessionDurationMinutes,
    sessionCustomClaims: options.sessionCustomClaims,
    exposeTokens: boolean(options.exposeTokens, 'exposeTokens', false),
    clockToleranceSeconds: integerOption(options, 'clockToleranceSeconds'),
    jwksCacheTtlMs: integerOption(options, 'jwksCacheTtlSeconds') * 1000,
    jwksRefetchCooldownMs: integerOption(options, 'jwksRefetchCooldownSeconds') * 1000,
    jwksMaxStaleMs: integerOption(options, 'jwksMaxStaleSeconds') * 1000,
    jwksMaxBytes: integerOption(options, 'jwksMaxBytes'),
    maxConcurrentRefreshes: integerOption(options, 'maxConcurrentRefreshes'),
    verifiedJwtCacheSize: integerOption(options, 'verifiedJwtCacheSize'),
    maxBodyBytes: integerOption(options, 'maxBodyBytes'),
    bodyTimeoutMs: integerOption(options, 'bodyTimeoutMs'),
    rbacPolicy: rbacPolicy(options.rbacPolicy, requestTimeoutMs),
    shared: resolveSharedState(options),
    now,
    logger,
    localDataDir: localDataDir === false ? undefined : localDataDir,
    pages: resolvePagesOptions(options.pages, credentials?.baseUrl),
  })
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`"${name}" must be a non-empty string`)
  }
  return value
}

function validateBaseUrl(value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new TypeError('"baseUrl" must be an absolute http(s) URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError('"baseUrl" must be an absolute http(s) URL')
  }
  // Stytch serves every path at the host root: a path part would be dropped anyway.
  return url.origin
}

/** The plain integer options: [least, most, default], in the unit their name says. */
const INTEGER_OPTIONS = {
  requestTimeoutMs: [1, 120_000, 5000],
  clockToleranceSeconds: [0, 300, 5],
  jwksCacheTtlSeconds: [1, 86_400, 600],
  jwksRefetchCooldownSeconds: [0, 3600, 5],
  jwksMaxStaleSeconds: [0, 86_400, 3600],
  jwksMaxBytes: [1024, 10_485_760, 65_536],
  maxConcurrentRefreshes: [1, 100_000, 64],
  verifiedJwtCacheSize: [0, 10_000_000, 10_000],
  maxBodyBytes: [256, 1_048_576, 16_384],
  bodyTimeoutMs: [10, 300_000, 10_000],
  // The default of rbacPolicy.timeoutMs is requestTimeoutMs: its third number is unused.
  'rbacPolicy.timeoutMs': [1, 120_000, 5000],
  'rbacPolicy.freshSeconds': [1, 86_400, 300],
  'rbacPolicy.staleIfErrorSeconds': [0, 86_400, 3600],
  'rbacPolicy.maxBytes': [1024, 10_485_760, 1_048_576],
} as const satisfies Partial<
  Record<
    keyof StytchB2BOptions | `rbacPolicy.${keyof RbacPolicyOptions}`,
    readonly [number, number, number]
  >
>

type TopLevelInteger = keyof typeof INTEGER_OPTIONS & keyof StytchB2BOptions

function integerOption(options: StytchB2BOptions, name: TopLevelInteger): number {
  const [min, max, fallback] = INTEGER_OPTIONS[name]
  return integer(options[name], name, { min, max, fallback })
}

function rbacPolicy(
  value: StytchB2BOptions['rbacPolicy'],
  requestTimeoutMs: number,
): ResolvedConfig['rbacPolicy'] {
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw new TypeError(
      '"rbacPolicy" must be { freshSeconds?, staleIfErrorSeconds?, timeoutMs?, maxBytes? }',
    )
  }
  const read = (field: keyof RbacPolicyOptions, fallback?: number) => {
    const name = `rbacPolicy.${field}` as const
    const [min, max, standard] = INTEGER_OPTIONS[name]
    return integer(value?.[field], name, { min, max, fallback: fallback ?? standard })
  }
  return {
    freshMs: read('freshSeconds') * 1000,
    staleIfErrorMs: read('staleIfErrorSeconds') * 1000,
    timeoutMs: read('timeoutMs', requestTimeoutMs),
    maxBytes: read('maxBytes'),
  }
}

/** An origin exactly as a browser sends it in `Origin`: scheme://host[:port], nothing more. */
function isOrigin(value: unknown): value is string {
  if (typeof value !== 'string') return false
  try {
    return new URL(value).origin === value
  } catch {
    return false
  }
}

function appOrigin(value: StytchB2BOptions['appOrigin']): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined
  const list = typeof value === 'string' ? [value] : value
  if (!Array.isArray(list) || list.length === 0 || !list.every(isOrigin)) {
    throw new TypeError(
      '"appOrigin" must be an origin like https://app.example.com, or a non-empty list of them',
    )
  }
  return new Set(list)
}

function trustedOrigins(value: StytchB2BOptions['trustedOrigins']): (origin: string) => boolean {
  if (value === undefined) return () => false
  if (typeof value === 'function') return value
  if (!Array.isArray(value)) {
    throw new TypeError('"trustedOrigins" must be an array of origins or a function')
  }
  const origins = new Set<string>()
  for (const origin of value) {
    if (!isOrigin(origin)) {
      throw new TypeError(`"trustedOrigins" entries must be origins like https://app.example.com`)
    }
    origins.add(origin)
  }
  return (origin) => origins.has(origin)
}
