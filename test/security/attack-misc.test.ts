// Attack: id-shaped slugs and the development outbox under a rebound Host; appOrigin against a rebound Origin.
// Each was found by an outside attack review; those that once failed are noted as regressions.
import { request as httpRequest } from 'node:http'
import request from 'supertest'
import { describe, expect, test } from 'vitest'
import { cookieHeader, setCookiesOf } from '../helpers/cookies.js'
import { ADAPTERS, discover, seedOrganization, useStackFactory } from '../helpers/stack.js'

describe.each(ADAPTERS)('$name', (adapter) => {
  const start = useStackFactory(adapter)

  // Regression (a hole once): the id-shaped-slug refusal only looks at an explicit organization_slug. Leave it out and
  // the slug is derived from the email domain's first label, which the attacker picks freely
  // (a domain like organization-test-<victim uuid>.com): the new organization's slug IS the
  // victim's id.
  test('an organization created without a slug must not get an id-shaped slug', async () => {
    const stack = await start()
    const victim = await seedOrganization(stack.local, 'victim-corp', 'vera@victim.test')
    const discovered = await discover(stack, `eve@${victim.organizationId}.test`)
    expect(discovered.status).toBe(200)
    const created = await request(stack.app)
      .post('/auth/discovery/organizations/create')
      .set('cookie', cookieHeader(setCookiesOf(discovered)))
      .send({ organization_name: 'Totally Legit' })
    expect(created.status).toBe(200)
    const session = await request(stack.app)
      .get('/auth/session')
      .set('cookie', cookieHeader(setCookiesOf(created)))
    const slug = session.body.organization.organizationSlug as string
    expect(slug, `slug ${slug} vs victim id ${victim.organizationId}`).not.toMatch(
      /^organization-(test|live)-/i,
    )
  })

  // Regression (a hole once): the examples refuse /dev/mailbox under a foreign Host, but the same
  // codes are served by the local Stytch server's /__local/outbox, with no credentials and no Host
  // check, on a loopback port a DNS-rebinding page can reach the same way.
  test('the local server outbox must refuse a rebound Host name', async () => {
    const stack = await start({}, { acme: 'ada@acme.test' })
    await request(stack.app)
      .post('/auth/otps/email/login_or_signup')
      .send({ organization_id: 'acme', email_address: 'ada@acme.test' })
    const url = new URL(`${stack.local.url}/__local/outbox`)
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          headers: { host: `rebind.evil.example:${url.port}` },
        },
        (res) => {
          let body = ''
          res.on('data', (chunk) => (body += chunk))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
        },
      )
      req.on('error', reject)
      req.end()
    })
    expect(answer.body).not.toContain(stack.local.outbox.latest('ada@acme.test')?.code as string)
    expect(answer.status).toBe(403)
  })

  // appOrigin refuses a rebound Origin even when the browser says same-origin.
  test('with appOrigin, a same-origin POST from a rebound host is refused', async () => {
    const stack = await start({ appOrigin: 'http://localhost:3000' })
    for (const origin of [
      'http://evil.example:3000',
      'http://LOCALHOST:3000',
      'http://localhost:3000.evil.example',
      'null',
      'http://localhost:3000/',
    ]) {
      const response = await request(stack.app)
        .post('/auth/sessions/revoke')
        .set('host', 'evil.example:3000')
        .set('origin', origin)
        .set('sec-fetch-site', 'same-origin')
      expect(response.status, origin).toBe(403)
    }
  })
})
