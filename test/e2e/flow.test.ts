// Each example (Express, Koa) end to end without a browser, through the package's sign-in pages: every page a person sees, statuses, cookies, the mailbox, errors in words.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import request from 'supertest'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { DEMO, DEMO_MFA } from '../../examples/shared/demo.js'
import { appOriginsFor } from '../../examples/shared/hosts.js'
import { CLEARED_COOKIES, cookieNames, sessionCookiePattern } from '../helpers/cookies.js'
import { organizationIdOf, PAGE_HEADERS, type PageClient, pageClient } from '../helpers/pages.js'
import { seedOrganization } from '../helpers/stack.js'
import { EXAMPLES, type ExampleStack, parseMailbox, startExample, textOf } from './example-stack.js'

const ADA = 'ada@example.com'
const LOCKED = 'Too many wrong codes: sign-in is paused for a while to protect the account.'

describe.each(EXAMPLES)('the $name example', (example) => {
  let stack: ExampleStack
  let client: PageClient
  beforeEach(async () => {
    stack = await startExample(example)
    client = pageClient(stack.app)
  })
  afterEach(async () => {
    await stack.close()
  })

  /** Reads the newest code of `kind` for `to` on the development mailbox page, as a person would. */
  async function codeFromMailbox(to: string, kind: string, on = client): Promise<string> {
    const mailbox = await on.get('/auth/mailbox')
    expect(mailbox.status).toBe(200)
    const row = parseMailbox(mailbox.text).find((r) => r.to === to && r.kind === kind)
    if (row === undefined) throw new Error(`no ${kind} code for ${to} in the mailbox page`)
    return row.code
  }

  /** Email → code read from the mailbox → the organizations page (answered). */
  async function discover(email: string, returnTo?: string, on = client) {
    const form: Record<string, string> = { email_address: email }
    if (returnTo !== undefined) form.return_to = returnTo
    expect((await on.post('/auth/sign-in', form)).headers.location).toBe('/auth/sign-in/code')
    const codePage = await on.get('/auth/sign-in/code')
    expect(codePage.text).toContain('<a href="/auth/mailbox" target="_blank" rel="noopener">')
    const code = await codeFromMailbox(email, 'discovery', on)
    const checked = await on.post('/auth/sign-in/code', { code })
    expect(checked.headers.location).toBe('/auth/sign-in/organizations')
    return on.get('/auth/sign-in/organizations')
  }

  /** Discovery, then the first organization listed: the session cookies are in `on`'s jar. */
  async function signIn(email: string, on = client) {
    const list = await discover(email, undefined, on)
    const id = list.text.match(/name="organization_id" value="([^"]+)"/)?.[1] ?? ''
    const entered = await on.post('/auth/sign-in/organizations', { organization_id: id })
    expect(entered.headers.location).toBe('/dashboard')
  }

  const dashboardText = async () => textOf((await client.get('/dashboard')).text)

  test('sign in, choose, dashboard, switch, create, sign out, then an expired session in words', async () => {
    const { organizationId: globexId } = await seedOrganization(stack.local, 'globex', ADA, {
      organization_name: 'Globex',
    })
    // Signed out, a browser asking for the dashboard is sent to the package's sign-in page.
    const away = await client.get('/dashboard')
    expect(away.status).toBe(303)
    expect(away.headers.location).toBe('/auth/sign-in?return_to=%2Fdashboard')
    const signInPage = await client.get(away.headers.location as string)
    expect(signInPage.status).toBe(200)
    expect(signInPage.headers).toMatchObject(PAGE_HEADERS)
    expect(signInPage.text).toContain('<title>Sign in · Acme demo</title>')
    expect(textOf(signInPage.text)).toContain(
      `Demo: try anything@example.com to join ${DEMO.organizationName}, or ${DEMO_MFA.memberEmail} for ${DEMO_MFA.organizationName}, which asks for a second step.`,
    )
    // The demo's colours, in the pages' theme stylesheet (never inline: the CSP has no 'unsafe-inline').
    const themePath = signInPage.text.match(/href="(\/auth\/pages\/theme\.[^"]+\.css)"/)?.[1]
    const theme = await request(stack.app).get(themePath ?? '/missing')
    expect(theme.status).toBe(200)
    expect(theme.text).toContain('--sb-primary:#0f6b63')

    // A wrong code: back on the code page, in words, no session.
    await client.post('/auth/sign-in', { email_address: ADA, return_to: '/dashboard' })
    const code = await codeFromMailbox(ADA, 'discovery')
    const wrong = await client.post('/auth/sign-in/code', {
      code: code === '000000' ? '111111' : '000000',
    })
    expect(wrong.headers.location).toBe('/auth/sign-in/code')
    expect(cookieNames(wrong.headers['set-cookie'] as unknown as string[])).toEqual([
      'stytch_pages_flow',
    ])
    expect(textOf((await client.get('/auth/sign-in/code')).text)).toContain(
      'That code is not right. Check the latest code and try again.',
    )
    await client.post('/auth/sign-in/code', { code })
    const organizations = await client.get('/auth/sign-in/organizations')
    const text = textOf(organizations.text)
    expect(text).toContain(`${DEMO.organizationName} You can join with your email domain Join`)
    expect(text).toContain('Globex You are a member Continue')

    // Join the demo organization: 303 back to the page asked for, with the session cookies.
    const demoId = organizationIdOf(organizations.text, DEMO.organizationName)
    const joined = await client.post('/auth/sign-in/organizations', { organization_id: demoId })
    expect(joined.headers.location).toBe('/dashboard')
    const set = joined.headers['set-cookie'] as unknown as string[]
    expect(set[0]).toMatch(sessionCookiePattern('stytch_session'))
    expect(set[1]).toMatch(sessionCookiePattern('stytch_session_jwt'))
    expect(client.jar.names()).toEqual(['stytch_session', 'stytch_session_jwt'])

    const dashboard = await client.get('/dashboard')
    expect(dashboard.status).toBe(200)
    const board = textOf(dashboard.text)
    expect(board).toContain(
      `Email ${ADA} Organization ${DEMO.organizationSlug} Roles stytch_member`,
    )
    const ends = new Date(stack.clock.now() + 60 * 60_000).toUTCString()
    expect(board).toContain(`Session ends ${ends} (in 60 minutes)`)
    // The header links to the pages' switch and sign-out routes.
    expect(dashboard.text).toContain('<a href="/auth/switch-organization">Switch organization</a>')
    expect(dashboard.text).toContain('<form method="post" action="/auth/sign-out">')

    // Switch to Globex on the pages' switch page.
    const switchPage = await client.get('/auth/switch-organization')
    expect(textOf(switchPage.text)).toContain(
      `${DEMO.organizationName} You are a member Current organization`,
    )
    const switched = await client.post('/auth/switch-organization', { organization_id: globexId })
    expect(switched.headers.location).toBe('/dashboard')
    expect(await dashboardText()).toContain('Organization globex')

    // Create an organization: discovery again, then the create form.
    await discover(ADA)
    const created = await client.post('/auth/sign-in/organizations/new', {
      organization_name: 'Hopper Labs',
      organization_slug: 'hopper-labs',
    })
    expect(created.headers.location).toBe('/dashboard')
    const onHopper = await dashboardText()
    expect(onHopper).toContain('Organization hopper-labs Roles stytch_member, stytch_admin')

    // Sign out: every cookie cleared, the session revoked upstream, said on the sign-in page.
    const stale = client.jar.header()
    const revokes = stack.local.requestCount('POST /v1/b2b/sessions/revoke')
    const signedOut = await client.post('/auth/sign-out', {})
    expect(signedOut.headers.location).toBe('/auth/sign-in')
    expect(signedOut.headers['set-cookie']).toEqual([
      ...CLEARED_COOKIES,
      expect.stringMatching(/^stytch_pages_flow=f1\./),
    ])
    expect(stack.local.requestCount('POST /v1/b2b/sessions/revoke')).toBe(revokes + 1)
    expect(textOf((await client.get('/auth/sign-in')).text)).toContain('You have been signed out.')
    expect(client.jar.names()).not.toContain('stytch_session')
    expect(client.jar.names()).not.toContain('stytch_session_jwt')

    // The old cookies: once their 5-minute JWT has expired, the revoked session cannot be
    // refreshed, and the browser is told why instead of silently sent away.
    stack.clock.advance(6 * 60_000)
    const replayed = await request(stack.app)
      .get('/dashboard')
      .set({ accept: 'text/html', cookie: stale })
    expect(replayed.status).toBe(303)
    expect(replayed.headers.location).toBe('/auth/sign-in?return_to=%2Fdashboard&reason=expired')
    const expired = await request(stack.app).get(replayed.headers.location as string)
    expect(textOf(expired.text)).toContain('Your session expired. Sign in again.')
  })

  test('too many wrong codes lock the address: said on the code page, and the right code is refused', async () => {
    await client.post('/auth/sign-in', { email_address: ADA })
    const code = await codeFromMailbox(ADA, 'discovery')
    const wrong = code === '000000' ? '111111' : '000000'
    let page = ''
    for (let attempt = 0; attempt < 12 && !page.includes(LOCKED); attempt++) {
      await client.post('/auth/sign-in/code', { code: wrong })
      page = textOf((await client.get('/auth/sign-in/code')).text)
    }
    expect(page).toContain(LOCKED)
    const right = await client.post('/auth/sign-in/code', { code })
    expect(right.headers.location).toBe('/auth/sign-in/code')
    expect(textOf((await client.get('/auth/sign-in/code')).text)).toContain(LOCKED)
    expect(client.jar.names()).toEqual(['stytch_pages_flow'])
  })

  test('a settings page sends to sign-in and back; an unsafe return_to lands on the dashboard', async () => {
    const away = await client.get('/settings/members')
    expect(away.headers.location).toBe('/auth/sign-in?return_to=%2Fsettings%2Fmembers')
    const list = await discover('bo@example.com', '/settings/members')
    const id = organizationIdOf(list.text, DEMO.organizationName)
    const joined = await client.post('/auth/sign-in/organizations', { organization_id: id })
    expect(joined.headers.location).toBe('/settings/members')
    expect((await client.get('/settings/members')).status).toBe(200)

    const other = pageClient(stack.app)
    const evil = await discover('cy@example.com', '//evil.test/x', other)
    const entered = await other.post('/auth/sign-in/organizations', {
      organization_id: organizationIdOf(evil.text, DEMO.organizationName),
    })
    expect(entered.headers.location).toBe('/dashboard')
  })

  test('an organization that requires MFA asks for the second step, with the mailbox', async () => {
    const list = await discover(DEMO_MFA.memberEmail)
    const id = organizationIdOf(list.text, DEMO_MFA.organizationName)
    const entered = await client.post('/auth/sign-in/organizations', { organization_id: id })
    expect(entered.headers.location).toBe('/auth/sign-in/mfa')
    // No session yet: the intermediate session is kept for the second factor.
    expect(client.jar.names()).toEqual(['stytch_intermediate_session', 'stytch_pages_flow'])
    const mfa = textOf((await client.get('/auth/sign-in/mfa')).text)
    expect(mfa).toContain('One more step')
    expect(mfa).toContain('Set up an authenticator app')
    await client.post('/auth/sign-in/mfa/sms/send', { mfa_phone_number: '+15555550123' })
    const smsPage = await client.get('/auth/sign-in/mfa/sms')
    expect(smsPage.text).toContain('<a href="/auth/mailbox" target="_blank" rel="noopener">')
    const texted = await codeFromMailbox('+15555550123', 'sms')
    const verified = await client.post('/auth/sign-in/mfa/sms', { code: texted })
    expect(verified.headers.location).toBe('/dashboard')
    expect(await dashboardText()).toContain(`Email ${DEMO_MFA.memberEmail}`)
  })

  test('Stytch unreachable: the dashboard still shows the session; sign-in says so', async () => {
    await signIn('fay@example.com')
    // The first signed-in request fetches the signing keys; after that, no call to Stytch.
    expect((await client.get('/dashboard')).status).toBe(200)
    await stack.close()
    expect(await dashboardText()).toContain('Email fay@example.com')
    const other = pageClient(stack.app)
    await other.post('/auth/sign-in', { email_address: ADA })
    const page = textOf((await other.get('/auth/sign-in')).text)
    expect(page).toContain('Sign-in is unavailable right now. Try again in a moment.')
  })

  test('a settings form posted from another site is refused before anything runs', async () => {
    await signIn(DEMO.memberEmail)
    const before = stack.local.requestCount('PUT /v1/b2b/organizations/:organization_id')
    const forged = await request(stack.app)
      .post('/settings/organization/name')
      .set({
        cookie: client.jar.header(),
        'sec-fetch-site': 'cross-site',
        origin: 'https://evil.test',
      })
      .type('form')
      .send({ organization_name: 'Pwned' })
    expect(forged.status).toBe(403)
    expect(textOf(forged.text)).toContain('This form came from another site')
    expect(stack.local.requestCount('PUT /v1/b2b/organizations/:organization_id')).toBe(before)
  })

  describe('the development mailbox', () => {
    const credentials = () => ({
      projectId: stack.local.projectId,
      secret: stack.local.secret,
      baseUrl: stack.local.url,
      now: stack.clock.now,
    })

    test('with Stytch credentials and no local server handle: no link, no route', async () => {
      const app = example.createApp(credentials())
      const plain = pageClient(app)
      await plain.post('/auth/sign-in', { email_address: ADA })
      const codePage = await plain.get('/auth/sign-in/code')
      expect(codePage.status).toBe(200)
      expect(codePage.text).not.toContain('mailbox')
      expect((await plain.get('/auth/mailbox')).status).toBe(404)
    })

    test("never next to Stytch: a local server handle with Stytch's URL fails at start-up", () => {
      const withStytch = {
        ...credentials(),
        baseUrl: 'https://test.stytch.com',
        local: stack.local,
      }
      expect(() => example.createApp(withStytch)).toThrow(
        '"pages.mailbox" must be the local server at "baseUrl"',
      )
    })

    test("DNS rebinding: only the app's own host names read it", async () => {
      await client.post('/auth/sign-in', { email_address: ADA })
      const code = stack.local.outbox.latest(ADA)?.code as string
      for (const host of ['evil.example', 'evil.example:3000', '127.0.0.1.evil.example']) {
        const page = await client.get('/auth/mailbox', { host })
        expect(page.status).toBe(403)
        expect(page.text).not.toContain(code)
      }
      for (const host of ['localhost:3000', '127.0.0.1:3000', '[::1]:3000']) {
        expect((await client.get('/auth/mailbox', { host })).text).toContain(code)
      }
      const app = example.createApp({
        ...credentials(),
        local: stack.local,
        appOrigin: 'http://app.test:3000',
      })
      for (const host of ['evil.example:3000', 'localhost:3000']) {
        expect((await request(app).get('/auth/mailbox').set('host', host)).status).toBe(403)
      }
      const own = await request(app).get('/auth/mailbox').set('host', 'app.test:3000')
      expect(own.text).toContain(code)
    })
  })
})

