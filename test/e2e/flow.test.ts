// Each example (Express, Koa) end to end without a browser: every page a person sees, statuses, cookies and errors in words.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import type { RequestListener } from 'node:http'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import request from 'supertest'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { DEMO, DEMO_MFA } from '../../examples/shared/demo.js'
import { appOriginsFor } from '../../examples/shared/hosts.js'
import {
  CLEARED_COOKIES,
  type CookieJar,
  cookieNames,
  createCookieJar,
  sessionCookiePattern,
} from '../helpers/cookies.js'
import { seedOrganization } from '../helpers/stack.js'
import {
  EXAMPLES,
  type ExampleStack,
  organizationChoices,
  parseMailbox,
  startExample,
  textOf,
} from './example-stack.js'

const HTML = { accept: 'text/html' }
const ADA = 'ada@example.com'

describe.each(EXAMPLES)('the $name example', (example) => {
  let stack: ExampleStack
  beforeEach(async () => {
    stack = await startExample(example)
  })
  afterEach(async () => {
    await stack.close()
  })

  /** A form POST as a browser sends it, with the cookies in `cookie`; `app` defaults to the stack's. */
  const postForm = (
    path: string,
    body: Record<string, unknown> | string,
    cookie = '',
    app: RequestListener = stack.app,
  ) => request(app).post(path).set('cookie', cookie).type('form').send(body)

  /** Reads the newest code for `email` from the development mailbox page, as a person would. */
  async function codeFromMailbox(email: string, kind: string): Promise<string> {
    const mailbox = await request(stack.app).get('/dev/mailbox').set(HTML)
    expect(mailbox.status).toBe(200)
    const row = parseMailbox(mailbox.text).find((r) => r.to === email && r.kind === kind)
    if (row === undefined) throw new Error(`no ${kind} code for ${email} in the mailbox page`)
    return row.code
  }

  /** Sign-in page → code → organizations page. Returns the organizations page. */
  async function discover(jar: CookieJar, email: string, returnTo = '', formQuery = returnTo) {
    const sent = await postForm(`/login/send${returnTo}`, { email_address: email }, jar.header())
    expect(sent.status).toBe(200)
    expect(textOf(sent.text)).toContain(`If ${email} can sign in, we sent it a 6-digit code.`)
    expect(sent.text).toContain(`action="/login/code${formQuery}"`)
    const code = await codeFromMailbox(email, 'discovery')
    const organizations = await postForm(
      `/login/code${returnTo}`,
      { email_address: email, code },
      jar.header(),
    )
    expect(organizations.status).toBe(200)
    const set = jar.update(organizations)
    expect(set).toHaveLength(1)
    expect(set[0]).toMatch(
      /^stytch_intermediate_session=[A-Za-z0-9_%-]+; Max-Age=600; Path=\/; HttpOnly; SameSite=Lax$/,
    )
    return organizations
  }

  describe('page by page', () => {
    test('sign in, choose, dashboard, switch, create, organization login, log out', async () => {
      const { organizationId: globexId } = await seedOrganization(stack.local, 'globex', ADA, {
        organization_name: 'Globex',
      })
      const jar = createCookieJar()

      // 1. The sign-in page, with the demo hint and the development mailbox.
      const signIn = await request(stack.app).get('/login').set(HTML)
      expect(signIn.status).toBe(200)
      expect(signIn.headers['content-type']).toBe('text/html; charset=utf-8')
      expect(signIn.headers['content-security-policy']).toContain("default-src 'none'")
      expect(textOf(signIn.text)).toContain(
        `Try anything@example.com to join the demo organization, or ${DEMO_MFA.memberEmail} to sign in to ${DEMO_MFA.organizationName}, which asks for a second step.`,
      )
      expect(signIn.text).toContain('<form method="post" action="/login/send">')
      expect(signIn.text).toContain('href="/dev/mailbox"')

      // 2. The code, then the organizations this email may enter, in words.
      const organizations = await discover(jar, ADA)
      const text = textOf(organizations.text)
      expect(text).toContain(`Email verified: ${ADA}. Where do you want to go?`)
      expect(text).toContain(
        `${DEMO.organizationName} You can join: this organization accepts your email domain Join`,
      )
      expect(text).toContain('Globex You are a member Log in')
      expect(text).toContain('Or create a new organization')
      const choices = organizationChoices(organizations.text)
      expect(choices.map((c) => c.button)).toEqual(['Log in', 'Join'])

      // 3. Join the demo organization: 303 to the dashboard, session cookies, the step's cookie gone.
      const demo = choices.find((c) => c.button === 'Join')?.id ?? ''
      const joined = await postForm('/login/organization', { organization_id: demo }, jar.header())
      expect(joined.status).toBe(303)
      expect(joined.headers.location).toBe('/dashboard')
      const sessionCookies = jar.update(joined)
      expect(sessionCookies).toHaveLength(3)
      expect(sessionCookies[0]).toMatch(sessionCookiePattern('stytch_session'))
      expect(sessionCookies[1]).toMatch(sessionCookiePattern('stytch_session_jwt'))
      expect(sessionCookies[2]).toBe(CLEARED_COOKIES[2])
      expect(jar.names()).toEqual(['stytch_session', 'stytch_session_jwt'])

      const dashboard = await request(stack.app).get('/dashboard').set('cookie', jar.header())
      expect(dashboard.status).toBe(200)
      const board = textOf(dashboard.text)
      expect(board).toContain(`Email ${ADA}`)
      expect(board).toContain('Roles stytch_member')
      expect(board).toContain(`Organization ${DEMO.organizationName} (${DEMO.organizationSlug})`)
      const ends = new Date(stack.clock.now() + 60 * 60_000).toUTCString()
      expect(board).toContain(`Session ends ${ends} (in 60 minutes)`)
      expect(board).toContain('Globex You are a member Switch')

      // 4. Switch to Globex.
      const switched = await postForm('/switch', { organization_id: globexId }, jar.header())
      expect(switched.status).toBe(303)
      expect(switched.headers.location).toBe('/dashboard')
      expect(cookieNames(jar.update(switched))).toEqual([
        'stytch_session',
        'stytch_session_jwt',
        'stytch_intermediate_session',
      ])
      const onGlobex = textOf(
        (await request(stack.app).get('/dashboard').set('cookie', jar.header())).text,
      )
      expect(onGlobex).toContain('Organization Globex (globex)')
      expect(onGlobex).toContain(`${DEMO.organizationName} You are a member Switch`)

      // Create an organization: discovery again, then the create form.
      await discover(jar, ADA)
      const created = await postForm(
        '/login/create',
        { organization_name: 'Hopper Labs', organization_slug: 'hopper-labs' },
        jar.header(),
      )
      expect(created.status).toBe(303)
      expect(created.headers.location).toBe('/dashboard')
      jar.update(created)
      const onHopper = textOf(
        (await request(stack.app).get('/dashboard').set('cookie', jar.header())).text,
      )
      expect(onHopper).toContain('Organization Hopper Labs (hopper-labs)')
      expect(onHopper).toContain('Roles stytch_member, stytch_admin')

      // 5. The organization's own login page: organization email OTP.
      const orgLogin = await request(stack.app).get('/org/globex/login').set(HTML)
      expect(orgLogin.status).toBe(200)
      expect(textOf(orgLogin.text)).toContain('Sign in to globex')
      expect(orgLogin.text).toContain('<input type="hidden" name="organization_id" value="globex">')
      const orgSent = await postForm('/org/globex/login/send', {
        organization_id: 'globex',
        email_address: ADA,
      })
      expect(orgSent.status).toBe(200)
      expect(textOf(orgSent.text)).toContain('Check your email for globex')
      const orgCode = await codeFromMailbox(ADA, 'login')
      const orgIn = await postForm(
        '/org/globex/login/code',
        { organization_id: 'globex', email_address: ADA, code: orgCode },
        jar.header(),
      )
      expect(orgIn.status).toBe(303)
      expect(orgIn.headers.location).toBe('/dashboard')
      expect(jar.update(orgIn)[0]).toMatch(sessionCookiePattern('stytch_session'))
      const viaOrgLogin = await request(stack.app).get('/dashboard').set('cookie', jar.header())
      expect(textOf(viaOrgLogin.text)).toContain('Organization Globex (globex)')

      // Log out: every cookie cleared, the session revoked upstream.
      const stale = jar.header()
      const loggedOut = await postForm('/logout', '', jar.header())
      expect(loggedOut.status).toBe(303)
      expect(loggedOut.headers.location).toBe('/login?logged_out=1')
      expect(jar.update(loggedOut)).toEqual(CLEARED_COOKIES)
      expect(jar.names()).toEqual([])
      // One revocation for the session the switch left, one for the logout.
      expect(stack.local.requestCount('POST /v1/b2b/sessions/revoke')).toBe(2)
      const after = await request(stack.app).get('/login?logged_out=1').set(HTML)
      expect(textOf(after.text)).toContain('You have been logged out.')

      // Logged out, the dashboard sends a browser to sign in and back.
      const away = await request(stack.app).get('/dashboard').set(HTML)
      expect(away.status).toBe(303)
      expect(away.headers.location).toBe('/login?return_to=%2Fdashboard')

      // Replaying the old cookies: the JWT still verifies locally for its few minutes, but the
      // dashboard's call to Stytch finds the session revoked, so no dashboard is shown.
      const replayed = await request(stack.app).get('/dashboard').set('cookie', stale)
      expect(replayed.status).toBeGreaterThanOrEqual(400)
      expect(textOf(replayed.text)).toContain('Your session is not valid Please sign in again.')
      expect(textOf(replayed.text)).not.toContain(ADA)
      expect(replayed.text).toContain('<a href="/login">Back to sign-in</a>')
    })

    test('a safe return_to is followed after sign-in; an unsafe one is ignored', async () => {
      const away = await request(stack.app).get('/dashboard?tab=members').set(HTML)
      expect(away.headers.location).toBe('/login?return_to=%2Fdashboard%3Ftab%3Dmembers')
      const signIn = await request(stack.app).get(away.headers.location as string)
      expect(signIn.text).toContain('action="/login/send?return_to=%2Fdashboard%3Ftab%3Dmembers"')

      const jar = createCookieJar()
      const returnTo = '?return_to=%2Fdashboard%3Ftab%3Dmembers'
      const organizations = await discover(jar, 'bo@example.com', returnTo)
      const [choice] = organizationChoices(organizations.text)
      expect(organizations.text).toContain(`action="/login/organization${returnTo}"`)
      const joined = await postForm(
        `/login/organization${returnTo}`,
        { organization_id: choice?.id },
        jar.header(),
      )
      expect(joined.status).toBe(303)
      expect(joined.headers.location).toBe('/dashboard?tab=members')

      for (const evil of ['https://evil.test/', '//evil.test/x', '/\\evil.test']) {
        const page = await request(stack.app).get(`/login?return_to=${encodeURIComponent(evil)}`)
        expect(page.text).toContain('action="/login/send"')
      }
      const jar2 = createCookieJar()
      const evilQuery = `?return_to=${encodeURIComponent('//evil.test/x')}`
      const list = await discover(jar2, 'cy@example.com', evilQuery, '')
      const entered = await postForm(
        `/login/organization${evilQuery}`,
        { organization_id: organizationChoices(list.text)[0]?.id },
        jar2.header(),
      )
      expect(entered.headers.location).toBe('/dashboard')
    })
  })

  describe('failures, in words, on the page they happened', () => {
    async function sendCode(email: string) {
      await postForm('/login/send', { email_address: email })
      return codeFromMailbox(email, 'discovery')
    }
    const tryCode = (email: string, code: string) =>
      postForm('/login/code', { email_address: email, code })

    test('a wrong code shows the code form again, with no cookie', async () => {
      const code = await sendCode(ADA)
      const wrong = await tryCode(ADA, code === '000000' ? '111111' : '000000')
      expect(wrong.status).toBe(404)
      expect(wrong.headers['set-cookie']).toBeUndefined()
      const text = textOf(wrong.text)
      expect(text).toContain('That code is not right')
      expect(text).toContain(`If ${ADA} can sign in`)
      expect(wrong.text).toContain(`<input type="hidden" name="email_address" value="${ADA}">`)
      expect(wrong.text).not.toContain(code)
    })

    test('an expired code and a used code say so', async () => {
      const code = await sendCode(ADA)
      stack.clock.advance(11 * 60_000)
      const expired = await tryCode(ADA, code)
      expect(expired.status).toBe(401)
      expect(textOf(expired.text)).toContain('That code has expired or was already used')

      const fresh = await sendCode(ADA)
      expect((await tryCode(ADA, fresh)).status).toBe(200)
      const reused = await tryCode(ADA, fresh)
      expect(textOf(reused.text)).toContain('That code has expired or was already used')
    })

    test('too many wrong codes lock the address', async () => {
      const code = await sendCode(ADA)
      const wrong = code === '000000' ? '111111' : '000000'
      let last = ''
      for (let attempt = 0; attempt < 12 && !last.includes('Too many wrong codes'); attempt++) {
        last = textOf((await tryCode(ADA, wrong)).text)
      }
      expect(last).toContain('Too many wrong codes')
      const right = await tryCode(ADA, code)
      expect(right.status).toBe(429)
      expect(textOf(right.text)).toContain('sign-in for this email address is paused')
    })

    test('invalid input and a taken slug re-show the form with what was typed', async () => {
      const bad = await postForm('/login/send', { email_address: 'not an email' })
      expect(bad.status).toBe(400)
      expect(textOf(bad.text)).toContain('Please check what you entered')
      expect(bad.text).toContain('value="not an email"')

      const jar = createCookieJar()
      await discover(jar, 'dee@example.com')
      const taken = await postForm(
        '/login/create',
        { organization_name: 'Mine', organization_slug: DEMO.organizationSlug },
        jar.header(),
      )
      expect(taken.status).toBe(400)
      expect(textOf(taken.text)).toContain('That organization address is taken')
      expect(taken.text).toContain('value="Mine"')
      expect(taken.text).toContain(`value="${DEMO.organizationSlug}"`)

      const unknownField = await postForm('/login/send', { email_address: ADA, remember_me: 'on' })
      expect(unknownField.status).toBe(400)
      expect(textOf(unknownField.text)).toContain('Unknown field "remember_me"')
    })

    test('an expired or missing sign-in step asks to start again', async () => {
      const missing = await postForm('/login/organization', {
        organization_id: DEMO.organizationSlug,
      })
      expect(missing.status).toBe(401)
      const text = textOf(missing.text)
      expect(text).toContain('Your sign-in step has expired')
      expect(missing.text).toContain('<a href="/login">Back to sign-in</a>')

      const jar = createCookieJar()
      await discover(jar, 'ed@example.com')
      const forged = await postForm(
        '/login/organization',
        { organization_id: DEMO.organizationSlug },
        'stytch_intermediate_session=forged-token',
      )
      expect(textOf(forged.text)).toContain('Your sign-in step has expired')
    })

    test('a form posted from another site is refused', async () => {
      const response = await request(stack.app)
        .post('/login/send')
        .set('sec-fetch-site', 'cross-site')
        .set('origin', 'https://evil.test')
        .type('form')
        .send({ email_address: ADA })
      expect(response.status).toBe(403)
      expect(textOf(response.text)).toContain('This form came from another site')
      expect(stack.local.outbox.list()).toEqual([])
    })

    test('Stytch unreachable: sign-in says so; the dashboard still shows the session', async () => {
      const jar = createCookieJar()
      const list = await discover(jar, 'fay@example.com')
      const joined = await postForm(
        '/login/organization',
        { organization_id: organizationChoices(list.text)[0]?.id },
        jar.header(),
      )
      jar.update(joined)
      expect((await request(stack.app).get('/dashboard').set('cookie', jar.header())).status).toBe(
        200,
      )

      await stack.close()
      const down = await postForm('/login/send', { email_address: ADA })
      expect(down.status).toBe(503)
      expect(textOf(down.text)).toContain('Sign-in is unavailable right now')
      expect(down.text).toContain(`value="${ADA}"`)

      const board = await request(stack.app).get('/dashboard').set('cookie', jar.header())
      expect(board.status).toBe(200)
      const text = textOf(board.text)
      expect(text).toContain('Email fay@example.com')
      expect(text).toContain('Your other organizations cannot be listed right now')
    })

    test('an organization that requires MFA asks for the second step', async () => {
      const { organizationId: fortId } = await seedOrganization(stack.local, 'fort-knox', ADA, {
        organization_name: 'Fort Knox',
        mfa_policy: 'REQUIRED_FOR_ALL',
      })
      const jar = createCookieJar()
      const list = await discover(jar, ADA)
      expect(textOf(list.text)).toContain(
        'Fort Knox You are a member · needs another sign-in method',
      )
      const entered = await postForm(
        '/login/organization',
        { organization_id: fortId },
        jar.header(),
      )
      expect(entered.status).toBe(200)
      const text = textOf(entered.text)
      expect(text).toContain('One more step')
      expect(text).toContain('Which phone should we use?')
      expect(text).toContain('Set up an authenticator app')
      expect(text).not.toContain('Recovery code')
      expect(entered.text).toContain('name="member_id" value="member-')
      // No session: the intermediate session is kept for the next factor.
      expect(cookieNames(jar.update(entered))).toEqual(['stytch_intermediate_session'])
      expect(jar.names()).toEqual(['stytch_intermediate_session'])
    })

    test('text from Stytch is escaped', async () => {
      await seedOrganization(stack.local, 'xss-org', ADA, {
        organization_name: '<img src=x onerror=alert(1)>',
      })
      const page = await discover(createCookieJar(), ADA)
      expect(page.text).not.toContain('<img src=x')
      expect(page.text).toContain('&lt;img src=x onerror=alert(1)&gt;')
    })
  })

  describe('with Stytch credentials (no local server handle)', () => {
    test('no development mailbox: no link, no route', async () => {
      const app = example.createApp({
        projectId: stack.local.projectId,
        secret: stack.local.secret,
        baseUrl: stack.local.url,
        now: stack.clock.now,
      })
      const signIn = await request(app).get('/login')
      expect(signIn.status).toBe(200)
      expect(signIn.text).not.toContain('/dev/mailbox')
      expect((await request(app).get('/dev/mailbox')).status).toBe(404)
      const sent = await postForm('/login/send', { email_address: ADA }, undefined, app)
      expect(sent.text).not.toContain('/dev/mailbox')
    })
  })

  describe('DNS rebinding: a foreign Host gets neither the mailbox nor a sign-in', () => {
    const APP = 'http://app.test:3000'
    const withAppOrigin = () =>
      example.createApp({
        projectId: stack.local.projectId,
        secret: stack.local.secret,
        baseUrl: stack.local.url,
        local: stack.local,
        now: stack.clock.now,
        appOrigin: APP,
      })

    test('without appOrigin the mailbox answers loopback host names only', async () => {
      await postForm('/login/send', { email_address: ADA })
      const code = stack.local.outbox.latest(ADA)?.code as string
      for (const host of ['evil.example', 'evil.example:3000', '127.0.0.1.evil.example']) {
        const page = await request(stack.app).get('/dev/mailbox').set('host', host).set(HTML)
        expect(page.status).toBe(403)
        expect(page.text).toBe("This page is only served under the app's own host name.")
        expect(page.text).not.toContain(code)
      }
      for (const host of ['localhost:3000', '127.0.0.1:3000', '[::1]:3000']) {
        const page = await request(stack.app).get('/dev/mailbox').set('host', host).set(HTML)
        expect(page.status).toBe(200)
        expect(page.text).toContain(code)
      }
    })

    test('with appOrigin: the mailbox answers only its host, sign-in only its Origin', async () => {
      const app = withAppOrigin()
      const rebound = await request(app)
        .post('/login/send')
        .set({ host: 'evil.example:3000', origin: 'http://evil.example:3000' })
        .type('form')
        .send({ email_address: ADA })
      expect(rebound.status).toBe(403)
      expect(textOf(rebound.text)).toContain('This form came from another site')
      expect(stack.local.outbox.list()).toEqual([])
      const own = await request(app)
        .post('/login/send')
        .set({ host: 'app.test:3000', origin: APP })
        .type('form')
        .send({ email_address: ADA })
      expect(own.status).toBe(200)
      const code = stack.local.outbox.latest(ADA)?.code as string
      for (const host of ['evil.example:3000', 'localhost:3000']) {
        const page = await request(app).get('/dev/mailbox').set('host', host)
        expect(page.status).toBe(403)
        expect(page.text).not.toContain(code)
      }
      const page = await request(app).get('/dev/mailbox').set('host', 'app.test:3000')
      expect(page.status).toBe(200)
      expect(page.text).toContain(code)
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
