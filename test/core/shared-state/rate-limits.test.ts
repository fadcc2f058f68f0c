// Rate limits of the code routes, kept in this process: per email address and per client IP, for sends and attempts, 429 with Retry-After.
import request from 'supertest'
import { describe, expect, test } from 'vitest'
import { resolveConfig } from '../../../src/core/kit/config.js'
import { ipKey } from '../../../src/core/shared-state/rate-limits.js'
import type { StytchB2BOptions } from '../../../src/index.js'
import { setCookiesOf } from '../../helpers/cookies.js'
import { ADAPTERS, latestCode, type Stack, useStackFactory } from '../../helpers/stack.js'

const SEND = 'POST /v1/b2b/otps/email/discovery/send'
const CHECK = 'POST /v1/b2b/otps/email/discovery/authenticate'

describe.each(ADAPTERS)('$name', (adapter) => {
  const start = useStackFactory(adapter)
  const send = (stack: Stack, email: string, from?: string) => {
    const sent = request(stack.app).post('/auth/otps/email/discovery/send')
    if (from !== undefined) sent.set('x-forwarded-for', from)
    return sent.send({ email_address: email })
  }
  const guess = (stack: Stack, email: string, code: string) =>
    request(stack.app)
      .post('/auth/otps/email/discovery/authenticate')
      .send({ email_address: email, code })

  /** The 429 a limit answers: stable code, Retry-After within the window, no cookie, nothing sent. */
  function expectLimited(response: request.Response, windowSeconds: number) {
    expect(response.status).toBe(429)
    expect(response.body.error.code).toBe('ERR_RATE_LIMITED')
    const retryAfter = Number(response.headers['retry-after'])
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(windowSeconds)
    expect(setCookiesOf(response)).toEqual([])
    expect(response.headers['cache-control']).toBe('no-store')
  }

  test('sends per email address count every spelling of it as one, and refused ones reach nobody', async () => {
    const stack = await start({ rateLimits: { sendsPerEmail: { max: 2, windowSeconds: 60 } } })
    expect((await send(stack, 'Ada@acme.test')).status).toBe(200)
    expect((await send(stack, 'ADA@ACME.TEST')).status).toBe(200)
    expectLimited(await send(stack, 'ada@acme.test'), 60)
    expect(stack.upstream(SEND)).toBe(2)
    // Another address is not affected.
    expect((await send(stack, 'bob@acme.test')).status).toBe(200)
  })

  test('sends per client IP: one client spraying addresses is cut off', async () => {
    const stack = await start({ rateLimits: { sendsPerIp: { max: 3, windowSeconds: 600 } } })
    for (const name of ['a', 'b', 'c']) {
      expect((await send(stack, `${name}@spray.test`)).status).toBe(200)
    }
    expectLimited(await send(stack, 'd@spray.test'), 600)
    expect(stack.upstream(SEND)).toBe(3)
  })

  test('a forged X-Forwarded-For does not dodge the IP limit when the app trusts no proxy', async () => {
    const stack = await start({ rateLimits: { sendsPerIp: { max: 2, windowSeconds: 600 } } })
    expect((await send(stack, 'a@spray.test', '203.0.113.1')).status).toBe(200)
    expect((await send(stack, 'b@spray.test', '203.0.113.2')).status).toBe(200)
    expectLimited(await send(stack, 'c@spray.test', '203.0.113.3'), 600)
  })

  test("behind a trusted proxy, the limit is per client: the framework's IP", async () => {
    const stack = await start({ rateLimits: { sendsPerIp: { max: 2, windowSeconds: 600 } } })
    stack.trustProxy()
    expect((await send(stack, 'a@spray.test', '203.0.113.1')).status).toBe(200)
    expect((await send(stack, 'b@spray.test', '203.0.113.1')).status).toBe(200)
    expectLimited(await send(stack, 'c@spray.test', '203.0.113.1'), 600)
    // Another client behind the same proxy, and another IPv6 /64, still send.
    expect((await send(stack, 'c@spray.test', '203.0.113.2')).status).toBe(200)
    expect((await send(stack, 'd@spray.test', '2001:db8:0:1::1')).status).toBe(200)
    expect((await send(stack, 'e@spray.test', '2001:db8:0:1::2')).status).toBe(200)
    // The same /64: one client, whatever address it takes from it.
    expectLimited(await send(stack, 'f@spray.test', '2001:db8:0:1:ffff::9'), 600)
  })

  test('behind one trusted proxy hop, entries the client writes before its own address change nothing', async () => {
    const stack = await start({ rateLimits: { sendsPerIp: { max: 2, windowSeconds: 600 } } })
    stack.trustProxy()
    // The proxy appends the address it saw; whatever the client sent comes before it.
    for (const [index, forged] of ['198.51.100.1', '198.51.100.2'].entries()) {
      expect((await send(stack, `f${index}@spray.test`, `${forged}, 203.0.113.7`)).status).toBe(200)
    }
    expectLimited(await send(stack, 'f9@spray.test', '198.51.100.3, 203.0.113.7'), 600)
  })

  test('code attempts per email address stop guessing before Stytch is asked', async () => {
    const stack = await start(
      { rateLimits: { attemptsPerEmail: { max: 3, windowSeconds: 300 } } },
      { acme: 'ada@acme.test' },
    )
    expect((await send(stack, 'ada@acme.test')).status).toBe(200)
    const right = latestCode(stack.local, 'ada@acme.test')
    const wrong = right === '000000' ? '111111' : '000000'
    for (let i = 0; i < 3; i++)
      expect((await guess(stack, 'ada@acme.test', wrong)).status).toBe(404)
    expectLimited(await guess(stack, 'ADA@acme.test', right), 300)
    expect(stack.upstream(CHECK)).toBe(3)
  })

  test('code attempts per client IP, across addresses', async () => {
    const stack = await start({ rateLimits: { attemptsPerIp: { max: 4, windowSeconds: 600 } } })
    for (const name of ['a', 'b', 'c', 'd']) {
      expect((await guess(stack, `${name}@acme.test`, '123456')).status).not.toBe(429)
    }
    expectLimited(await guess(stack, 'e@acme.test', '123456'), 600)
    expect(stack.upstream(CHECK)).toBe(4)
  })

  test('rateLimits: false leaves only Stytch to limit', async () => {
    const stack = await start({ rateLimits: false })
    for (let i = 0; i < 12; i++) expect((await send(stack, 'ada@acme.test')).status).toBe(200)
  })
})

