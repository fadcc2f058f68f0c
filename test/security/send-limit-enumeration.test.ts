// Enumeration through the send limit: member and non-member addresses get the same answer, send by send, limited or not.
import request from 'supertest'
import { afterEach, describe, expect, test, vi } from 'vitest'
import type { StytchB2BOptions } from '../../src/index.js'
import { advanceWallClock } from '../helpers/clock.js'
import { setCookiesOf } from '../helpers/cookies.js'
import { ADAPTERS, type Stack, useStackFactory } from '../helpers/stack.js'

const MEMBER = 'ada@acme.test'
const STRANGER = 'eve@acme.test'
const SENDS = 35

describe.each(ADAPTERS)('$name', (adapter) => {
  const startStack = useStackFactory(adapter)
  let stack: Stack
  const logged: string[] = []
  afterEach(() => {
    vi.useRealTimers()
  })

  async function start(options: StytchB2BOptions = {}): Promise<void> {
    logged.length = 0
    const log = (message: string) => {
      logged.push(message)
    }
    stack = await startStack({ logger: { info: log, warn: log }, ...options }, { acme: MEMBER })
  }

  /** Status, body (the echoed address blanked) and cookies of one send. */
  async function send(path: string, body: Record<string, string>) {
    const response = await request(stack.app).post(`/auth${path}`).send(body)
    const shown = JSON.stringify(response.body).replaceAll(body.email_address as string, '<email>')
    return { status: response.status, body: shown, cookies: setCookiesOf(response) }
  }

  /** Sends alternately to the member and the stranger; every pair of answers must be identical. */
  async function compare(path: string, extra: Record<string, string>) {
    const statuses: number[] = []
    for (let i = 0; i < SENDS; i++) {
      const member = await send(path, { ...extra, email_address: MEMBER })
      const stranger = await send(path, { ...extra, email_address: STRANGER })
      expect(stranger, `send ${i + 1}`).toEqual(member)
      expect(member.cookies).toEqual([])
      statuses.push(member.status)
    }
    return statuses
  }

  test('login_or_signup: the same answers past the limit, which cuts both off alike', async () => {
    await start()
    const statuses = await compare('/otps/email/login_or_signup', { organization_id: 'acme' })
    expect(statuses).toEqual([...Array(10).fill(200), ...Array(SENDS - 10).fill(429)])
    const limited = await send('/otps/email/login_or_signup', {
      organization_id: 'acme',
      email_address: MEMBER,
    })
    expect(JSON.parse(limited.body).error.code).toBe('ERR_RATE_LIMITED')
    // Refused sends never reach Stytch: 10 calls per address.
    expect(stack.upstream('POST /v1/b2b/otps/email/login_or_signup')).toBe(20)
    expect(stack.local.outbox.list({ emailAddress: MEMBER })).toHaveLength(10)
    // A new window lets both send again.
    advanceWallClock(600_000)
    const again = await compare('/otps/email/login_or_signup', { organization_id: 'acme' })
    expect(again[0]).toBe(200)
  })

  test('discovery send: the same answers for a member and an unknown address', async () => {
    await start()
    const statuses = await compare('/otps/email/discovery/send', {})
    expect(statuses.filter((status) => status === 429)).toHaveLength(SENDS - 10)
  })

  test("without the middleware's limit, Stytch's per-address 429 is answered like a send", async () => {
    await start({ rateLimits: false })
    const statuses = await compare('/otps/email/login_or_signup', { organization_id: 'acme' })
    expect(statuses).toEqual(Array(SENDS).fill(200))
    // Stytch (the local server) still stopped sending to the member at its own limit.
    expect(stack.local.outbox.list({ emailAddress: MEMBER }).length).toBeLessThan(SENDS)
    expect(logged.join('\n')).toContain('Stytch rate-limited a code send')
    expect(logged.join('\n')).not.toContain(MEMBER)
  })
})
