// The adapters on the older majors users still run: Express 4 and Koa 2, through a full sign-in and a guarded route.
import type { RequestListener } from 'node:http'
import express4 from 'express4'
import Koa2 from 'koa2'
import request from 'supertest'
import { afterAll, beforeAll, expect, test } from 'vitest'
import * as onExpress from '../../src/express/index.js'
import * as onKoa from '../../src/koa/index.js'
import { type LocalServer, startLocalServer } from '../../src/local-server/index.js'
import { createTestClock } from '../helpers/clock.js'
import { cookieHeader, setCookiesOf } from '../helpers/cookies.js'
import { keyedMemoryStore } from '../helpers/signing-keys.js'
import { latestCode, seedOrganization } from '../helpers/stack.js'

// One clock for the server and the apps: a cookie's Max-Age is an expiry minus now, and a real
// clock would tick between the two on a busy machine.
const clock = createTestClock()
let local: LocalServer
beforeAll(async () => {
  local = await startLocalServer({ now: clock.now, store: await keyedMemoryStore() })
  await seedOrganization(local, 'acme', 'ada@acme.test')
})
afterAll(async () => {
  await local.close()
})

const options = () => ({
  projectId: local.projectId,
  secret: local.secret,
  baseUrl: local.url,
  now: clock.now,
})

function express4App(): { app: RequestListener; close(): Promise<void> } {
  const app = express4()
  const mounted = onExpress.stytchB2B(options())
  app.use(mounted)
  app.get('/protected', onExpress.requireSession(), (req, res) => {
    res.json({ memberId: req.member?.memberId })
  })
  return { app, close: () => mounted.auth.close() }
}

function koa2App(): { app: RequestListener; close(): Promise<void> } {
  const app = new Koa2()
  const mounted = onKoa.stytchB2B(options())
  app.use(mounted)
  const guard = onKoa.requireSession()
  app.use(async (ctx, next) => {
    if (ctx.path !== '/protected') return next()
    await guard(ctx, async () => {
      ctx.body = { memberId: ctx.state.member?.memberId }
    })
  })
  return { app: app.callback(), close: () => mounted.auth.close() }
}

test.each([
  ['Express 4', express4App],
  ['Koa 2', koa2App],
])(
  '%s: organization login, a guarded route, refusal without a session, logout',
  async (_name, build) => {
    const { app, close } = build()
    try {
      const sent = await request(app)
        .post('/auth/otps/email/login_or_signup')
        .send({ organization_id: 'acme', email_address: 'ada@acme.test' })
      expect(sent.status).toBe(200)
      const login = await request(app)
        .post('/auth/otps/email/authenticate')
        .type('form')
        .send({
          organization_id: 'acme',
          email_address: 'ada@acme.test',
          code: latestCode(local, 'ada@acme.test'),
        })
      expect(login.status).toBe(200)
      const cookies = setCookiesOf(login)
      expect(cookies[0]).toMatch(
        /^stytch_session=[^;]+; Max-Age=3600; Path=\/; HttpOnly; SameSite=Lax$/,
      )
      const page = await request(app).get('/protected').set('cookie', cookieHeader(cookies))
      expect(page.status).toBe(200)
      expect(page.body.memberId).toBe(login.body.member.memberId)
      const anonymous = await request(app).get('/protected')
      expect(anonymous.status).toBe(401)
      expect(anonymous.body.error.code).toBe('ERR_SESSION_MISSING')
      const csrf = await request(app)
        .post('/auth/sessions/revoke')
        .set('origin', 'https://evil.example')
      expect(csrf.status).toBe(403)
      const logout = await request(app)
        .post('/auth/sessions/revoke')
        .set('cookie', cookieHeader(cookies))
      expect(logout.body).toEqual({ loggedOut: true, revoked: true })
      expect(setCookiesOf(logout)).toHaveLength(3)
    } finally {
      await close()
    }
  },
)
