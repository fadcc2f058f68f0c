// The pages' options over HTTP: locale from Accept-Language (and to Stytch), forced locale, messages, theme stylesheet, logo, layout, Stytch down, the development mailbox (embedded server, or pages.mailbox).
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import request from 'supertest'
import { afterEach, describe, expect, test } from 'vitest'
import type { StytchB2BOptions } from '../../src/index.js'
import { startLocalServer } from '../../src/local-server/index.js'
import { PAGE_HEADERS, type PageClient, pageClient } from '../helpers/pages.js'
import { EXPRESS, type TestApp, useStack } from '../helpers/stack.js'

const QUIET = { info() {}, warn() {} }

describe('locales', () => {
  const stack = useStack(EXPRESS, { pages: true }, { scope: 'all' })

  test.each([
    ['fr-CA,fr;q=0.9,en;q=0.5', 'fr', 'Se connecter'],
    ['pt', 'pt-BR', 'Entrar'],
    ['pt-BR', 'pt-BR', 'Entrar'],
    ['de-DE, es;q=0.5', 'es', 'Iniciar sesión'],
    ['es;q=0, fr;q=0.4, en;q=0.3', 'fr', 'Se connecter'],
    ['en-GB', 'en', 'Sign in'],
    ['*', 'en', 'Sign in'],
    ['', 'en', 'Sign in'],
  ])('Accept-Language %j: lang=%j', async (header, lang, title) => {
    const page = await request(stack.app).get('/auth/sign-in').set('accept-language', header)
    expect(page.headers.vary).toBe('Accept-Language')
    expect(page.text).toContain(`<html lang="${lang}">`)
    expect(page.text).toContain(`<h1>${title}</h1>`)
  })

  test('an error is shown in the chosen language', async () => {
    const client = pageClient(stack.app, { 'accept-language': 'fr' })
    await client.post('/auth/sign-in', { email_address: 'x' })
    const page = await client.get('/auth/sign-in')
    expect(page.text).toContain('Saisissez une adresse e-mail comme nom@entreprise.com.')
  })
})

