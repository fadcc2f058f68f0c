// Without credentials outside production, the embedded local server starts on first use: once, logged, and with a
// data directory it keeps sessions across restarts.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import request from 'supertest'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { cookieHeader, setCookiesOf } from '../helpers/cookies.js'
import { ADAPTERS } from '../helpers/stack.js'

describe.each(ADAPTERS)('$name', (adapter) => {
  beforeEach(() => {
    vi.stubEnv('NODE_ENV', 'development')
    vi.stubEnv('STYTCH_PROJECT_ID', '')
    vi.stubEnv('STYTCH_SECRET', '')
  })
  afterEach(() => {
    vi.unstubAllEnvs()
  })

  test('the embedded local server starts on first use and says so once', async () => {
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
