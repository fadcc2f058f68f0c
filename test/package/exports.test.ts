// The published shape: every subpath of the exports map imports and require()s from dist/, as users load it.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { beforeAll, expect, test } from 'vitest'

const root = new URL('../../', import.meta.url)
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  exports: Record<string, unknown>
}
const SUBPATHS = Object.keys(manifest.exports).filter((key) => key !== './package.json')

beforeAll(() => {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' })
}, 120_000)

const node = (script: string) =>
  execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
  })

test('the exports map lists the core, both adapters and the local server', () => {
  expect(SUBPATHS).toEqual(['.', './express', './koa', './local-server'])
})

test.each(SUBPATHS)('import and require() %s by package name', (subpath) => {
  const name = `stytch-b2b-middleware${subpath.slice(1)}`
  const imported = node(
    `const m = await import('${name}'); console.log(Object.keys(m).sort().join(','))`,
  )
  const required = node(
    `import { createRequire } from 'node:module'; const m = createRequire(process.cwd() + '/')('${name}'); console.log(Object.keys(m).sort().join(','))`,
  )
  expect(imported.trim().length).toBeGreaterThan(0)
  expect(required.trim()).toBe(imported.trim())
})

const STEP_MIDDLEWARE = [
  'authenticateDiscoveryCode',
  'authenticateLoginCode',
  'authenticateMfaSmsCode',
  'authenticateTotpCode',
  'createOrganization',
  'createTotpRegistration',
  'exchangeIntermediateSession',
  'exchangeSession',
  'getRecoveryCodes',
  'listDiscoveredOrganizations',
  'recoverWithRecoveryCode',
  'revokeSession',
  'rotateRecoveryCodes',
  'sendDiscoveryCode',
  'sendLoginCode',
  'sendMfaSmsCode',
]

// Exactly these names, no more: an extra export is public surface someone will depend on.
const PUBLIC_NAMES: Record<string, string[]> = {
  'stytch-b2b-middleware': [
    'AuthError',
    'StytchApiError',
    'createAuth',
    'isAuthError',
    'safeReturnTo',
  ],
  'stytch-b2b-middleware/express': [
    ...STEP_MIDDLEWARE,
    'memberAuthorization',
    'requireSession',
    'stytchB2B',
  ].sort(),
  'stytch-b2b-middleware/koa': [
    ...STEP_MIDDLEWARE,
    'memberAuthorization',
    'requireSession',
    'stytchB2B',
  ].sort(),
  'stytch-b2b-middleware/local-server': [
    'LocalStoreError',
    'createMemoryStore',
    'openSqliteStore',
    'startLocalServer',
  ],
}

test.each(Object.entries(PUBLIC_NAMES))('%s exports exactly its public names', (name, names) => {
  const exported = node(
    `const m = await import('${name}'); console.log(Object.keys(m).sort().join(','))`,
  )
  expect(exported.trim().split(',')).toEqual(names)
})
