// Starts the local Stytch-compatible server in-process, for apps run without Stytch credentials.
import type { EmbeddedServerStarter } from './core/auth.js'

/** Loaded lazily, so apps with credentials never load the local server. */
export const startEmbeddedServer: EmbeddedServerStarter = async ({ now, dataDir }) => {
  const { startLocalServer } = await import('./local-server/index.js')
  return startLocalServer({ now, dataDir })
}
