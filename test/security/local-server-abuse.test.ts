// Local server abuse: slugs that pass for ids, Unicode look-alike addresses, and the send limit's
// memory bound and hourly cap. Everything over real loopback HTTP.
import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMemoryStore, startLocalServer } from '../../src/local-server/index.js'
import { createTestClock } from '../helpers/clock.js'
import { callStytch } from '../helpers/local-api.js'
import { createOrganization, type Harness, P, startHarness } from '../local-server/fixtures.js'

let h: Harness
beforeEach(async () => {
  h = await startHarness()
})
afterEach(async () => {
  await h.local.close()
})

/** A discovery IST for `email`, through the outbox. */
async function istFor(email: string): Promise<string> {
  expect((await h.post(P.discoverySend, { email_address: email })).status).toBe(200)
  const code = h.local.outbox.latest(email, 'discovery')?.code
  const res = await h.post(P.discoveryAuthenticate, { email_address: email, code })
  expect(res.status).toBe(200)
  return res.body.intermediate_session_token
}

describe('slugs shaped like organization ids', () => {
  const idShaped = [
    `organization-test-${randomUUID()}`,
    `organization-live-${randomUUID()}`,
    'organization-test-anything',
    `ORGANIZATION-TEST-${randomUUID()}`,
  ]

  it.each(idShaped)(
    'organization create refuses slug %s with 400 invalid_organization_slug',
    async (slug) => {
      const res = await h.post(P.orgCreate, { organization_name: 'Mimic', organization_slug: slug })
      expect(res.status).toBe(400)
      expect(res.body.error_type).toBe('invalid_organization_slug')
      const search = await h.post(P.orgSearch, {})
      expect(search.body.organizations).toEqual([])
    },
  )

  it('discovery organization create refuses an id-shaped slug too', async () => {
    const ist = await istFor('mallory@evil.test')
    const res = await h.post(P.discoveryCreate, {
      intermediate_session_token: ist,
      organization_name: 'Mimic',
      organization_slug: `organization-test-${randomUUID()}`,
    })
    expect(res.status).toBe(400)
    expect(res.body.error_type).toBe('invalid_organization_slug')
  })

  it('refuses an id-shaped external id, and derives no id-shaped slug from a name', async () => {
    const external = await h.post(P.orgCreate, {
      organization_name: 'Mimic',
      organization_external_id: `organization-test-${randomUUID()}`,
    })
    expect(external.status).toBe(400)
    expect(external.body.error_type).toBe('invalid_organization_external_id')
    const named = await createOrganization(h, { organization_name: 'organization-test-abc' })
    expect(named.organization_slug).not.toMatch(/^organization-(test|live)-/i)
  })

  it('matches an id-shaped reference only as an id, even against an older record', async () => {
    // A data store written before the rule may hold such a slug: plant one through the store.
    const store = createMemoryStore()
    const clock = createTestClock()
    const local = await startLocalServer({ store, now: clock.now })
    try {
      const created = await callStytch(local, 'POST', P.orgCreate, { organization_name: 'Real' })
      const planted = `organization-test-${randomUUID()}`
      store.insertOrganization({
        ...created.body.organization,
        organization_id: `organization-test-${randomUUID()}`,
        organization_slug: planted,
        organization_name: 'Impostor',
      })
      const lookup = await callStytch(local, 'GET', P.org(planted))
      expect(lookup.status).toBe(404)
      expect(lookup.body.error_type).toBe('organization_not_found')
      const send = await callStytch(local, 'POST', P.loginOrSignup, {
        organization_id: planted,
        email_address: 'kate@corp.test',
      })
      expect(send.status).toBe(404)
      expect(local.outbox.list()).toEqual([])
      // The real organization is still found by its id and its slug.
      const real = created.body.organization
      expect((await callStytch(local, 'GET', P.org(real.organization_id))).status).toBe(200)
      expect((await callStytch(local, 'GET', P.org(real.organization_slug))).status).toBe(200)
    } finally {
      await local.close()
    }
  })
})

