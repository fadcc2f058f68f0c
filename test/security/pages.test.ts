// Attacks on the drop-in pages: open redirects through return_to, cross-site forms, forged or stale flow cookies, injected markup, theme values that leave their declaration, leaked codes and tokens.
import { createHmac } from 'node:crypto'
import request from 'supertest'
import { describe, expect, test } from 'vitest'
import { createAuth } from '../../src/index.js'
import { setCookiesOf } from '../helpers/cookies.js'
import {
  flowPayload,
  organizationIdOf,
  PAGE_HEADERS,
  pageClient,
  throughCode,
} from '../helpers/pages.js'
import { EXPRESS, latestCode, useStack } from '../helpers/stack.js'

const OPEN_REDIRECTS = [
  '//evil.example',
  '/\\evil.example',
  '/%5Cevil.example',
  'https://evil.example/',
  'javascript:alert(1)',
  '/.//evil.example',
  '/%2e//evil.example',
  '/x/..//evil.example',
  '/%2F%2Fevil.example',
  '/%252F%252Fevil.example',
  '/\t/evil.example',
  'evil.example',
]

describe('pages under attack', () => {
  const stack = useStack(
    EXPRESS,
    { pages: true },
    { scope: 'all', seed: { acme: 'ada@acme.test' } },
  )

  test.each(OPEN_REDIRECTS)('return_to %j is dropped from the form and the flow', async (evil) => {
    const client = pageClient(stack.app)
    const page = await client.get(`/auth/sign-in?return_to=${encodeURIComponent(evil)}`)
    expect(page.text).not.toContain('name="return_to"')
    // One address per value: each address may ask for 10 codes per 10 minutes.
    const email = `visitor${OPEN_REDIRECTS.indexOf(evil)}@example.test`
    const sent = await client.post('/auth/sign-in', { email_address: email, return_to: evil })
    expect(flowPayload(setCookiesOf(sent)[0])).toEqual({
      email,
      exp: expect.any(Number),
    })
  })

  test('a sign-in asked to return to //evil.example lands on afterSignIn; no code or token in any page or Location', async () => {
    const client = pageClient(stack.app)
    const organizations = await throughCode(stack, client, 'ada@acme.test', '//evil.example')
    const entered = await client.post('/auth/sign-in/organizations', {
      organization_id: organizationIdOf(organizations.text, 'acme Inc'),
    })
    expect(entered.headers.location).toBe('/')
    const secrets = [
      latestCode(stack.local, 'ada@acme.test'),
      ...client.seen.flatMap(setCookiesOf).map((line) => line.split(';')[0]?.split('=')[1] ?? ''),
    ].filter((value) => value.length >= 6 && !value.startsWith('f1.'))
    expect(secrets.length).toBeGreaterThanOrEqual(4)
    for (const response of client.seen) {
      for (const secret of secrets) {
        expect(response.text ?? '').not.toContain(secret)
        expect(response.headers.location ?? '').not.toContain(secret)
      }
    }
  })

  test('a switch asked to return to //evil.example lands on afterSignIn', async () => {
    const client = pageClient(stack.app)
    const organizations = await throughCode(stack, client, 'ada@acme.test')
    const organizationId = organizationIdOf(organizations.text, 'acme Inc')
    await client.post('/auth/sign-in/organizations', { organization_id: organizationId })
    const page = await client.get('/auth/switch-organization?return_to=%2F%2Fevil.example')
    expect(page.text).not.toContain('name="return_to"')
    const switched = await client.post('/auth/switch-organization', {
      organization_id: organizationId,
      return_to: '//evil.example',
    })
    expect(switched.headers.location).toBe('/')
  })

  test.each([
    [
      'Sec-Fetch-Site: cross-site',
      { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
    ],
    ['a foreign Origin without Fetch Metadata', { origin: 'https://evil.example' }],
  ])('a cross-site form (%s) is refused with a page, before any step', async (_name, headers) => {
    stack.local.resetRequestCounts()
    const response = await request(stack.app)
      .post('/auth/sign-in')
      .type('form')
      .set(headers)
      .send({ email_address: 'ada@acme.test' })
    expect(response.status).toBe(403)
    expect(response.headers).toMatchObject(PAGE_HEADERS)
    expect(response.text).toContain('This form was sent from another site, so it was refused.')
    expect(response.headers['set-cookie']).toBeUndefined()
    expect(stack.upstream('POST /v1/b2b/otps/email/discovery/send')).toBe(0)
  })

  test('a tampered, forged or stale flow cookie is ignored and the person starts over, told why', async () => {
    const client = pageClient(stack.app)
    const sent = await client.post('/auth/sign-in', { email_address: 'ada@acme.test' })
    const value = setCookiesOf(sent)[0]?.split(';')[0]?.split('=')[1] ?? ''
    const [version, payload, mac] = value.split('.') as [string, string, string]
    const changed = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(payload, 'base64url').toString()),
        email: 'eve@evil.example',
      }),
    ).toString('base64url')
    const forgedMac = createHmac('sha256', 'not-the-key')
      .update(`${version}.${changed}`)
      .digest('base64url')
    for (const cookie of [
      `${version}.${changed}.${mac}`,
      `${version}.${changed}.${forgedMac}`,
      'f1.x.y',
    ]) {
      const page = await request(stack.app)
        .get('/auth/sign-in/code')
        .set('cookie', `stytch_pages_flow=${cookie}`)
      expect(page.status).toBe(303)
      expect(page.headers.location).toBe('/auth/sign-in')
      const back = await request(stack.app)
        .get('/auth/sign-in')
        .set('cookie', `stytch_pages_flow=${cookie}`)
      expect(back.text).toContain('Your sign-in was interrupted or took too long.')
      expect(back.text).not.toContain('eve@evil.example')
      expect(setCookiesOf(back)).toEqual([
        'stytch_pages_flow=; Max-Age=0; Path=/auth; HttpOnly; SameSite=Lax',
      ])
    }
    // The genuine cookie, 16 minutes later: stale.
    stack.clock.advance(16 * 60_000)
    const stale = await client.get('/auth/sign-in/code')
    expect(stale.headers.location).toBe('/auth/sign-in')
  })

  test('markup in the email, an organization name, return_to or Accept-Language is escaped', async () => {
    const client = pageClient(stack.app, { 'accept-language': '"><script>alert(1)</script>' })
    await client.post('/auth/sign-in', {
      email_address: '"><script>alert(1)</script>@x.test',
      return_to: '/"><script>alert(1)</script>',
    })
    const page = await client.get('/auth/sign-in')
    expect(page.text).toContain('<html lang="en">')
    expect(page.text).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;@x.test"')
    expect(page.text).not.toContain('<script>')
    await throughCode(stack, client, 'grace@hopper.test', '/"><script>x</script>')
    const created = await client.post('/auth/sign-in/organizations/new', {
      organization_name: '<script>alert(1)</script>',
    })
    expect(created.headers.location).toBe('/%22%3E%3Cscript%3Ex%3C/script%3E')
    const switchPage = await client.get('/auth/switch-organization')
    expect(switchPage.text).toContain(
      'You are signed in as grace@hopper.test in &lt;script&gt;alert(1)&lt;/script&gt;.</p>',
    )
    expect(switchPage.text).not.toContain('<script>')
  })

  test('the development mailbox does not exist when talking to Stytch', async () => {
    const mailbox = await request(stack.app).get('/auth/mailbox')
    expect(mailbox.status).toBe(404)
  })
})

