// The Host check and the loopback test behind the local server's exposure rules, edge cases.
import { describe, expect, it } from 'vitest'
import { createHostCheck, isLoopbackHost } from '../../src/local-server/http/exposure.js'

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LocalHost'])(
    '%s is loopback',
    (host) => {
      expect(isLoopbackHost(host)).toBe(true)
    },
  )
  it.each(['0.0.0.0', '::', '192.168.1.10', 'localhost.', 'example.com', '', '::ffff:7f00:1'])(
    '%j is not',
    (host) => {
      expect(isLoopbackHost(host)).toBe(false)
    },
  )
})

describe('createHostCheck', () => {
  const check = createHostCheck({ listenHost: '127.0.0.1', port: 4010, allowedHosts: ['dev.test'] })

  // The listen port under each loopback name; an allowed host on any port, in any case.
  const loopback = ['127.0.0.1', 'localhost', '[::1]', '[0:0:0:0:0:0:0:1]'].map(
    (name) => `${name}:4010`,
  )
  it.each([...loopback, 'dev.test', 'DEV.test:9'])('accepts %s', (host) => {
    expect(check(host)).toBe(true)
  })

  it.each([
    undefined,
    '',
    'localhost.:4010',
    'user@localhost:4010',
    'localhost:4010/evil',
    'localhost:4010 evil',
    'localhost:99999',
    'dev.test.evil:4010',
    'evil.test:4010',
    '127.0.0.1:4011',
  ])('refuses %j', (host) => {
    expect(check(host)).toBe(false)
  })

  it('accepts the listen address itself, bracketed when IPv6', () => {
    const v6 = createHostCheck({ listenHost: '::1', port: 5000 })
    expect(v6('[::1]:5000')).toBe(true)
    const named = createHostCheck({ listenHost: '192.0.2.7', port: 5000 })
    expect(named('192.0.2.7:5000')).toBe(true)
    expect(named('192.0.2.8:5000')).toBe(false)
  })
})
