// Attacks on the shared rate limits: spellings of a client IP from a trusted proxy, and answers past the per-address attempt limit.
import request from 'supertest'
import { describe, expect, test } from 'vitest'
import { setCookiesOf } from '../helpers/cookies.js'
import { ADAPTERS, latestCode, type Stack, useStackFactory } from '../helpers/stack.js'

const SEND = 'POST /v1/b2b/otps/email/discovery/send'

describe.each(ADAPTERS)('$name: the per-IP limit behind a trusted proxy', (adapter) => {
  const start = useStackFactory(adapter)
  const send = (stack: Stack, email: string, forwardedFor: string) =>
    request(stack.app)
      .post('/auth/otps/email/discovery/send')
      .set('x-forwarded-for', forwardedFor)
      .send({ email_address: email })

  test('a proxy that writes the client port (ip:port) does not give each connection a new limit', async () => {
    const stack = await start({ rateLimits: { sendsPerIp: { max: 2, windowSeconds: 600 } } })
    stack.trustProxy()
    expect((await send(stack, 'a@spray.test', '203.0.113.9:50001')).status).toBe(200)
    expect((await send(stack, 'b@spray.test', '203.0.113.9:50002')).status).toBe(200)
    expect((await send(stack, 'c@spray.test', '203.0.113.9:50003')).status).toBe(429)
    expect((await send(stack, 'd@spray.test', '[2001:db8:0:7::1]:443')).status).toBe(200)
    expect((await send(stack, 'e@spray.test', '[2001:db8:0:7::2]:444')).status).toBe(200)
    expect((await send(stack, 'f@spray.test', '2001:db8:0:7::3')).status).toBe(429)
    expect(stack.upstream(SEND)).toBe(4)
  })

  test('values that are no address share one limit: no new client per value, no unbounded key', async () => {
    const stack = await start({ rateLimits: { sendsPerIp: { max: 2, windowSeconds: 600 } } })
    stack.trustProxy()
    expect((await send(stack, 'a@spray.test', 'unknown')).status).toBe(200)
    expect((await send(stack, 'b@spray.test', `${'x'.repeat(4000)}1`)).status).toBe(200)
    expect((await send(stack, 'c@spray.test', 'not-an-ip-2')).status).toBe(429)
    expect((await send(stack, 'd@spray.test', '203.0.113.1')).status).toBe(200)
  })

  test('every spelling of an IPv4 client inside IPv6 counts as that IPv4 client', async () => {
    const stack = await start({ rateLimits: { sendsPerIp: { max: 2, windowSeconds: 600 } } })
    stack.trustProxy()
    expect((await send(stack, 'a@spray.test', '203.0.113.5')).status).toBe(200)
    expect((await send(stack, 'b@spray.test', '::FFFF:cb00:7105')).status).toBe(200)
    for (const spelling of ['0:0:0:0:0:ffff:203.0.113.5', '::ffff:203.0.113.5', '203.0.113.5']) {
      expect((await send(stack, 'c@spray.test', spelling)).status).toBe(429)
    }
    // Another IPv4 client written the same ways is not affected.
    expect((await send(stack, 'd@spray.test', '::ffff:cb00:7106')).status).toBe(200)
  })
})

describe.each(ADAPTERS)('$name: code attempts past the per-address limit', (adapter) => {
  const start = useStackFactory(adapter)

  test.each([
    ['/otps/email/authenticate', { organization_id: 'acme' }],
    ['/otps/email/discovery/authenticate', {}],
  ])('%s answers a member and a stranger alike, the right code included', async (path, extra) => {
    const stack = await start(
      { rateLimits: { attemptsPerEmail: { max: 2, windowSeconds: 600 } } },
      { acme: 'ada@acme.test' },
    )
    const flow = path.includes('discovery') ? 'discovery/send' : 'login_or_signup'
    await request(stack.app)
      .post(`/auth/otps/email/${flow}`)
      .send({ ...extra, email_address: 'ada@acme.test' })
    const right = latestCode(stack.local, 'ada@acme.test')
    const wrong = right === '000000' ? '111111' : '000000'
    const attempt = async (email: string, code: string) => {
      const answer = await request(stack.app)
        .post(`/auth${path}`)
        .send({ ...extra, email_address: email, code })
      return {
        status: answer.status,
        body: answer.body,
        cookies: setCookiesOf(answer),
        retryAfter: answer.headers['retry-after'] !== undefined,
      }
    }
    for (let i = 0; i < 2; i++) {
      await attempt('ada@acme.test', wrong)
      await attempt('nobody@acme.test', wrong)
    }
    const member = await attempt('ada@acme.test', right)
    const stranger = await attempt('nobody@acme.test', right)
    expect(member).toEqual(stranger)
    expect(member).toMatchObject({ status: 429, cookies: [], retryAfter: true })
    expect(member.body.error.code).toBe('ERR_RATE_LIMITED')
  })
})
