// safeReturnTo() against open-redirect vectors: whatever it returns must stay on the app's origin once a browser resolves it.
import { describe, expect, test } from 'vitest'
import { safeReturnTo } from '../../src/index.js'

const APP = 'https://app.example'

// Each must be refused: after dot-segment removal, decoding, or the URL parser dropping tabs and
// newlines, each names another host, a scheme, or carries characters a Location must not.
const REFUSED = [
  // Dot segments that collapse to a protocol-relative URL (the outside review's six).
  '/.//evil.example',
  '/..//evil.example',
  '/a/..//evil.example',
  '/%2e//evil.example',
  '/%2e%2e//evil.example',
  '/x/%2E%2E//evil.example/p',
  '/./..//evil.example',
  '/a/b/../..//evil.example',
  '/%2E//evil.example',
  '/.%2e//evil.example',
  '/%2e./%2fevil.example',
  // Protocol-relative and backslash forms.
  '//evil.example',
  '///evil.example',
  '/\\evil.example',
  '/\\/evil.example',
  '\\\\evil.example',
  '/%5Cevil.example',
  '/%5C%5Cevil.example',
  '/%2F%2Fevil.example',
  '/%2f/evil.example',
  '/%252F%252Fevil.example',
  '%2F%2Fevil.example',
  '/.%5C/evil.example',
  // Tabs, newlines and other control characters (the URL parser strips some of them).
  '/\t/evil.example',
  '/\n/evil.example',
  '/\r\n/evil.example',
  '/%09/evil.example',
  '/%0a/evil.example',
  '/%0d%0aSet-Cookie:x=1',
  '/%0d%0aLocation:%20https://evil.example',
  '/\tevil',
  '/\u0000/evil.example',
  '/%00',
  '/\u007f',
  // Schemes and absolute URLs.
  'https://evil.example',
  'http:evil.example',
  'javascript:alert(1)',
  'data:text/html,x',
  'JAVASCRIPT:alert(1)',
  ' /dashboard',
  'evil.example',
  // Userinfo tricks.
  '//user@evil.example',
  '/.//user:pass@evil.example/',
  // Malformed escapes and oversize input.
  '/%',
  '/%zz',
  `/${'a'.repeat(2048)}`,
  '',
]

// Same-origin paths that must survive, normalised the way a browser would request them.
const KEPT: [string, string][] = [
  ['/', '/'],
  ['/dashboard', '/dashboard'],
  ['/dashboard?tab=members#top', '/dashboard?tab=members#top'],
  ['/dashboard?tab=2#x', '/dashboard?tab=2#x'],
  ['/a/b', '/a/b'],
  ['/a/../b', '/b'],
  ['/a/./b', '/a/b'],
  ['/%2e/b', '/b'],
  ['/orgs/acme/settings', '/orgs/acme/settings'],
  ['/search?q=%2F%2Fevil.example', '/search?q=%2F%2Fevil.example'],
  ['/user@host', '/user@host'],
  ['/café', '/caf%C3%A9'],
]

describe('safeReturnTo()', () => {
  test(`has a table of at least 40 refused vectors (${REFUSED.length})`, () => {
    expect(REFUSED.length).toBeGreaterThanOrEqual(40)
  })

  test.each(REFUSED.map((vector) => [JSON.stringify(vector).slice(0, 60), vector]))(
    'refuses %s',
    (_label, vector) => {
      expect(safeReturnTo(vector)).toBeUndefined()
    },
  )

  test.each(KEPT)('keeps %j as %j', (vector, expected) => {
    expect(safeReturnTo(vector)).toBe(expected)
  })

  test('whatever it returns resolves to the app origin, twice over', () => {
    for (const vector of [...REFUSED, ...KEPT.map(([vector]) => vector)]) {
      const kept = safeReturnTo(vector)
      if (kept === undefined) continue
      expect(kept.startsWith('//') || kept.startsWith('/\\')).toBe(false)
      const once = new URL(kept, APP)
      expect(once.origin).toBe(APP)
      expect(new URL(once.pathname + once.search + once.hash, APP).origin).toBe(APP)
    }
  })
})
