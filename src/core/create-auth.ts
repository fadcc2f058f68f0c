// createAuth(): the framework-agnostic core that both adapters drive: session checks, steps and route guards.

import { stytchPath } from '../wire/paths.js'
import { createPages, type MailboxMessage, type Pages } from './features/pages/index.js'
import { runLimited, type StepResult } from './features/step.js'
import {
  type Logger,
  type ResolvedConfig,
  resolveConfig,
  type StytchB2BOptions,
} from './kit/config.js'
import { checkCrossSite } from './kit/csrf.js'
import type { CoreRequest } from './kit/http.js'
import { type BodySource, readBodyFields, validateFields } from './kit/input.js'
import type { Backend, SessionCheck } from './session/backend.js'
import { checkSession } from './session/check.js'
import { createJwksStore, type JwksStats } from './session/jwks-store.js'
import { createPermissionChecker, type PermissionChecker } from './session/permissions.js'
import { createRbacPolicyStore, type RbacPolicyStats } from './session/rbac-policy-store.js'
import { createSessionRefresher } from './session/refresh.js'
import { createSessionVerifier } from './session/verify.js'
import { createRateLimits } from './shared-state/rate-limits.js'
import { watchRedis } from './shared-state/redis.js'
import { createRevocations } from './shared-state/revocations.js'
import { STEP_BY_NAME, type StepName } from './step-table.js'
import { createStytchClient } from './stytch-api/client.js'

/** A Stytch-compatible server started in-process when no credentials are configured. */
export interface EmbeddedServer {
  url: string
  projectId: string
  secret: string
  /** Where its data is kept; undefined in memory. */
  dataDir: string | undefined
  /** The codes it "sent", newest first, for the pages' development mailbox. */
  outbox?: (() => readonly MailboxMessage[]) | undefined
  close(): Promise<void>
}

/** Starts the embedded server; injected so the core never imports the local server. */
export type EmbeddedServerStarter = (options: {
  now: () => number
  /** Data directory; in memory when undefined. */
  dataDir: string | undefined
  logger: Logger
}) => Promise<EmbeddedServer>

export interface AuthCore {
  readonly config: ResolvedConfig
  /** Resolves once Stytch credentials are known (after the embedded server has started). */
  ready(): Promise<{ projectId: string; baseUrl: string; embedded: boolean }>
  /**
   * The session of a request, verified locally (and refreshed when its JWT has just expired).
   * Synchronous whenever no I/O is needed (no token, or a key at hand), so the hot path of every
   * request makes no promise; a promise only while keys are fetched or a refresh runs.
   */
  authenticate(request: CoreRequest): SessionCheck | Promise<SessionCheck>
  /** Checks cross-site rules and the fields of `body`, then runs one step. */
  runStep(
    name: StepName,
    request: CoreRequest,
    body: BodySource,
    check: SessionCheck,
  ): Promise<StepResult>
  /** Permission checks against the project's RBAC policy (requireSession({ permission }), can()). */
  readonly permissions: PermissionChecker
  /** The drop-in sign-in pages, when the `pages` option is on. */
  readonly pages: Pages | undefined
  /** Counters for tests and health checks. */
  stats(): {
    jwks: JwksStats | undefined
    /** RBAC policy fetches; undefined until credentials are known. */
    rbacPolicy: RbacPolicyStats | undefined
    /** Verified JWTs held in memory. */
    cachedTokens: number
    /** Session refreshes waiting on Stytch. */
    refreshesInFlight: number
  }
  /** Stops the embedded server, if one was started. */
  close(): Promise<void>
}

