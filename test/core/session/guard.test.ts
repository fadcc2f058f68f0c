// requireSession() options: organization and role requirements, and redirects for HTML navigations.
import request from 'supertest'
import { describe, expect, test, vi } from 'vitest'
import { ADAPTERS, seedOrganization, signIn, useStack } from '../../helpers/stack.js'

describe.each(ADAPTERS)('$name', (adapter) => {
  const stack = useStack(adapter)

  test('organization and role requirements, and redirects for HTML navigations', async () => {
    const acme = await seedOrganization(stack.local, 'acme', 'ada@acme.test')
    await seedOrganization(stack.local, 'beta')
    const ada = await signIn(stack, 'ada@acme.test', 'acme')
    const ran = vi.fn()
    const reply = () => {
      ran()
      return 'ok'
    }
    stack.get('/acme', { organizationId: [acme.organizationId] }, reply)
    stack.get('/beta', { organizationId: 'beta' }, reply)
    stack.get('/admin', { roles: ['stytch_admin'] }, reply)
    stack.get('/page', { redirectTo: '/login' }, reply)

    expect((await request(stack.app).get('/acme').set('cookie', ada.cookie)).status).toBe(200)
    const beta = await request(stack.app).get('/beta').set('cookie', ada.cookie)
    expect([beta.status, beta.body.error.code]).toEqual([403, 'ERR_ORGANIZATION_FORBIDDEN'])
    const admin = await request(stack.app).get('/admin').set('cookie', ada.cookie)
    expect([admin.status, admin.body.error.code]).toEqual([403, 'ERR_ROLE_FORBIDDEN'])
    expect(ran).toHaveBeenCalledTimes(1)

    const html = await request(stack.app).get('/page?tab=2').set('accept', 'text/html')
    expect(html.status).toBe(303)
    expect(html.headers.location).toBe('/login?return_to=%2Fpage%3Ftab%3D2')
    const json = await request(stack.app).get('/page').set('accept', 'application/json')
    expect(json.status).toBe(401)
    expect(ran).toHaveBeenCalledTimes(1)
  })
})
