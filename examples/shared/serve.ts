// Runs an example app: decides its config from the environment, listens, prints the URL, stops cleanly.
import { createServer, type RequestListener } from 'node:http'
import { configFromEnv, type ExampleConfig } from './config.js'
import { appOriginsFor } from './hosts.js'

/**
 * Starts `createApp(config)` on PORT (default 3000); shared by both examples' main.ts.
 * `startCommand` is how a person started it, for the advice printed when the port is taken.
 */
export async function serveExample(
  createApp: (config: ExampleConfig) => RequestListener,
  startCommand: string,
): Promise<void> {
  const port = Number(process.env.PORT ?? 3000)
  const host = process.env.HOST ?? '127.0.0.1'
  const { config, local } = await configFromEnv()

  // The origins browsers reach the app at: the package compares Origin with them, not with Host.
  const appOrigin = appOriginsFor(host, port)
  const server = createServer(createApp({ ...config, appOrigin })).listen(port, host, () => {
    console.log(`Example app: http://localhost:${port}`)
    if (local) console.log(`Codes "sent" by email or SMS: http://localhost:${port}/auth/mailbox`)
  })
  // One line that says what to do, no stack trace; the process exits 1 once the local server is closed.
  server.on('error', (error) => {
    console.error(listenFailure(error, host, port, startCommand))
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

/** What a failed listen prints: a taken port is named, with the command that picks another. */
export function listenFailure(
  error: NodeJS.ErrnoException,
  host: string,
  port: number,
  startCommand: string,
): string {
  const another = `PORT=${port === 3001 ? 3002 : 3001} ${startCommand}`
  if (error.code === 'EADDRINUSE') {
    return `Port ${port} on ${host} is already in use (another app, or this example already running): stop it, or pick another port, e.g. ${another}`
  }
  if (error.code === 'EACCES') {
    return `Not allowed to listen on port ${port} on ${host}: pick another port, e.g. ${another}`
  }
  return `Cannot listen on ${host}:${port}: ${error.message}`
}
