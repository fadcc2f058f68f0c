// Runs an example app: decides its config from the environment, listens, prints the URL, stops cleanly.
import { createServer, type RequestListener } from 'node:http'
import { configFromEnv, type ExampleConfig } from './config.js'
import { appOriginsFor } from './hosts.js'

/** Starts `createApp(config)` on PORT (default 3000); shared by both examples' main.ts. */
export async function serveExample(
  createApp: (config: ExampleConfig) => RequestListener,
): Promise<void> {
  const port = Number(process.env.PORT ?? 3000)
  const host = process.env.HOST ?? '127.0.0.1'
  const { config, local } = await configFromEnv()

  // The origins browsers reach the app at: the package compares Origin with them, not with Host.
  const appOrigin = appOriginsFor(host, port)
  const server = createServer(createApp({ ...config, appOrigin })).listen(port, host, () => {
    console.log(`Example app: http://localhost:${port}`)
    if (local) console.log(`Codes "sent" by email: http://localhost:${port}/dev/mailbox`)
  })
  server.on('error', (error) => {
    console.error(error.message)
    process.exitCode = 1
    void local?.close()
  })

  const stop = (): void => {
    server.close()
    server.closeAllConnections()
    void local?.close()
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
