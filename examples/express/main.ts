// Starts the Express example: Stytch with STYTCH_PROJECT_ID/STYTCH_SECRET, else the local server with demo data.
import { type LocalServer, startLocalServer } from 'stytch-b2b-middleware/local-server'
import { DEMO, seedDemo } from '../shared/demo.js'
import { createApp, type ExampleConfig } from './app.js'

const port = Number(process.env.PORT ?? 3000)
const host = process.env.HOST ?? '127.0.0.1'
const projectId = process.env.STYTCH_PROJECT_ID
const secret = process.env.STYTCH_SECRET

let local: LocalServer | undefined
let config: ExampleConfig
if (projectId && secret) {
  config = { projectId, secret, baseUrl: process.env.STYTCH_BASE_URL || undefined }
  console.log('Using Stytch with STYTCH_PROJECT_ID and STYTCH_SECRET.')
} else {
  local = await startLocalServer()
  const seeded = await seedDemo(
    { baseUrl: local.url, projectId: local.projectId, secret: local.secret },
    local,
  )
  config = { projectId: local.projectId, secret: local.secret, baseUrl: local.url, local }
  console.log(`No STYTCH_PROJECT_ID/STYTCH_SECRET: using the local Stytch server at ${local.url}.`)
  if (seeded) {
    console.log(`Seeded "${DEMO.organizationName}": any @${DEMO.emailDomain} address may join it.`)
  }
}

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
