#!/usr/bin/env node
// Command line entry `stytch-b2b-local`: runs the local Stytch B2B server until SIGINT/SIGTERM.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { isLoopbackHost } from './http/exposure.js'
import { type RbacPolicyInput, startLocalServer } from './index.js'

/** Default port: fixed so that a developer's .env can point at it across restarts. */
const DEFAULT_PORT = 4010
/** Default data dir, relative to the working directory (issue 8: data survives restarts). */
const DEFAULT_DATA_DIR = '.stytch-local'

const HELP = `Usage: stytch-b2b-local [options]

Runs a local server that answers like the Stytch B2B API (email OTP, discovery, sessions,
JWKS, organizations). OTP codes are not emailed: read them at
GET <url>/__local/outbox?email_address=<address>.

Its data (organizations, members, sessions, signing keys, codes, project id and secret) is kept
in <data dir>/local.db (SQLite, through the "libsql" package: npm install --save-dev libsql) and
survives restarts; stop the server and delete the folder to start fresh.

Options:
  --port <n>          TCP port, 0 for a free one (default: ${DEFAULT_PORT})
  --host <address>    interface to listen on (default: 127.0.0.1); anything but loopback
                      needs --allow-remote
  --allow-remote      allow a non-loopback --host: anyone who can reach it reads every
                      sign-in code at /__local/outbox
  --allowed-host <name>
                      also answer requests whose Host is <name> or <name>:<port> (repeatable;
                      by default only 127.0.0.1, localhost, [::1] and the --host address)
  --project-id <id>   project id to accept (default: the data dir's, else project-test-<uuid>)
  --secret <secret>   secret to accept (default: the data dir's, else secret-test-<random>)
  --data-dir <path>   folder of the durable store (default: ${DEFAULT_DATA_DIR})
  --memory            keep everything in memory instead: gone when the process exits
  --rbac-policy <file>
                      JSON file of the project's RBAC policy, shaped like Stytch's
                      GET /v1/b2b/rbac/policy ({ "roles", "resources", "scopes"? }); kept in the
                      data dir, so later runs without the flag keep it
  -h, --help          show this help

Point the Stytch SDK at it with env: '<url>/'. Stops on Ctrl-C (SIGINT) or SIGTERM.`

async function main(): Promise<number> {
  let values: ReturnType<typeof parse>['values']
  try {
    values = parse().values
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${HELP}`)
    return 2
  }
  if (values.help) {
    console.log(HELP)
    return 0
  }
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be an integer between 0 and 65535, got "${values.port}"`)
    return 2
  }
  if (values.memory && values['data-dir'] !== undefined) {
    console.error('--memory and --data-dir cannot be used together')
    return 2
  }
  if (values.host !== undefined && !isLoopbackHost(values.host) && !values['allow-remote']) {
    console.error(
      `Refusing to listen on "${values.host}": the local server hands out every sign-in code at ` +
        '/__local/outbox, so it stays on loopback (127.0.0.1, ::1, localhost) unless you pass ' +
        '--allow-remote.',
    )
    return 2
  }
  const dataDir = values.memory ? undefined : resolve(values['data-dir'] ?? DEFAULT_DATA_DIR)
  const policyFile = values['rbac-policy']
  let rbacPolicy: RbacPolicyInput | undefined
  try {
    rbacPolicy = policyFile === undefined ? undefined : readPolicyFile(policyFile)
  } catch (error) {
    console.error(`--rbac-policy ${policyFile}: ${(error as Error).message}`)
    return 2
  }
  // A policy whose fields are wrong fails here with a TypeError naming the field ("rbacPolicy.…").
  const server = await startLocalServer({
    port,
    host: values.host,
    allowRemote: values['allow-remote'] === true,
    allowedHosts: values['allowed-host'],
    projectId: values['project-id'],
    secret: values.secret,
    dataDir,
    rbacPolicy,
  })
  console.log(`Stytch B2B local server listening on ${server.url}`)
  console.log(`data:       ${dataDir === undefined ? 'in memory' : join(dataDir, 'local.db')}`)
  console.log(`project id: ${server.projectId}`)
  // Logs of a production machine are read by many: a secret it did not choose stays out of them.
  const hideSecret = process.env.NODE_ENV === 'production' && values.secret === undefined
  console.log(
    `secret:     ${hideSecret ? '(not printed under NODE_ENV=production: pass --secret)' : server.secret}`,
  )
  console.log(`outbox:     ${server.url}/__local/outbox`)
  await new Promise<void>((resolve) => {
    const stop = () => resolve()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  await server.close()
  return 0
}

/** The policy file's JSON (its fields are checked by startLocalServer). */
function readPolicyFile(file: string): RbacPolicyInput {
  let text: string
  try {
    text = readFileSync(resolve(file), 'utf8')
  } catch (error) {
    throw new Error(`cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  try {
    return JSON.parse(text) as RbacPolicyInput
  } catch (error) {
    throw new Error(`is not JSON: ${(error as Error).message}`)
  }
}

function parse() {
  return parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'allow-remote': { type: 'boolean' },
      'allowed-host': { type: 'string', multiple: true },
      'project-id': { type: 'string' },
      secret: { type: 'string' },
      'data-dir': { type: 'string' },
      memory: { type: 'boolean' },
      'rbac-policy': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  })
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    // LocalStoreError messages say what to do (move the file away, upgrade, fix permissions).
    console.error(error instanceof Error ? error.message : String(error))
    process.exitCode = 1
  },
)
