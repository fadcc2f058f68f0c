// An app installed without the optional libsql package still starts the embedded server, in memory, and says how to keep its data.
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, expect, test } from 'vitest'

const TSX = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname
const ENTRY = new URL('../../src/index.ts', import.meta.url).pathname

// A resolve hook that makes `libsql` unresolvable, as in an app that never installed it.
const WITHOUT_LIBSQL = `data:text/javascript,${encodeURIComponent(`
import { register } from 'node:module'
register('data:text/javascript,' + encodeURIComponent(
  'export async function resolve(specifier, context, next) {' +
  '  if (specifier === "libsql") throw Object.assign(new Error("Cannot find package libsql"), { code: "ERR_MODULE_NOT_FOUND" });' +
  '  return next(specifier, context) }'))
`)}`

let dir: string
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

test('without libsql the embedded server runs in memory and the log says how to keep data', async () => {
  dir = mkdtempSync(join(tmpdir(), 'embedded-no-driver-'))
  const script = `
    const { createAuth } = await import(${JSON.stringify(ENTRY)})
    const lines = []
    const log = (message) => { lines.push(message) }
    const auth = createAuth({ localDataDir: ${JSON.stringify(join(dir, 'data'))}, logger: { info: log, warn: log } })
    const ready = await auth.ready()
    const jwks = await fetch(ready.baseUrl + '/v1/b2b/sessions/jwks/' + ready.projectId)
    await auth.close()
    process.stdout.write(JSON.stringify({ embedded: ready.embedded, jwks: jwks.status, lines }))
  `
  const { stdout } = await promisify(execFile)(
    TSX,
    ['--import', WITHOUT_LIBSQL, '--input-type=module', '-e', script],
    { cwd: dir, env: { ...process.env, NODE_ENV: 'development' } },
  )
  const result = JSON.parse(stdout) as { embedded: boolean; jwks: number; lines: string[] }
  expect(result.embedded).toBe(true)
  expect(result.jwks).toBe(200)
  expect(result.lines.some((line) => line.includes('npm install --save-dev libsql'))).toBe(true)
  expect(result.lines.some((line) => line.includes('data in memory'))).toBe(true)
  expect(existsSync(join(dir, 'data', 'local.db'))).toBe(false)
})
