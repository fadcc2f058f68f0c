// Starts the Express example: Stytch with STYTCH_PROJECT_ID/STYTCH_SECRET, else the local server with demo data.
import { configFromEnv } from '../shared/config.js'
import { createApp } from './app.js'

const port = Number(process.env.PORT ?? 3000)
const host = process.env.HOST ?? '127.0.0.1'
const { config, local } = await configFromEnv()

const server = createApp(config).listen(port, host, () => {
  console.log(`Example app: http://localhost:${port}`)
  if (local) console.log(`Codes "sent" by email: http://localhost:${port}/dev/mailbox`)
})
server.on('error', (error) => {
  console.error(error.message)
  process.exitCode = 1
  void local?.close()
})

function stop(): void {
  server.close()
  server.closeAllConnections()
  void local?.close()
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