describe('pages options that could inject markup or CSS are refused at start-up', () => {
  test.each([
    ['primaryColor', 'red;} body{display:none'],
    ['primaryColor', 'red}'],
    ['backgroundColor', 'url(https://evil.example/x.png)'],
    ['textColor', '#fff</style><script>'],
    ['fontFamily', 'x; background:url(//evil.example)'],
    ['fontFamily', '"Inter'],
    ['borderRadius', '8px;color:red'],
    ['primaryColor', 'expression(alert(1))'],
  ])('theme.%s = %j', (key, value) => {
    expect(() => createAuth({ pages: { theme: { [key]: value } }, localDataDir: false })).toThrow(
      new RegExp(`^"pages\\.theme\\.${key}" must be`),
    )
  })

  test.each([
    ['logoUrl', 'javascript:alert(1)'],
    ['logoUrl', 'http://cdn.example/logo.png'],
    ['logoUrl', '//evil.example/logo.png'],
    ['stylesheetUrl', 'data:text/css,body{}'],
    ['stylesheetUrl', 'https://user:pw@cdn.example/x.css'],
    ['afterSignIn', 'https://evil.example'],
  ])('%s = %j', (key, value) => {
    expect(() => createAuth({ pages: { [key]: value }, localDataDir: false })).toThrow(
      new RegExp(`^"pages\\.${key}" must be`),
    )
  })

  test('messages: an unknown key or a changed placeholder', () => {
    expect(() =>
      createAuth({ pages: { messages: { en: { 'signIn.titel': 'x' } } }, localDataDir: false }),
    ).toThrow('"pages.messages.en.signIn.titel" is not a string of the pages')
    expect(() =>
      createAuth({
        pages: { messages: { fr: { 'code.intro': 'Code envoyé à {mail}' } } },
        localDataDir: false,
      }),
    ).toThrow('"pages.messages.fr.code.intro" must keep the placeholders')
  })
})
