// The drop-in pages on both frameworks over real sockets: the whole sign-in, create, switch, sign out, errors shown on the form, requireSession's default redirect.
import request from 'supertest'
import { describe, expect, test } from 'vitest'
import { setCookiesOf } from '../helpers/cookies.js'
import { organizationIdOf, PAGE_HEADERS, pageClient, throughCode } from '../helpers/pages.js'
import { ADAPTERS, latestCode, seedOrganization, useStack } from '../helpers/stack.js'

const FLOW_COOKIE =
  /^stytch_pages_flow=f1\.[\w-]+\.[\w-]+; Max-Age=900; Path=\/auth; HttpOnly; SameSite=Lax$/

describe.each(ADAPTERS)('$name', (adapter) => {
  const stack = useStack(adapter, { pages: true }, { seed: { acme: 'ada@acme.test' } })

  test('a protected page sends the browser through email, code and organization back to return_to, signed in', async () => {
    const client = pageClient(stack.app)
    const start = await client.get('/protected')
    expect(start.status).toBe(303)
    expect(start.headers.location).toBe('/auth/sign-in?return_to=%2Fprotected')
    expect(stack.handlerRuns()).toBe(0)

    const signIn = await client.get(start.headers.location ?? '')
    expect(signIn.status).toBe(200)
    expect(signIn.headers).toMatchObject(PAGE_HEADERS)
    expect(signIn.text).toContain('<html lang="en">')
    expect(signIn.text).toContain('<input type="hidden" name="return_to" value="/protected">')
    expect(signIn.text.match(/<h1>/g)).toHaveLength(1)

    const sent = await client.post('/auth/sign-in', {
      email_address: 'ada@acme.test',
      return_to: '/protected',
    })
    expect(sent.headers.location).toBe('/auth/sign-in/code')
    expect(setCookiesOf(sent)).toEqual([expect.stringMatching(FLOW_COOKIE)])
    expect(sent.headers['referrer-policy']).toBe('no-referrer')

    const codePage = await client.get('/auth/sign-in/code')
    expect(codePage.headers).toMatchObject(PAGE_HEADERS)
    expect(codePage.text).toContain('If ada@acme.test can sign in, we sent it a 6-digit code.')
    expect(codePage.text).toContain('autocomplete="one-time-code" inputmode="numeric"')
    // Talking to Stytch (credentials set): no development mailbox.
    expect(codePage.text).not.toContain('/auth/mailbox')

    const code = latestCode(stack.local, 'ada@acme.test')
    const wrong = await client.post('/auth/sign-in/code', {
      code: code === '000000' ? '111111' : '000000',
    })
    expect(wrong.headers.location).toBe('/auth/sign-in/code')
    const again = await client.get('/auth/sign-in/code')
    expect(again.text).toContain('<div class="sb-alert" role="alert" tabindex="-1">')
    expect(again.text).toContain('That code is not right.')
    expect(again.text).toContain(
      'value="" required autocomplete="one-time-code" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" class="sb-code" spellcheck="false" aria-describedby="code-error" aria-invalid="true" autofocus>',
    )
    // Shown once: a reload shows the form without the error.
    expect((await client.get('/auth/sign-in/code')).text).not.toContain('sb-alert')

    const checked = await client.post('/auth/sign-in/code', { code })
    expect(checked.headers.location).toBe('/auth/sign-in/organizations')
    expect(setCookiesOf(checked).map((line) => line.split('=')[0])).toEqual([
      'stytch_intermediate_session',
      'stytch_pages_flow',
    ])

    // A single organization is still a choice the member makes.
    const organizations = await client.get('/auth/sign-in/organizations')
    expect(organizations.headers).toMatchObject(PAGE_HEADERS)
    expect(organizations.text).toContain('<strong>acme Inc</strong>')
    const entered = await client.post('/auth/sign-in/organizations', {
      organization_id: organizationIdOf(organizations.text, 'acme Inc'),
    })
    expect(entered.headers.location).toBe('/protected')
    expect(setCookiesOf(entered).map((line) => line.split('=')[0])).toEqual([
      'stytch_session',
      'stytch_session_jwt',
      'stytch_intermediate_session',
      'stytch_pages_flow',
    ])
    expect(setCookiesOf(entered)[3]).toBe(
      'stytch_pages_flow=; Max-Age=0; Path=/auth; HttpOnly; SameSite=Lax',
    )
    const landed = await client.get('/protected')
    expect(landed.status).toBe(200)
    expect(stack.handlerRuns()).toBe(1)
    // Signed in, the sign-in page says so.
    expect((await client.get('/auth/sign-in')).text).toContain(
      'You are signed in as ada@acme.test.',
    )
  })

  test('a refused email comes back in its field, marked invalid, with the summary linking to it', async () => {
    const client = pageClient(stack.app)
    await client.post('/auth/sign-in', { email_address: 'not an email' })
    const page = await client.get('/auth/sign-in')
    expect(page.text).toContain(
      '<a href="#email_address">Enter an email address such as name@company.com.</a>',
    )
    expect(page.text).toContain(
      '<input id="email_address" name="email_address" type="email" value="not an email" required autocomplete="email" aria-describedby="email_address-error" aria-invalid="true" autofocus>',
    )
    expect(stack.upstream('POST /v1/b2b/otps/email/discovery/send')).toBe(0)
  })

  test('an expired code is said to be expired, and a new one can be asked for on the same page', async () => {
    const client = pageClient(stack.app)
    await client.post('/auth/sign-in', { email_address: 'ada@acme.test' })
    stack.clock.advance(11 * 60_000)
    await client.post('/auth/sign-in/code', { code: latestCode(stack.local, 'ada@acme.test') })
    const page = await client.get('/auth/sign-in/code')
    expect(page.text).toContain('That code has expired or was already used. Ask for a new code.')
    const first = latestCode(stack.local, 'ada@acme.test')
    await client.post('/auth/sign-in', { email_address: 'ada@acme.test' })
    expect(latestCode(stack.local, 'ada@acme.test')).not.toBe(first)
    expect(page.text).toContain(
      '<input type="hidden" name="email_address" value="ada@acme.test">\n<button type="submit" class="sb-secondary">Send a new code</button>',
    )
  })

  test('creating an organization: a taken short name is marked with both values kept, then it signs in to afterSignIn', async () => {
    const client = pageClient(stack.app)
    await throughCode(stack, client, 'grace@hopper.test')
    await client.post('/auth/sign-in/organizations/new', {
      organization_name: 'Hopper Labs',
      organization_slug: 'acme',
    })
    const page = await client.get('/auth/sign-in/organizations')
    expect(page.text).toContain('Another organization already uses this short name.')
    expect(page.text).toContain('name="organization_name" type="text" value="Hopper Labs"')
    expect(page.text).toContain(
      'name="organization_slug" type="text" value="acme" autocomplete="off" aria-describedby="organization_slug-hint organization_slug-error" aria-invalid="true" autofocus>',
    )
    const created = await client.post('/auth/sign-in/organizations/new', {
      organization_name: 'Hopper Labs',
      organization_slug: 'hopper',
    })
    expect(created.headers.location).toBe('/')
    expect((await client.get('/protected')).status).toBe(200)
  })

  test('switch organization and sign out', async () => {
    await seedOrganization(stack.local, 'globex', 'ada@acme.test')
    const client = pageClient(stack.app)
    // Not signed in: sign in first, coming back to the switch page.
    const first = await client.get('/auth/switch-organization')
    expect(first.headers.location).toBe('/auth/sign-in?return_to=%2Fauth%2Fswitch-organization')
    const organizations = await throughCode(stack, client, 'ada@acme.test')
    await client.post('/auth/sign-in/organizations', {
      organization_id: organizationIdOf(organizations.text, 'acme Inc'),
    })
    const switchPage = await client.get('/auth/switch-organization?return_to=%2Fprotected')
    expect(switchPage.headers).toMatchObject(PAGE_HEADERS)
    expect(switchPage.text).toContain('<input type="hidden" name="return_to" value="/protected">')
    expect(switchPage.text).toContain('You are signed in as ada@acme.test in acme Inc.')
    expect(switchPage.text).toContain('<span class="sb-muted">Current organization</span>')
    const switched = await client.post('/auth/switch-organization', {
      organization_id: organizationIdOf(switchPage.text, 'globex Inc'),
      return_to: '/protected',
    })
    expect(switched.headers.location).toBe('/protected')
    const who = await request(stack.app).get('/protected').set('cookie', client.jar.header())
    expect(who.body.organizationId).toBe(organizationIdOf(switchPage.text, 'globex Inc'))

    const signOutPage = await client.get('/auth/sign-out')
    expect(signOutPage.text).toContain('<form method="post" action="/auth/sign-out">')
    const out = await client.post('/auth/sign-out', {})
    expect(out.headers.location).toBe('/auth/sign-in')
    expect(setCookiesOf(out).slice(0, 3)).toEqual([
      'stytch_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
      'stytch_session_jwt=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
      'stytch_intermediate_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
    ])
    const after = await client.get('/auth/sign-in')
    expect(after.text).toContain('<p class="sb-notice" role="status">You have been signed out.</p>')
    expect((await client.get('/protected')).status).toBe(303)
  })

  test('requireSession: an expired session says so on the sign-in page; JSON gets 401; redirectTo still wins', async () => {
    stack.get('/explicit', { redirectTo: '/login' }, () => 'explicit')
    const client = pageClient(stack.app)
    const organizations = await throughCode(stack, client, 'ada@acme.test')
    await client.post('/auth/sign-in/organizations', {
      organization_id: organizationIdOf(organizations.text, 'acme Inc'),
    })
    stack.clock.advance(61 * 60_000)
    const expired = await client.get('/protected')
    expect(expired.status).toBe(303)
    expect(expired.headers.location).toBe('/auth/sign-in?return_to=%2Fprotected&reason=expired')
    const page = await client.get(expired.headers.location ?? '')
    expect(page.text).toContain('Your session expired. Sign in again.')

    const json = await request(stack.app).get('/protected').set('accept', 'application/json')
    expect(json.status).toBe(401)
    expect(json.body.error.code).toBe('ERR_SESSION_MISSING')
    const explicit = await request(stack.app).get('/explicit').set('accept', 'text/html')
    expect(explicit.headers.location).toBe('/login?return_to=%2Fexplicit')
  })

  test('the stylesheet is served by content hash for a year; a page route answers 405 to another method', async () => {
    const page = await request(stack.app).get('/auth/sign-in')
    const href = page.text.match(/<link rel="stylesheet" href="([^"]+)">/)?.[1] ?? ''
    expect(href).toMatch(/^\/auth\/pages\/style\.[0-9a-f]{12}\.css$/)
    const css = await request(stack.app).get(href)
    expect(css.status).toBe(200)
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8')
    expect(css.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(css.text).toContain('background:var(--sb-background)')
    const wrongMethod = await request(stack.app).put('/auth/sign-in')
    expect(wrongMethod.status).toBe(405)
    expect(wrongMethod.headers.allow).toBe('GET, POST')
  })
})
