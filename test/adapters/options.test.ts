// Options: validation at the factory call, credentials and environments, cookie policy, requireSession options, the embedded server.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import request from 'supertest'
import { afterEach, describe, expect, test, vi } from 'vitest'
import {
  ADAPTERS,
  cookieHeader,
  createStack,
  type Stack,
  seedOrganization,
  setCookiesOf,
  signIn,
} from '../helpers/stack.js'

describe.each(ADAPTERS)('$name', (adapter) => {
  const { stytchB2B, requireSession } = adapter
  let stack: Stack | undefined
  afterEach(async () => {
    await stack?.close()
    stack = undefined
    vi.unstubAllEnvs()
  })

  describe('options are validated once, naming the option', () => {
    test.each([
      [{ projectId: 'project-test-x' }, /"secret" is missing/],
      [{ projectId: 'nope', secret: 's' }, /"projectId"/],
      [{ projectId: 'project-test-x', secret: 's', baseUrl: 'ftp://x' }, /"baseUrl"/],
      [{ projectId: 'project-test-x', secret: 's', basePath: 'auth' }, /"basePath"/],
      [{ projectId: 'project-test-x', secret: 's', requestTimeoutMs: 0 }, /"requestTimeoutMs"/],
      [
        { projectId: 'project-test-x', secret: 's', sessionDurationMinutes: 4 },
        /"sessionDurationMinutes"/,
      ],
      [
        { projectId: 'project-test-x', secret: 's', trustedOrigins: ['https://a.example/path'] },
        /"trustedOrigins"/,
      ],
      [
        { projectId: 'project-test-x', secret: 's', cookies: { sameSite: 'none', secure: false } },
        /sameSite/,
      ],
      [
        { projectId: 'project-test-x', secret: 's', cookies: { sessionJwt: { name: '__Host-x' } } },
        /name/,
      ],
      [{ projectId: 'project-test-x', secret: 's', cookies: { path: 'x' } }, /path/],
    ] as const)('%j', (options, message) => {
      expect(() => stytchB2B(options as never)).toThrow(TypeError)
      expect(() => stytchB2B(options as never)).toThrow(message)
    })

    test('requireSession options are checked at the call', () => {
      expect(() => requireSession({ redirectTo: 'https://evil.example/login' })).toThrow(
        /"redirectTo"/,
      )
      expect(() => requireSession({ redirectTo: '//evil.example' })).toThrow(/"redirectTo"/)
      expect(() => requireSession({ roles: [] })).toThrow(/"roles"/)
    })

    test('missing credentials in production is a start-up error', () => {
      vi.stubEnv('NODE_ENV', 'production')
      vi.stubEnv('STYTCH_PROJECT_ID', '')
      vi.stubEnv('STYTCH_SECRET', '')
      expect(() => stytchB2B()).toThrow(/required in production/)
    })

    test('credentials come from the environment, and the base URL follows the project id', async () => {
      vi.stubEnv('STYTCH_PROJECT_ID', 'project-live-00000000-0000-4000-8000-000000000000')
      vi.stubEnv('STYTCH_SECRET', 'secret-live-x')
      const live = stytchB2B()
      expect(await live.auth.ready()).toEqual({
        projectId: 'project-live-00000000-0000-4000-8000-000000000000',
        baseUrl: 'https://api.stytch.com',
        embedded: false,
      })
      const test = stytchB2B({
        projectId: 'project-test-00000000-0000-4000-8000-000000000000',
        secret: 's',
      })
      expect((await test.auth.ready()).baseUrl).toBe('https://test.stytch.com')
    })
  })

  describe('without credentials outside production', () => {
    test('the embedded local server starts on first use and says so once', async () => {
      vi.stubEnv('NODE_ENV', 'development')
      vi.stubEnv('STYTCH_PROJECT_ID', '')
      vi.stubEnv('STYTCH_SECRET', '')
      const info = vi.fn()
      const router = adapter.createApp({ logger: { info, warn: vi.fn() }, localDataDir: false })
      const { app } = router
      try {
        const sent = await Promise.all([
          request(app).post('/auth/otps/email/discovery/send').send({ email_address: 'a@b.test' }),
          request(app).post('/auth/otps/email/discovery/send').send({ email_address: 'c@d.test' }),
        ])
        expect(sent.map((r) => r.status)).toEqual([200, 200])
        const { baseUrl, embedded } = await router.auth.ready()
        expect(embedded).toBe(true)
        expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
        expect(info).toHaveBeenCalledTimes(1)
        expect(info.mock.calls[0]?.[0]).toContain(baseUrl)
        const outbox = (await (
          await fetch(`${baseUrl}/__local/outbox?email_address=a@b.test`)
        ).json()) as {
          messages: { kind: string }[]
        }
        expect(outbox.messages[0]?.kind).toBe('discovery')
      } finally {
        await router.auth.close()
      }
    })

    test('with a data directory, a restart keeps the signed-in session (@see issue 8)', async () => {
      vi.stubEnv('NODE_ENV', 'development')
      vi.stubEnv('STYTCH_PROJECT_ID', '')
      vi.stubEnv('STYTCH_SECRET', '')
      const localDataDir = await mkdtemp(join(tmpdir(), 'stytch-embedded-'))
      const quiet = { info: vi.fn(), warn: vi.fn() }
      const first = adapter.createApp({ logger: quiet, localDataDir })
      let cookie: string
      try {
        await request(first.app)
          .post('/auth/otps/email/discovery/send')
          .send({ email_address: 'ada@acme.test' })
        const { baseUrl } = await first.auth.ready()
        const outbox = (await (
          await fetch(`${baseUrl}/__local/outbox?email_address=ada@acme.test`)
        ).json()) as {
          messages: { code: string }[]
        }
        const discovered = await request(first.app)
          .post('/auth/otps/email/discovery/authenticate')
          .send({ email_address: 'ada@acme.test', code: outbox.messages[0]?.code })
        const created = await request(first.app)
          .post('/auth/discovery/organizations/create')
          .set('cookie', cookieHeader(setCookiesOf(discovered)))
          .send({ organization_name: 'Acme', organization_slug: 'acme' })
        expect(created.status).toBe(200)
        cookie = cookieHeader(setCookiesOf(created))
      } finally {
        await first.auth.close()
      }
      const second = adapter.createApp({ logger: quiet, localDataDir })
      second.get('/me', {}, (state) => ({ organizationId: state.organization?.organizationId }))
      try {
        const me = await request(second.app).get('/me').set('cookie', cookie)
        expect(me.status).toBe(200)
        const session = await request(second.app).get('/auth/session').set('cookie', cookie)
        expect(session.body.organization.organizationSlug).toBe('acme')
      } finally {
        await second.auth.close()
        await rm(localDataDir, { recursive: true, force: true })
      }
    })
  })

  describe('cookie policy', () => {
    const login = async (
      options: Parameters<typeof createStack>[0],
      headers: Record<string, string> = {},
    ) => {
      stack = await createStack(options, adapter)
      stack.trustProxy()
      await seedOrganization(stack.local, 'acme', 'ada@acme.test')
      await request(stack.app)
        .post('/auth/otps/email/login_or_signup')
        .send({ organization_id: 'acme', email_address: 'ada@acme.test' })
      const code = stack.local.outbox.latest('ada@acme.test')?.code
      const response = await request(stack.app)
        .post('/auth/otps/email/authenticate')
        .set(headers)
        .send({ organization_id: 'acme', email_address: 'ada@acme.test', code })
      expect(response.status).toBe(200)
      return setCookiesOf(response).map((line) => line.replace(/^([^=]+)=[^;]+;/, '$1=<v>;'))
    }

    test('https requests get Secure and the __Host- prefix', async () => {
      expect(await login({}, { 'x-forwarded-proto': 'https' })).toEqual([
        '__Host-stytch_session=<v>; Max-Age=3600; Path=/; HttpOnly; Secure; SameSite=Lax',
        '__Host-stytch_session_jwt=<v>; Max-Age=3600; Path=/; HttpOnly; Secure; SameSite=Lax',
        '__Host-stytch_intermediate_session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax',
      ])
    })

    test('plain http to a non-loopback host still sets Secure (the browser keeps nothing in clear)', async () => {
      const cookies = await login({}, { host: 'app.example' })
      expect(cookies[0]).toBe(
        '__Host-stytch_session=<v>; Max-Age=3600; Path=/; HttpOnly; Secure; SameSite=Lax',
      )
    })

    test('names and attributes per cookie and for all', async () => {
      const cookies = await login(
        {
          cookies: {
            sameSite: 'strict',
            domain: 'app.example',
            secure: true,
            partitioned: true,
            sessionToken: { name: 'sid', path: '/app' },
            sessionJwt: { httpOnly: false, prefix: false },
          },
        },
        { 'x-forwarded-proto': 'https' },
      )
      expect(cookies).toEqual([
        '__Secure-sid=<v>; Max-Age=3600; Domain=app.example; Path=/app; HttpOnly; Secure; Partitioned; SameSite=Strict',
        'stytch_session_jwt=<v>; Max-Age=3600; Domain=app.example; Path=/; Secure; Partitioned; SameSite=Strict',
        '__Secure-stytch_intermediate_session=; Max-Age=0; Domain=app.example; Path=/; HttpOnly; Secure; Partitioned; SameSite=Strict',
      ])
    })

    test('a planted session cookie is not extended: login replaces it', async () => {
      stack = await createStack({}, adapter)
      await seedOrganization(stack.local, 'acme', 'ada@acme.test')
      const victim = await signIn(stack, 'ada@acme.test', 'acme')
      stack.local.resetRequestCounts()
      await request(stack.app)
        .post('/auth/otps/email/login_or_signup')
        .send({ organization_id: 'acme', email_address: 'ada@acme.test' })
      const code = stack.local.outbox.latest('ada@acme.test')?.code
      const response = await request(stack.app)
        .post('/auth/otps/email/authenticate')
        .set('cookie', victim.cookie)
        .send({ organization_id: 'acme', email_address: 'ada@acme.test', code })
      const token = setCookiesOf(response)[0]?.split(';')[0]
      expect(token).toMatch(/^stytch_session=/)
      expect(token).not.toContain(encodeURIComponent(victim.sessionToken))
    })
  })

  describe('requireSession options', () => {
    test('organization and role requirements, and redirects for HTML navigations', async () => {
      stack = await createStack({}, adapter)
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
})
