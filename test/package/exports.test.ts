// The published shape: every subpath of the exports map imports and require()s from dist/, as users load it;
// every shipped source map leads to its code.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { posix } from 'node:path'
import { beforeAll, expect, test } from 'vitest'

const root = new URL('../../', import.meta.url)
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  exports: Record<string, unknown>
  scripts: Record<string, string>
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

// npm runs these when the package is installed from a tarball or a registry, and npm 11 warns
// about each one; the build runs on pack (prepack) and on a contributor's `npm ci` (prepublish).
test('installing the package runs none of its scripts; packing it builds dist/', () => {
  const installTime = ['preinstall', 'install', 'postinstall', 'prepare']
  expect(Object.keys(manifest.scripts).filter((name) => installTime.includes(name))).toEqual([])
  expect(manifest.scripts.prepack).toBe('npm run build')
  expect(manifest.scripts.prepublish).toBe('npm run build')
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

// A debugger or an editor that follows a map must find the code: in the map, or in the package.
test('every source map shipped in dist/ embeds its sources or names only shipped files', () => {
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: root,
      encoding: 'utf8',
    }),
  ) as [{ files: { path: string }[] }]
  const shipped = new Set(packed.files.map((file) => file.path))
  const maps = [...shipped].filter((path) => path.startsWith('dist/') && path.endsWith('.map'))
  expect(maps.length).toBeGreaterThan(0)
  const unreachable = maps.flatMap((path) => {
    const map = JSON.parse(readFileSync(new URL(path, root), 'utf8')) as {
      sources: string[]
      sourceRoot?: string
      sourcesContent?: (string | null)[]
    }
    return map.sources.flatMap((source, i) => {
      if (typeof map.sourcesContent?.[i] === 'string') return []
      const target = posix.normalize(posix.join(posix.dirname(path), map.sourceRoot ?? '', source))
      return shipped.has(target) ? [] : [`${path} -> ${source}`]
    })
  })
  expect(unreachable).toEqual([])
})