describe('options', () => {
  const resolve = (rateLimits: unknown) =>
    resolveConfig({ rateLimits } as StytchB2BOptions, { NODE_ENV: 'test' })

  test('defaults: 10 sends per address and 60 per IP, 20 attempts per address and 120 per IP, per 10 minutes', () => {
    expect(resolve(undefined).shared.rateLimits).toEqual({
      sendsPerEmail: { max: 10, windowSeconds: 600 },
      sendsPerIp: { max: 60, windowSeconds: 600 },
      attemptsPerEmail: { max: 20, windowSeconds: 600 },
      attemptsPerIp: { max: 120, windowSeconds: 600 },
    })
  })

  test('bad values are refused at start-up, naming the option', () => {
    expect(() => resolve({ sendsPerIp: { max: 0 } })).toThrow(
      '"rateLimits.sendsPerIp.max" must be an integer from 1 to 1000000',
    )
    expect(() => resolve({ attemptsPerEmail: 5 })).toThrow(
      '"rateLimits.attemptsPerEmail" must be { max, windowSeconds } or false',
    )
    expect(() => resolve({ sendsPerIP: {} })).toThrow('"rateLimits.sendsPerIP" is not an option')
    expect(() => resolve('strict')).toThrow('"rateLimits" must be an object or false')
  })
})

describe('the key of a client IP', () => {
  test('IPv4 as is, IPv4-mapped IPv6 as its IPv4, IPv6 by its /64, however it is written', () => {
    expect(ipKey('203.0.113.7')).toBe('ip:203.0.113.7')
    expect(ipKey('::ffff:203.0.113.7')).toBe('ip:203.0.113.7')
    expect(ipKey('2001:db8::1')).toBe('ip:2001:db8:0:0::/64')
    expect(ipKey('2001:0db8:0000:0000:ffff::1')).toBe('ip:2001:db8:0:0::/64')
    expect(ipKey('2001:db8:0:1::1')).not.toBe(ipKey('2001:db8:0:2::1'))
    expect(ipKey('::1')).toBe('ip:0:0:0:0::/64')
    expect(ipKey(undefined)).toBeUndefined()
  })
})
