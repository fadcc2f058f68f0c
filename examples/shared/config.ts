// What an example app is configured with, and how `main.ts` chooses it: Stytch, or the local server with demo data.
import { type LocalServer, startLocalServer } from 'stytch-b2b-middleware/local-server'
import { DEMO, DEMO_MFA, seedDemo } from './demo.js'

/** What an example app needs to know; `main.ts` decides it. */
export interface ExampleConfig {
  projectId: string
  secret: string
  /** Stytch API base URL, e.g. the local server's `url`. @default chosen by the package from the project id */
  baseUrl?: string | undefined
  /** The local Stytch server at `baseUrl`, when running offline: the pages link its mailbox. */
  local?: Pick<LocalServer, 'url' | 'outbox'> | undefined
  /** Clock in epoch milliseconds. @default Date.now */
  now?: (() => number) | undefined
  /** Deadline of each call to Stytch, in milliseconds. @default 5000 */
  requestTimeoutMs?: number | undefined
  /**
   * The app's public origin(s), for the package's cross-site check and its development mailbox's
   * Host check; `serveExample()` sets them from the listen address (or `APP_ORIGIN`).
   * @default undefined (loopback host names only, for the mailbox)
   */
  appOrigin?: string | readonly string[] | undefined
}

/**
 * Stytch with `STYTCH_PROJECT_ID`/`STYTCH_SECRET` (and `STYTCH_BASE_URL`, if set); without them, the
 * local Stytch server, seeded with the demo organization. Says which on stdout.
 * @example const { config, local } = await configFromEnv()
 */
export async function configFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ config: ExampleConfig; local: LocalServer | undefined }> {
  const projectId = env.STYTCH_PROJECT_ID
  const secret = env.STYTCH_SECRET
  if (projectId && secret) {
    console.log('Using Stytch with STYTCH_PROJECT_ID and STYTCH_SECRET.')
    return {
      config: { projectId, secret, baseUrl: env.STYTCH_BASE_URL || undefined },
      local: undefined,
    }
  }
  // Kept on disk, so restarting the example (watch mode) keeps organizations and signed-in sessions.
  const dataDir = env.STYTCH_LOCAL_DATA_DIR || '.stytch-local'
  const local = await startLocalServer({ dataDir })
  const seeded = await seedDemo(
    { baseUrl: local.url, projectId: local.projectId, secret: local.secret },
    local,
  )
  console.log(
    `No STYTCH_PROJECT_ID/STYTCH_SECRET: using the local Stytch server at ${local.url} (data in ${dataDir}/).`,
  )
  if (seeded) {
    console.log(`Seeded "${DEMO.organizationName}": any @${DEMO.emailDomain} address may join it.`)
    console.log(
      `  ${DEMO.memberEmail} administers it (Members, Organization settings); ${DEMO.plainMemberEmail} sees them read-only.`,
    )
    console.log(`Seeded "${DEMO_MFA.organizationName}": ${DEMO_MFA.memberEmail} signs in with MFA.`)
  }
  const config = { projectId: local.projectId, secret: local.secret, baseUrl: local.url, local }
  return { config, local }
}
