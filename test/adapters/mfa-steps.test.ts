// The MFA per-step middleware on both frameworks: the step's cookies and request fields, then the app's own handler.
import express from 'express'
import Koa from 'koa'
import request from 'supertest'
import { describe, expect, test } from 'vitest'
import * as onExpress from '../../src/express/index.js'
import * as onKoa from '../../src/koa/index.js'
import { firstFactor, postMfa, seedMfaOrganization, totpCode } from '../core/features/mfa/kit.js'
import { setCookiesOf } from '../helpers/cookies.js'
import { ADAPTERS, type Stack, useStack } from '../helpers/stack.js'

/** An app of `stack`'s framework whose `POST /login/totp` runs authenticateTotpCode(), then answers what it set. */
function appWithTotpStep(stack: Stack) {
  const options = {
    projectId: stack.local.projectId,
    secret: stack.local.secret,
    baseUrl: stack.proxy.url,
    now: stack.clock.now,
  }
  if (stack.adapter.name === 'express') {
    const app = express()
    app.use(onExpress.stytchB2B(options))
    app.post('/login/totp', onExpress.authenticateTotpCode(), (req, res) => {
      res.json({ memberAuthenticated: req.memberAuthenticated, memberId: req.member?.memberId })
    })
    app.use(
      (error: { code: string }, _req: express.Request, res: express.Response, _next: unknown) => {
        res.status(418).json({ code: error.code })
      },
    )
    return app
  }
  const app = new Koa()
  app.use(async (ctx, next) => {
    try {
      await next()
    } catch (error) {
      ctx.status = 418
      ctx.body = { code: (error as { code: string }).code }
    }
  })
  app.use(onKoa.stytchB2B(options))
  const step = onKoa.authenticateTotpCode()
  app.use(async (ctx, next) => {
    if (ctx.path !== '/login/totp') return next()
    await step(ctx, async () => {
      ctx.body = {
        memberAuthenticated: ctx.state.memberAuthenticated,
        memberId: ctx.state.member?.memberId,
      }
    })
  })
  return app.callback()
}

describe.each(ADAPTERS)('$name', (adapter) => {
  const stack = useStack(adapter)

  test('authenticateTotpCode() sets the cookies and memberAuthenticated, member; a failure reaches the error handler with no cookie', async () => {
    await seedMfaOrganization(stack)
    const first = await firstFactor(stack)
    const ids = { organization_id: first.organizationId, member_id: first.memberId }
    const created = await postMfa(stack, 'totp/create', first.cookie, ids)
    const app = appWithTotpStep(stack)
    const code = totpCode(stack, created.body.secret)
    const wrong = await request(app)
      .post('/login/totp')
      .set('cookie', first.cookie)
      .send({ ...ids, code: code === '000000' ? '111111' : '000000' })
    expect(wrong.status).toBe(418)
    expect(wrong.body).toEqual({ code: 'ERR_OTP_INVALID' })
    expect(wrong.headers['set-cookie']).toBeUndefined()
    const done = await request(app)
      .post('/login/totp')
      .set('cookie', first.cookie)
      .send({ ...ids, code })
    expect(done.status).toBe(200)
    expect(done.body).toEqual({ memberAuthenticated: true, memberId: first.memberId })
    expect(done.headers['cache-control']).toBe('no-store')
    expect(setCookiesOf(done).map((line) => line.split('=')[0])).toEqual([
      'stytch_session',
      'stytch_session_jwt',
      'stytch_intermediate_session',
    ])
  })
})