describe('Unicode look-alike addresses (U+212A KELVIN SIGN)', () => {
  const KATE = 'kate@corp.test'
  const KELVIN = '\u212Aate@corp.test'
  let orgId: string
  beforeEach(async () => {
    const org = await createOrganization(h, {
      organization_name: 'Corp',
      organization_slug: 'corp',
    })
    orgId = org.organization_id
    h.local.seedMember({
      organization_id: orgId,
      email_address: KATE,
      email_address_verified: true,
    })
  })

  it('a code cannot be sent to the Kelvin-sign address for kate', async () => {
    const send = await h.post(P.loginOrSignup, { organization_id: orgId, email_address: KELVIN })
    expect(send.status).toBe(400)
    expect(send.body.error_type).toBe('invalid_email')
    const discovery = await h.post(P.discoverySend, { email_address: KELVIN })
    expect(discovery.status).toBe(400)
    expect(discovery.body.error_type).toBe('invalid_email')
    expect(h.local.outbox.list()).toEqual([])
  })

  it("kate's own code does not sign in the Kelvin-sign address, nor list for it", async () => {
    expect(
      (await h.post(P.loginOrSignup, { organization_id: orgId, email_address: KATE })).status,
    ).toBe(200)
    const code = h.local.outbox.latest(KATE)?.code
    const signIn = await h.post(P.otpAuthenticate, {
      organization_id: orgId,
      email_address: KELVIN,
      code,
    })
    expect(signIn.status).toBe(400)
    expect(signIn.body.session_token).toBeUndefined()
    const outbox = await callStytch(
      h.local,
      'GET',
      `/__local/outbox?email_address=${encodeURIComponent(KELVIN)}`,
    )
    expect(outbox.body.messages).toEqual([])
    const member = await h.call(
      'GET',
      `${P.memberGet(orgId)}?email_address=${encodeURIComponent(KELVIN)}`,
    )
    expect(member.status).toBe(404)
  })
})

describe('send limit', () => {
  // The documented figures, written out: the wire behaviour is the contract.
  const MAX_SENDS_PER_MINUTE = 30
  const MAX_SENDS_PER_HOUR = 100
  const VICTIM = 'victim@corp.test'
  const sendTo = (email: string) => h.post(P.discoverySend, { email_address: email })

  async function sendMany(count: number, email: string): Promise<number[]> {
    const statuses: number[] = []
    for (let i = 0; i < count; i += 1) statuses.push((await sendTo(email)).status)
    return statuses
  }

  it('spraying fresh addresses does not reset a victim at its limit', async () => {
    expect(await sendMany(MAX_SENDS_PER_MINUTE, VICTIM)).toEqual(
      Array(MAX_SENDS_PER_MINUTE).fill(200),
    )
    expect((await sendTo(VICTIM)).status).toBe(429)
    // More fresh addresses than the limiter tracks, all within the same minute.
    const spray = 10_002
    let next = 0
    const workers = Array.from({ length: 8 }, async () => {
      while (next < spray) {
        const n = next++
        expect((await sendTo(`spray-${n}@attacker.test`)).status).toBe(200)
      }
    })
    await Promise.all(workers)
    const after = await sendTo(VICTIM)
    expect(after.status).toBe(429)
    expect(after.body.error_type).toBe('too_many_requests')
  }, 120_000)

  it('caps an address per hour across minute windows', async () => {
    // Start at the top of an hour so every send below falls in one hour window.
    h.clock.set(Date.UTC(2030, 0, 1, 10))
    let sent = 0
    while (sent + MAX_SENDS_PER_MINUTE <= MAX_SENDS_PER_HOUR) {
      expect(await sendMany(MAX_SENDS_PER_MINUTE, VICTIM)).not.toContain(429)
      sent += MAX_SENDS_PER_MINUTE
      h.clock.advance(60_000)
    }
    expect(await sendMany(MAX_SENDS_PER_HOUR - sent, VICTIM)).not.toContain(429)
    const capped = await sendTo(VICTIM)
    expect(capped.status).toBe(429)
    expect(capped.body.error_type).toBe('too_many_requests')
    h.clock.advance(60_000) // a fresh minute does not lift the hourly cap
    expect((await sendTo(VICTIM)).status).toBe(429)
    h.clock.set(Date.UTC(2030, 0, 1, 11)) // the next hour does
    expect((await sendTo(VICTIM)).status).toBe(200)
  })
})