/** Creates the core. Options are validated here, once: bad ones throw a TypeError naming them. */
export function createAuth(
  options: StytchB2BOptions = {},
  startEmbedded?: EmbeddedServerStarter,
): AuthCore {
  const config = resolveConfig(options)
  if (config.embedded && startEmbedded === undefined) {
    throw new TypeError('"projectId" and "secret" are required (no embedded server available)')
  }
  let backend: (Backend & { jwksStats(): JwksStats }) | undefined
  let embedded: EmbeddedServer | undefined
  let starting: Promise<Backend> | undefined
  // Shared by every instance through Redis when `redis` is set; built now, so that a revocation
  // published while the embedded server starts is not missed.
  const { redis } = config.shared
  const health = redis && watchRedis(redis.client, config.logger, redis.timeoutMs)
  const revocations = createRevocations({
    enabled: config.shared.revocation,
    redis,
    health,
    clockToleranceSeconds: config.clockToleranceSeconds,
    now: config.now,
  })

  const build = (credentials: { projectId: string; secret: string; baseUrl: string }) => {
    const jwks = createJwksStore({
      url: new URL(
        stytchPath('sessionsJwks', { project_id: credentials.projectId }),
        credentials.baseUrl,
      ).href,
      requestTimeoutMs: config.requestTimeoutMs,
      ttlMs: config.jwksCacheTtlMs,
      refetchCooldownMs: config.jwksRefetchCooldownMs,
      maxStaleMs: config.jwksMaxStaleMs,
      maxBytes: config.jwksMaxBytes,
      now: config.now,
    })
    const verifier = createSessionVerifier({
      projectId: credentials.projectId,
      baseUrl: credentials.baseUrl,
      jwks,
      clockToleranceSeconds: config.clockToleranceSeconds,
      cacheSize: config.verifiedJwtCacheSize,
      now: config.now,
    })
    const stytch = createStytchClient(credentials, config.requestTimeoutMs)
    const refresher = createSessionRefresher({
      stytch,
      maxConcurrent: config.maxConcurrentRefreshes,
      now: config.now,
    })
    // Nothing is fetched until a signed-in request comes (see PermissionChecker.warm).
    const rbac = createRbacPolicyStore({ stytch, ...config.rbacPolicy, now: config.now })
    const limits = createRateLimits(config.shared.rateLimits, redis, health, credentials.secret)
    return {
      config,
      stytch,
      verifier,
      refresher,
      rbac,
      limits,
      revocations,
      jwksStats: jwks.stats,
      credentials,
    }
  }
  if (config.credentials) backend = build(config.credentials)

  const getEngine = async (): Promise<Backend> => {
    if (backend) return backend
    starting ??= (async () => {
      embedded = await (startEmbedded as EmbeddedServerStarter)({
        now: config.now,
        dataDir: config.localDataDir,
        logger: config.logger,
      })
      backend = build({
        projectId: embedded.projectId,
        secret: embedded.secret,
        baseUrl: embedded.url,
      })
      config.logger.info(
        `No Stytch credentials set: using the embedded local Stytch server at ${embedded.url} (development only; data in ${embedded.dataDir ?? 'memory'}; sent codes are listed at ${embedded.url}/__local/outbox).`,
      )
      return backend
    })()
    return starting
  }

  /** Validates a step's fields, then runs it; every auth answer is per user, never cached. */
  async function runWithFields(
    name: StepName,
    request: CoreRequest,
    fields: Record<string, unknown>,
    check: SessionCheck,
  ): Promise<StepResult> {
    const step = STEP_BY_NAME[name]
    const input = validateFields(step.method === 'GET' ? {} : fields, step.fields, config)
    const engine = await getEngine()
    const result = await runLimited(engine.limits, step.limit, request.ip, input, () =>
      step.run(engine, request, input, check),
    )
    result.headers['cache-control'] = 'no-store'
    return result
  }

  const pages =
    config.pages &&
    createPages({
      config,
      options: config.pages,
      secret: async () =>
        ((await getEngine()) as Backend & { credentials: { secret: string } }).credentials.secret,
      runStep: runWithFields,
      // The mailbox exists only with a local server (embedded, or pages.mailbox checked against
      // baseUrl): never when talking to Stytch.
      outbox: config.embedded ? () => embedded?.outbox?.() ?? [] : config.pages.mailbox,
    })

  const permissions = createPermissionChecker(() => backend?.rbac)
  /**
   * The check of a signed-in request once its organization's RBAC policy is at hand: the first
   * signed-in request of each organization waits for that fetch (never failing on it), so that
   * `can()` answers synchronously after it; every later request goes straight through.
   */
  function withPolicy(check: SessionCheck): SessionCheck | Promise<SessionCheck> {
    const warming = check.session === undefined ? undefined : permissions.warm(check.session)
    return warming === undefined ? check : warming.then(() => check)
  }

  return {
    config,
    permissions,
    pages,
    async ready() {
      const { credentials } = (await getEngine()) as Backend & {
        credentials: { projectId: string; baseUrl: string }
      }
      return {
        projectId: credentials.projectId,
        baseUrl: credentials.baseUrl,
        embedded: config.embedded,
      }
    },
    authenticate(request) {
      const check = backend
        ? checkSession(backend, request)
        : getEngine().then((ready) => checkSession(ready, request))
      return check instanceof Promise ? check.then(withPolicy) : withPolicy(check)
    },
    async runStep(name, request, body, check) {
      checkCrossSite(request, config.isTrustedOrigin, config.appOrigins)
      const fields = await readBodyFields(body, request.method, config)
      return runWithFields(name, request, fields, check)
    },
    stats: () => ({
      jwks: backend?.jwksStats(),
      rbacPolicy: backend?.rbac.stats(),
      cachedTokens: backend?.verifier.cachedTokens() ?? 0,
      refreshesInFlight: backend?.refresher.inFlight() ?? 0,
    }),
    async close() {
      revocations.close()
      health?.close()
      await embedded?.close()
    },
  }
}
