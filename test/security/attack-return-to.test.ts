// Attack: safeReturnTo() and the requireSession redirect, fuzzed for any accepted value that a browser
// resolving it against the app's origin would send to another origin.
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { safeReturnTo } from '../../src/index.js'
import { ADAPTERS, createStack, type Stack } from '../helpers/stack.js'

const APP = 'https://app.example'

/** What a browser does with a Location/href value on a page of the app. */
function browserTarget(value: string): URL {
  return new URL(value, `${APP}/some/page?x=1`)
}

const HOSTS = [
  'evil.example',
  'evil.example:443',
  'user@evil.example',
  '127.0.0.1',
  '[::1]',
  'xn--e1awd7f.com',
  'еvil.com',
]
const PREFIXES = [
  '//',
  '/\\',
  '/%5c',
  '/%5C',
  '/%2f',
  '/%2F',
  '/%252f',
  '/%25252f',
  '/%2525252f',
  '/\t/',
  '/\n/',
  '/\r/',
  '/%09/',
  '/%0a/',
  '/%0d/',
  '/%00/',
  '/./',
  '/.//',
  '/%2e//',
  '/%2e%2e//',
  '/..//',
  '/x/..//',
  '/x/%2e%2e//',
  '/;/',
  '/;//',
  '/@',
  '/ /',
  '/%20/',
  '/\u3000/',
  '/\uff0f',
  '/\uff0f\uff0f',
  '/\u2215',
  '/\u2044',
  '/\uFE68',
  '/\u00a0/',
  '/\u200b/',
  '/\ufeff/',
  '/\\\\',
  '/%5c%5c',
  '/%5C/',
  '/\\/',
  '/%2f%5c',
  '/%5c%2f',
  '///',
  '////',
  '/.\\',
  '/./\\',
  '/%2e/%5c',
  '/%2e%2f/',
  '/..%2f/',
  '/..%5c',
  '/%2e%2e%5c',
  '/?/',
  '/#//',
  '/x?//',
  '/x#\\\\',
  '/\u0085/',
  '/\u2028/',
  '/\u2029/',
  '/\ud800/',
  '/%ff/',
  '/%c0%af/',
  '/%c0%ae%c0%ae//',
  '/%e0%80%af/',
]
const SUFFIXES = ['', '/', '/path', '?q', '#h', '%2f', '\\']

function vectors(): string[] {
  const out = new Set<string>()
  for (const prefix of PREFIXES)
    for (const host of HOSTS) for (const suffix of SUFFIXES) out.add(`${prefix}${host}${suffix}`)
  // Long inputs around the 2048 limit, and mixed double-encodings.
  out.add(`/${'a/'.repeat(1000)}..${'/..'.repeat(1000)}//evil.example`)
  out.add(`/${'%2e%2e/'.repeat(300)}/evil.example`)
  out.add(`/${'./'.repeat(1022)}/evil.example`)
  out.add('/%252F%252Fevil.example')
  out.add('/%2525252F%2525252Fevil.example')
  out.add('/%25%32%66%25%32%66evil.example')
  out.add('/%%32%66/evil.example')
  out.add('/%2%66/evil.example')
  return [...out]
}

describe('safeReturnTo fuzz', () => {
  test('no accepted value resolves to another origin, and every accepted value is a plain path', () => {
    const escapes: string[] = []
    let accepted = 0
    for (const value of vectors()) {
      const result = safeReturnTo(value)
      if (result === undefined) continue
      accepted++
      const target = browserTarget(result)
      if (
        target.origin !== APP ||
        !result.startsWith('/') ||
        result.startsWith('//') ||
        result.includes('\\') ||
        // resolving twice (a second redirect hop) must stay home too
        browserTarget(target.pathname + target.search + target.hash).origin !== APP
      ) {
        escapes.push(`${JSON.stringify(value)} -> ${JSON.stringify(result)}`)
      }
    }
    expect(escapes).toEqual([])
    expect(accepted).toBeGreaterThan(0)
  })

  test('every accepted value is ASCII (safe in a Location header)', () => {
    for (const value of vectors()) {
      const result = safeReturnTo(value)
      if (result !== undefined)
        expect(/^[\x21-\x7e]*$/.test(result), JSON.stringify(result)).toBe(true)
    }
  })
})

describe.each(ADAPTERS)('requireSession redirect ($name)', (adapter) => {
  let stack: Stack
  beforeAll(async () => {
    stack = await createStack({}, adapter)
    stack.get('/page', { redirectTo: '/login' }, () => 'ok')
  })
  afterAll(async () => {
    await stack.close()
  })

  test('request-targets shaped like foreign URLs never produce a foreign return_to', async () => {
    const targets = [
      '//evil.example/page',
      '/page/..//evil.example',
      '/%2f%2fevil.example',
      '/page?//evil.example',
      '/\\evil.example',
    ]
    for (const target of targets) {
      const response = await request(stack.app)
        .get(target)
        .set('accept', 'text/html')
        .set('sec-fetch-mode', 'navigate')
      if (response.status !== 303) continue
      const location = browserTarget(response.headers.location as string)
      expect(location.origin).toBe(APP)
      const returnTo = location.searchParams.get('return_to')
      if (returnTo !== null) {
        expect(browserTarget(returnTo).origin, `${target} -> ${returnTo}`).toBe(APP)
        expect(safeReturnTo(returnTo)).toBe(returnTo)
      }
    }
  })
})
