// The organization guard: organizationId matches ids only, so no slug an attacker picks can pass another organization's guard.
import request from 'supertest'
import { beforeEach, describe, expect, test } from 'vitest'
import { cookieHeader, setCookiesOf } from '../helpers/cookies.js'
import {
  ADAPTERS,
  discover,
  type SeededOrganization,
  seedOrganization,
  signIn,
  useStack,
} from '../helpers/stack.js'

describe.each(ADAPTERS)('$name', (adapter) => {
  const stack = useStack(adapter, {}, { seed: { acme: 'ada@acme.test' } })
  let victim: SeededOrganization
  let runs = 0
  beforeEach(async () => {
    victim = await seedOrganization(stack.local, 'victim-corp', 'vera@victim.test')
    runs = 0
    stack.get('/victim/admin', { organizationId: victim.organizationId }, () => {
      runs++
      return 'victim data'
    })
  })

  test('a member of another organization gets 403 and the handler never runs', async () => {
    const eve = await signIn(stack, 'ada@acme.test', 'acme')
    const response = await request(stack.app).get('/victim/admin').set('cookie', eve.cookie)
    expect(response.status).toBe(403)
    expect(response.body.error.code).toBe('ERR_ORGANIZATION_FORBIDDEN')
    expect(runs).toBe(0)
  })

  test('organizationId never matches a slug: a guard written with a slug lets nobody in', async () => {
    stack.get('/by-slug-in-id', { organizationId: 'acme' }, () => 'acme data')
    const ada = await signIn(stack, 'ada@acme.test', 'acme')
    const response = await request(stack.app).get('/by-slug-in-id').set('cookie', ada.cookie)
    expect(response.status).toBe(403)
    expect(response.body.error.code).toBe('ERR_ORGANIZATION_FORBIDDEN')
  })

  test('organizationSlug matches slugs (and only slugs)', async () => {
    stack.get('/by-slug', { organizationSlug: 'acme' }, () => 'acme data')
    stack.get('/by-id-in-slug', { organizationSlug: victim.organizationId }, () => 'never')
    const ada = await signIn(stack, 'ada@acme.test', 'acme')
    const ok = await request(stack.app).get('/by-slug').set('cookie', ada.cookie)
    expect(ok.status).toBe(200)
    expect(ok.text).toBe('acme data')
    const vera = await signIn(stack, 'vera@victim.test', 'victim-corp')
    const refused = await request(stack.app).get('/by-id-in-slug').set('cookie', vera.cookie)
    expect(refused.status).toBe(403)
  })

  test("the attack: creating an organization whose slug is the victim's id is refused, and the guard holds", async () => {
    const discovered = await discover(stack, 'eve@evil.test')
    expect(discovered.status).toBe(200)
    const created = await request(stack.app)
      .post('/auth/discovery/organizations/create')
      .set('cookie', cookieHeader(setCookiesOf(discovered)))
      .send({ organization_name: 'Evil', organization_slug: victim.organizationId })
    expect(created.status).toBe(400)
    expect(created.body.error.code).toBe('ERR_INVALID_INPUT')
    expect(setCookiesOf(created)).toEqual([])
    expect(stack.upstream('POST /v1/b2b/discovery/organizations/create')).toBe(0)
    expect(runs).toBe(0)
  })

  test('an id-shaped slug is refused in any letter case', async () => {
    for (const slug of ['organization-test-x', 'ORGANIZATION-LIVE-123', 'Organization-Test-abc']) {
      const created = await request(stack.app)
        .post('/auth/discovery/organizations/create')
        .send({ organization_name: 'Evil', organization_slug: slug })
      expect(created.status).toBe(400)
      expect(created.body.error.code).toBe('ERR_INVALID_INPUT')
    }
  })
})
