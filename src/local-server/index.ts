// Public API of the local Stytch-compatible B2B server: startLocalServer() and its types.
import { randomBytes, randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { environmentOfProject } from '../wire/common.js'
import type { Member } from '../wire/members.js'
import type { ServerContext } from './domain/context.js'
import { emailKey } from './domain/ids.js'
import { newMemberRecord, renderMember } from './domain/members.js'
import { findOrganization } from './domain/organizations.js'
import { createOutbox, type Outbox } from './domain/outbox.js'
import { RBAC_POLICY_SETTING } from './domain/rbac-policy.js'
import { type RbacPolicyInput, readRbacPolicy } from './domain/rbac-policy-input.js'
import {
  checkAllowedHosts,
  createHostCheck,
  isLoopbackHost,
  PRODUCTION_WARNING,
  remoteExposureWarning,
} from './http/exposure.js'
import { createRequestListener, type RequestCounts } from './http/router.js'
import { createKeyRing } from './signing/signing-keys.js'
import type { LocalStore } from './store/local-store.js'
import { createMemoryStore } from './store/memory-store.js'
import { openSqliteStore, type SqliteStore } from './store/sqlite-store.js'

export type { Outbox } from './domain/outbox.js'
export type { RbacPolicyInput, RbacPolicyItem } from './domain/rbac-policy-input.js'
export type {
  AttemptRecord,
  IntermediateSessionRecord,
  IntermediateSessionStore,
  LocalStore,
  MemberRecord,
  MemberStore,
  OrganizationStore,
  OtpRecord,
  OtpStore,
  OutboxMessage,
  OutboxStore,
  SessionRecord,
  SessionStore,
  SettingStore,
  SigningKeyStore,
  StoredSigningKey,
} from './store/local-store.js'
export { LocalStoreError, type LocalStoreErrorCode } from './store/local-store-error.js'
export { createMemoryStore } from './store/memory-store.js'
export { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from './store/sqlite-store.js'

export interface LocalServerOptions {
  /** TCP port; 0 picks a free one. @default 0 */
  port?: number | undefined
  /**
   * Interface to listen on. Anything but loopback (`127.0.0.1`, `::1`, `localhost`) is refused
   * unless `allowRemote` is set. @default '127.0.0.1'
   */
  host?: string | undefined
  /**
   * Allows a non-loopback `host`, with a warning: anyone who can reach the server reads every
   * sign-in code at `/__local/outbox`. @default false
   */
  allowRemote?: boolean | undefined
  /**
   * Extra names accepted in the `Host` header (`name` for any port, or `name:port`), e.g. the
   * name of a dev container or tunnel. Requests naming any other host than the loopback
   * addresses or the listen address, with the server's port, get 403 `host_not_allowed`: that
   * keeps DNS-rebinding web pages away from the outbox. @default []
   */
  allowedHosts?: readonly string[] | undefined
  /**
   * A `project-live-…` id makes a live project: it mints `organization-live-…`, `member-live-…`,
   * `jwk-live-…` ids and refuses test ids (400 `test_id_used_in_live_environment`); any other id
   * makes a test project, which refuses live ids. @default `project-test-<uuid v4>`
   */
  projectId?: string | undefined
  /** @default `secret-<test or live>-<random>` */
  secret?: string | undefined
  /** Clock in epoch milliseconds; every expiry and JWT timestamp reads it. @default Date.now */
  now?: (() => number) | undefined
  /**
   * Storage. Ignored when `dataDir` is set. Used as a data dir is (records, signing keys, outbox,
   * and the project id, secret and OTP key when not given), and left open after `close()`: its
   * opener closes it.
   * @default a fresh in-memory store
   */
  store?: LocalStore | undefined
  /**
   * Folder of a durable store (created if missing): organizations, members, sessions, signing
   * keys, pending codes and the outbox survive restarts, and the project id, secret and OTP key
   * are remembered when not given. Several servers may share one folder (SQLite's own locking).
   * Needs the optional peer dependency `libsql`. Opening fails with a `LocalStoreError` (codes
   * `ERR_LOCAL_STORE_*`) on a file it cannot trust, and never deletes or replaces it.
   * @default undefined (in memory: everything is gone when the process exits)
   * @example await startLocalServer({ dataDir: '.stytch-local' })
   */
  dataDir?: string | undefined
  /**
   * The project's own RBAC policy: custom resources, roles and scopes added to Stytch's default
   * ones, served at GET /v1/b2b/rbac/policy and applied by `authorization_check`. Kept in the
   * store: a restart without this option keeps the last one given; giving it replaces it.
   * Checked at startup: a TypeError names the bad field.
   * @default undefined (the store's policy, else Stytch's defaults only)
   * @example
   * await startLocalServer({
   *   rbacPolicy: {
   *     resources: [{ resource_id: 'document', actions: ['read', 'write'] }],
   *     roles: [{ role_id: 'editor', permissions: [{ resource_id: 'document', actions: ['*'] }] }],
   *   },
   * })
   */
  rbacPolicy?: RbacPolicyInput | undefined
}

export interface SeedMemberInput {
  /** Organization id, slug or external id. */
  organization_id: string
  email_address: string
  /** @default 'active' */
  status?: 'active' | 'pending' | 'invited' | undefined
  /** @default false */
  email_address_verified?: boolean | undefined
  /** Extra role ids besides stytch_member (e.g. `['stytch_admin']`). */
  roles?: string[] | undefined
  /** @default false */
  mfa_enrolled?: boolean | undefined
  name?: string | undefined
}

export interface LocalServer {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string
  projectId: string
  secret: string
  /** Emails the server would have sent (OTP codes). */
  outbox: Outbox
  /** Adds a signing key used for new JWTs; older keys stay published. */
  rotateKeys(): Promise<{ kid: string }>
  /** Unpublishes a key (JWTs signed with it stop verifying). */
  removeKey(kid: string): void
  /** Requests that reached a route, e.g. `requestCount('POST /v1/b2b/sessions/authenticate')`. */
  requestCount(route: string): number
  resetRequestCounts(): void
  setNow(now: () => number): void
  /** Creates what the public API cannot: invited members, verified emails. */
  seedMember(input: SeedMemberInput): Member
  /** Stops listening and closes keep-alive sockets. */
  close(): Promise<void>
}

/**
 * Starts a Stytch-compatible B2B API on loopback.
 * @example
 * const local = await startLocalServer()
 * const client = new B2BClient({ project_id: local.projectId, secret: local.secret, env: `${local.url}/` })
 */
export async function startLocalServer(options: LocalServerOptions = {}): Promise<LocalServer> {
  let setClock: (next: () => number) => void = () => {}
  if (options.projectId === '') throw new TypeError('"projectId" must be a non-empty string')
  if (options.secret === '') throw new TypeError('"secret" must be a non-empty string')
  if (options.dataDir === '') throw new TypeError('"dataDir" must be a non-empty string')
  checkAllowedHosts(options.allowedHosts)
  const rbacPolicy =
    options.rbacPolicy === undefined ? undefined : readRbacPolicy(options.rbacPolicy)
  const host = options.host ?? '127.0.0.1'
  const remote = !isLoopbackHost(host)
  if (remote && options.allowRemote !== true) {
    throw new TypeError(
      `Refusing to listen on "${host}": the local server hands out every sign-in code at ` +
        '/__local/outbox, so it stays on loopback (127.0.0.1, ::1, localhost). Pass ' +
        'allowRemote: true (CLI: --allow-remote) to expose it anyway.',
    )
  }
  /** A store this server opens, so closes. */
  const opened: SqliteStore | undefined =
    options.dataDir === undefined ? undefined : await openSqliteStore(options.dataDir)
  const store: LocalStore = opened ?? options.store ?? createMemoryStore()
  /** An option, else what the store remembers, else a fresh value (remembered). */
  const setting = (name: string, given: string | undefined, fresh: () => string) => {
    const value = given ?? store.getSetting(name) ?? fresh()
    if (store.getSetting(name) !== value) store.setSetting(name, value)
    return value
  }
  let ctx: ServerContext
  let projectId: string
  let secret: string
  try {
    projectId = setting('project_id', options.projectId, () => `project-test-${randomUUID()}`)
    secret = setting(
      'secret',
      options.secret,
      () => `secret-${environmentOfProject(projectId)}-${randomBytes(24).toString('base64url')}`,
    )
    if (rbacPolicy !== undefined) store.setSetting(RBAC_POLICY_SETTING, JSON.stringify(rbacPolicy))
    let clock = options.now ?? Date.now
    ctx = {
      projectId,
      store,
      keys: await createKeyRing(projectId, () => clock(), store),
      outbox: createOutbox(store),
      now: () => clock(),
      // Codes are stored as HMACs under this key: it must outlive a restart for them to too.
      otpKey: Buffer.from(
        setting('otp_key', undefined, () => randomBytes(32).toString('hex')),
        'hex',
      ),
    }
    setClock = (next) => {
      clock = next
    }
  } catch (error) {
    opened?.close()
    throw error
  }
  const counts: RequestCounts = new Map()
  let isAllowedHost: (hostHeader: string | undefined) => boolean = () => false
  const server = createServer(
    createRequestListener(ctx, secret, counts, (hostHeader) => isAllowedHost(hostHeader)),
  )
  await new Promise<void>((resolve, reject) => {
    const failed = (error: Error) => {
      opened?.close()
      reject(error)
    }
    server.once('error', failed)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', failed)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  const urlHost = host.includes(':') ? `[${host}]` : host
  isAllowedHost = createHostCheck({ listenHost: host, port, allowedHosts: options.allowedHosts })
  if (remote) {
    process.emitWarning(remoteExposureWarning(`http://${urlHost}:${port}`), {
      code: 'STYTCH_LOCAL_SERVER_REMOTE',
    })
  }
  if (process.env.NODE_ENV === 'production') {
    process.emitWarning(PRODUCTION_WARNING, { code: 'STYTCH_LOCAL_SERVER_PRODUCTION' })
  }

  function seedMember(input: SeedMemberInput): Member {
    const organization = findOrganization(ctx, input.organization_id)
    if (organization === undefined) {
      throw new TypeError(`No organization "${input.organization_id}"`)
    }
    const record = newMemberRecord(ctx, organization.organization_id, {
      email_address: input.email_address,
      status: input.status ?? 'active',
      email_address_verified: input.email_address_verified ?? false,
      roles: input.roles,
      mfa_enrolled: input.mfa_enrolled,
      name: input.name,
    })
    if (!ctx.store.insertMember(record)) {
      throw new TypeError(
        `Organization already has a member with email "${emailKey(input.email_address)}"`,
      )
    }
    return renderMember(ctx, record, organization)
  }

  return {
    url: `http://${urlHost}:${port}`,
    projectId,
    secret,
    outbox: ctx.outbox,
    rotateKeys: () => ctx.keys.rotate(),
    removeKey: (kid) => ctx.keys.remove(kid),
    requestCount: (route) => counts.get(route) ?? 0,
    resetRequestCounts: () => counts.clear(),
    setNow: (next) => setClock(next),
    // One transaction, so that two processes seeding one data dir cannot both insert.
    seedMember: (input) => store.transaction(() => seedMember(input)),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          opened?.close()
          if (error) reject(error)
          else resolve()
        })
        server.closeAllConnections()
      }),
  }
}