describe('appOriginsFor: the origins serveExample() gives the examples', () => {
  test('from the listen address, or APP_ORIGIN', () => {
    expect(appOriginsFor('127.0.0.1', 3000, {})).toEqual([
      'http://localhost:3000',
      'http://127.0.0.1:3000',
    ])
    expect(appOriginsFor('0.0.0.0', 8080, {})).toEqual([
      'http://localhost:8080',
      'http://127.0.0.1:8080',
    ])
    expect(appOriginsFor('192.168.1.5', 3000, {})).toEqual(['http://192.168.1.5:3000'])
    expect(
      appOriginsFor('127.0.0.1', 3000, {
        APP_ORIGIN: 'https://app.example.com, https://b.example',
      }),
    ).toEqual(['https://app.example.com', 'https://b.example'])
  })
})

describe('main.ts on a busy port: one line naming the port and PORT=, exit 1, no stack trace', () => {
  const root = new URL('../../', import.meta.url).pathname
  let dir: string
  let busy: Server
  let port: number
  let proc: ChildProcess | undefined
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'example-busy-port-'))
    busy = createServer()
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
    port = (busy.address() as { port: number }).port
  })
  afterEach(async () => {
    if (proc?.exitCode === null) proc.kill('SIGKILL')
    proc = undefined
    await new Promise((resolve) => busy.close(resolve))
    await rm(dir, { recursive: true, force: true })
  })

  test.each([
    { name: 'Express', main: 'examples/express/main.ts', command: 'npm start' },
    { name: 'Koa', main: 'examples/koa/main.ts', command: 'npm run start:koa' },
  ])(
    'the $name example',
    async ({ main, command }) => {
      // As `npm start` runs it, but on the sources (the root tsconfig's paths), in a scratch directory.
      const child = spawn(
        join(root, 'node_modules/.bin/tsx'),
        ['--tsconfig', join(root, 'tsconfig.json'), join(root, main)],
        {
          cwd: dir,
          env: {
            ...process.env,
            PORT: String(port),
            HOST: '127.0.0.1',
            STYTCH_PROJECT_ID: '',
            STYTCH_SECRET: '',
            STYTCH_LOCAL_DATA_DIR: join(dir, 'data'),
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
      proc = child
      let stderr = ''
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString()
      })
      child.stdout.resume()
      const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve))
      expect(exitCode).toBe(1)
      expect(stderr.trimEnd().split('\n')).toEqual([
        `Port ${port} on 127.0.0.1 is already in use (another app, or this example already running): stop it, or pick another port, e.g. PORT=3001 ${command}`,
      ])
    },
    30_000,
  )
})
