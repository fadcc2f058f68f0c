// Public API of the local Stytch-compatible B2B server: startLocalServer() and its types.
import { randomBytes, randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Member } from '../core/stytch-api/wire.js'
import type { ServerContext } from './context.js'
import { emailKey } from './ids.js'
import { createKeyRing } from './keys.js'
import { newMemberRecord, renderMember } from './members.js'
import { createOutbox, type Outbox } from './outbox.js'
import { createRequestListener, type RequestCounts } from './router.js'
import { createMemoryStore, type LocalStore } from './store.js'

export type { Outbox, OutboxMessage } from './outbox.js'
export type {
  AttemptRecord,
  IntermediateSessionRecord,
  LocalStore,
  MemberRecord,
  OtpRecord,
  SessionRecord,
} from './store.js'
export { createMemoryStore } from './store.js'

export interface LocalServerOptions {
  /** TCP port; 0 picks a free one. @default 0 */
  port?: number | undefined
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string | undefined
  /** @default `project-test-<uuid v4>` */
  projectId?: string | undefined
  /** @default `secret-test-<random>` */
  secret?: string | undefined
  /** Clock in epoch milliseconds; every expiry and JWT timestamp reads it. @default Date.now */
  now?: (() => number) | undefined
  /** Storage. @default an in-memory store */
  store?: LocalStore | undefined
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
  const projectId = options.projectId ?? `project-test-${randomUUID()}`
  const secret = options.secret ?? `secret-test-${randomBytes(24).toString('base64url')}`
  if (projectId === '') throw new TypeError('"projectId" must be a non-empty string')
  if (secret === '') throw new TypeError('"secret" must be a non-empty string')
  let clock = options.now ?? Date.now
  const now = () => clock()
  const ctx: ServerContext = {
    projectId,
    store: options.store ?? createMemoryStore(),
    keys: await createKeyRing(projectId, now),
    outbox: createOutbox(),
    now,
    otpKey: randomBytes(32),
  }
  const counts: RequestCounts = new Map()
  const server = createServer(createRequestListener(ctx, secret, counts))
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  const urlHost = host.includes(':') ? `[${host}]` : host

  return {
    url: `http://${urlHost}:${port}`,
    projectId,
    secret,
    outbox: ctx.outbox,
    rotateKeys: () => ctx.keys.rotate(),
    removeKey: (kid) => ctx.keys.remove(kid),
    requestCount: (route) => counts.get(route) ?? 0,
    resetRequestCounts: () => counts.clear(),
    setNow(next) {
      clock = next
    },
    seedMember(input) {
      const organization =
        ctx.store.getOrganization(input.organization_id) ??
        ctx.store.findOrganizationBySlug(input.organization_id) ??
        ctx.store.findOrganizationByExternalId(input.organization_id)
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
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}
