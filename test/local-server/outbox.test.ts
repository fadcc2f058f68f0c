// The outbox: in-process API and GET /__local/outbox (no auth), latest first, filtered by email.
import { describe, expect, it } from 'vitest'
import { callStytch } from '../helpers/local-api.js'
import { LOCAL_STORES } from '../helpers/local-stores.js'
import { createNamedOrganization, P, useHarness } from './fixtures.js'

describe.each(LOCAL_STORES)('$name store', (store) => {
  const h = useHarness(store)

  describe('outbox', () => {
    it('lists sent codes latest first, per address, over HTTP without credentials', async () => {
      const org = await createNamedOrganization(h, 'Acme', 'acme')
      h.local.seedMember({ organization_id: org.organization_id, email_address: 'a@acme.io' })
      await h.post(P.discoverySend, { email_address: 'A@acme.io' })
      h.clock.advance(1000)
      await h.post(P.loginOrSignup, { organization_id: 'acme', email_address: 'a@acme.io' })
      await h.post(P.discoverySend, { email_address: 'b@acme.io' })

      const res = await callStytch(
        h.local,
        'GET',
        '/__local/outbox?email_address=a@ACME.io',
        undefined,
        {
          authorization: null,
        },
      )
      expect(res.status).toBe(200)
      expect(res.body.messages).toEqual([
        {
          to: 'a@acme.io',
          kind: 'login',
          code: expect.stringMatching(/^\d{6}$/),
          organization_id: org.organization_id,
          sent_at: '2030-01-01T00:00:01Z',
        },
        {
          to: 'A@acme.io',
          kind: 'discovery',
          code: expect.stringMatching(/^\d{6}$/),
          organization_id: null,
          sent_at: '2030-01-01T00:00:00Z',
        },
      ])
      const all = await callStytch(h.local, 'GET', '/__local/outbox', undefined, {
        authorization: null,
      })
      expect(all.body.messages).toHaveLength(3)
      expect(h.local.outbox.latest('a@acme.io', 'discovery')?.to).toBe('A@acme.io')
      expect(h.local.outbox.list({ emailAddress: 'b@acme.io' })).toHaveLength(1)
      h.local.outbox.clear()
      expect(h.local.outbox.list()).toEqual([])
      const wrong = await callStytch(h.local, 'POST', '/__local/outbox', {})
      expect(wrong.status).toBe(405)
    })
  })
})