describe('against a fake Stytch that records what it is sent', () => {
  const bodies: Array<Record<string, unknown>> = []
  let status = 200
  let close: (() => Promise<void>) | undefined
  afterEach(async () => {
    await close?.()
    bodies.length = 0
  })
  async function appOn(options: StytchB2BOptions): Promise<TestApp> {
    const server = createServer((req, res) => {
      let text = ''
      req.on('data', (chunk) => {
        text += chunk
      })
      req.on('end', () => {
        bodies.push(JSON.parse(text || '{}'))
        res.writeHead(status, { 'content-type': 'application/json' }).end('{"request_id":"r"}')
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    close = () => new Promise((resolve) => server.close(() => resolve()))
    return EXPRESS.createApp({
      projectId: 'project-test-00000000-0000-0000-0000-000000000000',
      secret: 'secret-test',
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      logger: QUIET,
      ...options,
    })
  }

  test('the locale of the page goes to Stytch with the code', async () => {
    const app = await appOn({ pages: true })
    const client = pageClient(app.app, { 'accept-language': 'pt-BR' })
    await client.post('/auth/sign-in', { email_address: 'ana@example.com' })
    expect(bodies).toEqual([{ email_address: 'ana@example.com', locale: 'pt-br' }])
  })

  test('pages.locale wins over Accept-Language', async () => {
    const app = await appOn({ pages: { locale: 'es' } })
    const client = pageClient(app.app, { 'accept-language': 'fr' })
    expect((await client.get('/auth/sign-in')).text).toContain('<html lang="es">')
    await client.post('/auth/sign-in', { email_address: 'ana@example.com' })
    expect(bodies[0]?.locale).toBe('es')
  })

  test('Stytch unavailable: the sign-in page says so, the address kept', async () => {
    status = 503
    const app = await appOn({ pages: true })
    const client = pageClient(app.app)
    await client.post('/auth/sign-in', { email_address: 'ana@example.com' })
    const page = await client.get('/auth/sign-in')
    expect(page.text).toContain('Sign-in is unavailable right now.')
    expect(page.text).toContain('value="ana@example.com"')
  })

  test('rate limited: the sign-in page says so, and the address is not sent again', async () => {
    const app = await appOn({
      pages: true,
      rateLimits: { sendsPerEmail: { max: 1, windowSeconds: 600 } },
    })
    const client = pageClient(app.app)
    await client.post('/auth/sign-in', { email_address: 'ana@example.com' })
    const again = await client.post('/auth/sign-in', { email_address: 'ana@example.com' })
    expect(again.headers.location).toBe('/auth/sign-in')
    expect((await client.get('/auth/sign-in')).text).toContain(
      'Too many attempts. Wait a minute, then try again.',
    )
    expect(bodies).toHaveLength(1)
  })

  test('theme, host stylesheet, logo, product name, messages and layout', async () => {
    const app = await appOn({
      pages: {
        productName: 'Hopper <Labs>',
        logoUrl: 'https://cdn.example/logo.svg',
        stylesheetUrl: 'https://cdn.example/brand.css',
        theme: { primaryColor: '#123456', fontFamily: '"Inter", system-ui, sans-serif' },
        messages: { en: { 'signIn.title': 'Welcome <back>' } },
        layout: (content, context) =>
          `<div class="host">${content}<footer>${context.locale}</footer></div>`,
      },
    })
    const page = await request(app.app).get('/auth/sign-in')
    expect(page.headers['content-security-policy']).toBe(
      PAGE_HEADERS['content-security-policy'].replace(
        "style-src 'self'",
        "style-src 'self' https://cdn.example",
      ),
    )
    const links = [...page.text.matchAll(/<link rel="stylesheet" href="([^"]+)">/g)].map(
      (m) => m[1],
    )
    expect(links).toEqual([
      expect.stringMatching(/^\/auth\/pages\/style\.[0-9a-f]{12}\.css$/),
      expect.stringMatching(/^\/auth\/pages\/theme\.[0-9a-f]{12}\.css$/),
      'https://cdn.example/brand.css',
    ])
    const theme = await request(app.app).get(links[1] as string)
    expect(theme.text).toBe(
      ':root{--sb-primary:#123456;--sb-font:"Inter", system-ui, sans-serif}\n',
    )
    expect(theme.headers['content-type']).toBe('text/css; charset=utf-8')
    expect(page.text).toContain('<title>Welcome &lt;back&gt; · Hopper &lt;Labs&gt;</title>')
    expect(page.text).toContain('<div class="host"><h1>Welcome &lt;back&gt;</h1>')
    expect(page.text).toContain('<footer>en</footer></div>')
    const plain = await appOn({ pages: { logoUrl: '/logo.png', productName: 'Hopper' } })
    expect((await request(plain.app).get('/auth/sign-in')).text).toContain(
      '<img class="sb-logo" src="/logo.png" alt="Hopper">',
    )
  })
})

/**
 * Asks for a code; the code page links the mailbox, which lists it under our host and answers a
 * foreign Host (DNS rebinding) 403 without it. Returns the code.
 */
async function codeThroughMailbox(client: PageClient): Promise<string> {
  await client.post('/auth/sign-in', { email_address: 'ada@example.com' })
  const codePage = await client.get('/auth/sign-in/code')
  expect(codePage.text).toContain('<a href="/auth/mailbox" target="_blank" rel="noopener">')
  const mailbox = await client.get('/auth/mailbox')
  expect(mailbox.status).toBe(200)
  expect(mailbox.headers).toMatchObject(PAGE_HEADERS)
  const code = mailbox.text.match(/<td>ada@example\.com<\/td><td><code>(\d{6})<\/code>/)?.[1]
  expect(code).toMatch(/^\d{6}$/)
  const rebound = await client.get('/auth/mailbox', { host: 'evil.example' })
  expect(rebound.status).toBe(403)
  expect(rebound.text).not.toContain(code)
  return code as string
}

describe('the development mailbox of the embedded server', () => {
  const apps: TestApp[] = []
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.auth.close()
  })

  test('lists the codes, is linked from the code page, and refuses a foreign Host', async () => {
    const app = EXPRESS.createApp({ pages: true, localDataDir: false, logger: QUIET })
    apps.push(app)
    const client = pageClient(app.app)
    const code = await codeThroughMailbox(client)
    const checked = await client.post('/auth/sign-in/code', { code })
    expect(checked.headers.location).toBe('/auth/sign-in/organizations')
  })

  test('with appOrigin, only its host', async () => {
    const app = EXPRESS.createApp({
      pages: true,
      localDataDir: false,
      logger: QUIET,
      appOrigin: 'https://app.example',
    })
    apps.push(app)
    expect((await request(app.app).get('/auth/mailbox').set('host', 'localhost')).status).toBe(403)
    expect((await request(app.app).get('/auth/mailbox').set('host', 'app.example')).status).toBe(
      200,
    )
  })
})

describe('pages.mailbox: a local server the app started itself', () => {
  const closing: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const close of closing.splice(0).reverse()) await close()
  })

  async function localServer() {
    const local = await startLocalServer()
    closing.push(() => local.close())
    return local
  }

  test('the code pages link to its mailbox, which lists its codes under our host only', async () => {
    const local = await localServer()
    const credentials = { projectId: local.projectId, secret: local.secret, baseUrl: local.url }
    const app = EXPRESS.createApp({ ...credentials, logger: QUIET, pages: { mailbox: local } })
    closing.push(() => app.auth.close())
    const code = await codeThroughMailbox(pageClient(app.app))
    expect(code).toBe(local.outbox.latest('ada@example.com')?.code)

    // The same server without the option: no link, no route.
    const plain = EXPRESS.createApp({ ...credentials, logger: QUIET, pages: true })
    closing.push(() => plain.auth.close())
    const plainClient = pageClient(plain.app)
    await plainClient.post('/auth/sign-in', { email_address: 'ada@example.com' })
    expect((await plainClient.get('/auth/sign-in/code')).text).not.toContain('mailbox')
    expect((await plainClient.get('/auth/mailbox')).status).toBe(404)
  })

  test('refused at start-up unless baseUrl is that server: never with Stytch', async () => {
    const local = await localServer()
    const refusal =
      '"pages.mailbox" must be the local server at "baseUrl" (with projectId and secret): never with Stytch'
    const withStytch = { projectId: 'project-test-11111111-1111-1111-1111-111111111111' }
    expect(() =>
      EXPRESS.createApp({ ...withStytch, secret: 'secret-x', pages: { mailbox: local } }),
    ).toThrow(refusal)
    expect(() =>
      EXPRESS.createApp({
        ...withStytch,
        secret: 'secret-x',
        baseUrl: 'http://127.0.0.1:1',
        pages: { mailbox: local },
      }),
    ).toThrow(refusal)
    expect(() =>
      EXPRESS.createApp({ localDataDir: false, logger: QUIET, pages: { mailbox: local } }),
    ).toThrow(refusal)
    const fake = { url: local.url, outbox: 'codes' } as unknown as typeof local
    expect(() =>
      EXPRESS.createApp({
        ...withStytch,
        secret: 'x',
        baseUrl: local.url,
        pages: { mailbox: fake },
      }),
    ).toThrow('"pages.mailbox" must be a local server (startLocalServer())')
  })
})
