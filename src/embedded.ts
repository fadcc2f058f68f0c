// Starts the local Stytch-compatible server in-process, for apps run without Stytch credentials.
import type { EmbeddedServerStarter } from './core/create-auth.js'

/**
 * Loaded lazily, so apps with credentials never load the local server. Keeping its data in a
 * folder needs the optional `libsql` package; without it the server keeps its data in memory and
 * says how to keep it, so `npm install stytch-b2b-middleware` alone still gives a working app.
 */
export const startEmbeddedServer: EmbeddedServerStarter = async ({ now, dataDir, logger }) => {
  const { startLocalServer } = await import('./local-server/index.js')
  let kept = dataDir
  let server: Awaited<ReturnType<typeof startLocalServer>>
  try {
    server = await startLocalServer({ now, dataDir })
  } catch (error) {
    if (dataDir === undefined || (error as { code?: unknown }).code !== 'ERR_LOCAL_STORE_DRIVER') {
      throw error
    }
    logger.warn(
      `${(error as Error).message}. Until then the embedded server keeps its data in memory: sign-ins end when the app restarts.`,
    )
    kept = undefined
    server = await startLocalServer({ now })
  }
  return {
    url: server.url,
    projectId: server.projectId,
    secret: server.secret,
    dataDir: kept,
    outbox: () => server.outbox.list(),
    close: () => server.close(),
  }
}
