// Switching organization and logging out over real HTTP: what a switch ends, and Stytch failing under either.
import request from 'supertest'
import { beforeEach, describe, expect, test } from 'vitest'
import { cookieHeader, setCookiesOf } from '../../../helpers/cookies.js'
import {
  ADAPTERS,
  type SeededOrganization,
  seedOrganization,
  useSignedIn,
  useStack,
} from '../../../helpers/stack.js'
import { JWT_LIFETIME_MS } from '../../../helpers/tokens.js'

const ACME = { seed: { acme: 'ada@acme.test' } }

describe.each(ADAPTERS)('$name', (adapter) => {
  const logged: string[] = []
  const log = (message: string) => {
    logged.push(message)
  }
  // acme and beta both have Ada as a member; she is signed in to acme.
  const stack = useStack(adapter, { logger: { info: log, warn: log } }, ACME)
  let beta: SeededOrganization
  beforeEach(async () => {
    logged.length = 0
    beta = await seedOrganization(stack.local, 'beta', 'ada@acme.test')
  })
  const ada = useSignedIn(stack, 'ada@acme.test', 'acme')

  const switchTo = (cookie: string, organizationId: string) =>
    request(stack.app)
      .post('/auth/sessions/exchange')
      .set('cookie', cookie)
      .send({ organization_id: organizationId })

  test('a switch revokes the session it leaves: its cookies can no longer refresh', async () => {
    const switched = await switchTo(ada.cookie, beta.organizationId)
    expect(switched.status).toBe(200)
    const onBeta = cookieHeader(setCookiesOf(switched))
    stack.clock.advance(JWT_LIFETIME_MS + 60_000)
    const old = await request(stack.app).get('/protected').set('cookie', ada.cookie)
    expect(old.status).toBe(401)
    expect(stack.handlerRuns()).toBe(0)
    const current = await request(stack.app).get('/protected').set('cookie', onBeta)
    expect(current.status).toBe(200)
    expect(current.body.organizationId).toBe(beta.organizationId)
  })

  test('when the old session cannot be revoked, the switch still succeeds and the log says so', async () => {
    stack.proxy.setFault('/v1/b2b/sessions/revoke', { kind: 'status', status: 500 })
    const switched = await switchTo(ada.cookie, beta.organizationId)
    expect(switched.status).toBe(200)
    expect(logged.some((line) => line.includes('previous session could not be revoked'))).toBe(true)
    expect(logged.join('\n')).not.toContain(ada.sessionToken)
  })

  test('a 5xx on switch organization gives 503 and keeps the cookies', async () => {
    stack.proxy.setFault('/v1/b2b/sessions/exchange', {
      kind: 'status',
      status: 502,
      body: '<html>bad gateway</html>',
      contentType: 'text/html',
    })
    const response = await switchTo(ada.cookie, 'acme')
    expect(response.status).toBe(503)
    expect(setCookiesOf(response)).toEqual([])
  })

  test('logout clears every cookie even when Stytch is down', async () => {
    stack.proxy.setFault('/v1/b2b/sessions/revoke', { kind: 'status', status: 500 })
    const response = await request(stack.app)
      .post('/auth/sessions/revoke')
      .set('cookie', ada.cookie)
    expect(response.status).toBe(200)
    expect(response.body).toEqual({ loggedOut: true, revoked: false })
    expect(setCookiesOf(response)).toHaveLength(3)
  })
})
