// A session token planted beside another member's JWT must never choose the session that is switched or logged out; a switch ends the session it leaves.
import request from 'supertest'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { callStytch } from '../helpers/local-api.js'
import {
  ADAPTERS,
  cookieHeader,
  createStack,
  type SeededOrganization,
  type SignedIn,
  type Stack,
  seedOrganization,
  setCookiesOf,
  signIn,
} from '../helpers/stack.js'
import { JWT_LIFETIME_MS } from '../helpers/tokens.js'

describe.each(ADAPTERS)('$name', (adapter) => {
  let stack: Stack
  let beta: SeededOrganization
  let victim: SignedIn
  let attacker: SignedIn
  beforeEach(async () => {
    stack = await createStack({}, adapter)
    const acme = await seedOrganization(stack.local, 'acme', 'ada@acme.test')
    beta = await seedOrganization(stack.local, 'beta', 'ada@acme.test')
    for (const organization of [acme, beta]) {
      await callStytch(
        stack.local,
        'POST',
        `/v1/b2b/organizations/${organization.organizationId}/members`,
        { email_address: 'eve@acme.test' },
      )
    }
    victim = await signIn(stack, 'ada@acme.test', 'acme')
    attacker = await signIn(stack, 'eve@acme.test', 'acme')
  })
  afterEach(async () => {
    await stack.close()
  })

  /** Whether a session token still refreshes upstream. */
  async function isAlive(sessionToken: string): Promise<boolean> {
    const answer = await callStytch(stack.local, 'POST', '/v1/b2b/sessions/authenticate', {
      session_token: sessionToken,
    })
    return answer.status === 200
  }

  const planted = () =>
    `stytch_session=${attacker.sessionToken}; stytch_session_jwt=${victim.sessionJwt}`

  test("switching organization with the victim's JWT and the attacker's token switches the victim, not the attacker", async () => {
    const switched = await request(stack.app)
      .post('/auth/sessions/exchange')
      .set('cookie', planted())
      .send({ organization_id: beta.organizationId })
    expect(switched.status).toBe(200)
    expect(switched.body.member.emailAddress).toBe('ada@acme.test')
    expect(switched.body.organization.organizationId).toBe(beta.organizationId)
    // The attacker's session was not touched; the victim's previous session was ended by the switch.
    expect(await isAlive(attacker.sessionToken)).toBe(true)
    expect(await isAlive(victim.sessionToken)).toBe(false)
  })

  test("logging out with the victim's JWT and the attacker's token revokes the victim's session", async () => {
    const loggedOut = await request(stack.app)
      .post('/auth/sessions/revoke')
      .set('cookie', planted())
    expect(loggedOut.status).toBe(200)
    expect(loggedOut.body).toEqual({ loggedOut: true, revoked: true })
    expect(await isAlive(victim.sessionToken)).toBe(false)
    expect(await isAlive(attacker.sessionToken)).toBe(true)
  })

  test("listing organizations with the victim's JWT and the attacker's token lists the victim's", async () => {
    const listed = await request(stack.app)
      .get('/auth/discovery/organizations')
      .set('cookie', planted())
    expect(listed.status).toBe(200)
    expect(listed.body.emailAddress).toBe('ada@acme.test')
  })

  test('a switch revokes the session it leaves: its cookies can no longer refresh', async () => {
    const switched = await request(stack.app)
      .post('/auth/sessions/exchange')
      .set('cookie', victim.cookie)
      .send({ organization_id: beta.organizationId })
    expect(switched.status).toBe(200)
    const onBeta = cookieHeader(setCookiesOf(switched))
    stack.clock.advance(JWT_LIFETIME_MS + 60_000)
    const old = await request(stack.app).get('/protected').set('cookie', victim.cookie)
    expect(old.status).toBe(401)
    expect(stack.handlerRuns()).toBe(0)
    const current = await request(stack.app).get('/protected').set('cookie', onBeta)
    expect(current.status).toBe(200)
    expect(current.body.organizationId).toBe(beta.organizationId)
  })

  test('when the old session cannot be revoked, the switch still succeeds and the log says so', async () => {
    await stack.close()
    const logged: string[] = []
    const log = (message: string) => {
      logged.push(message)
    }
    stack = await createStack({ logger: { info: log, warn: log } }, adapter)
    await seedOrganization(stack.local, 'acme', 'ada@acme.test')
    const second = await seedOrganization(stack.local, 'beta', 'ada@acme.test')
    const ada = await signIn(stack, 'ada@acme.test', 'acme')
    stack.proxy.setFault('/v1/b2b/sessions/revoke', { kind: 'status', status: 500 })
    const switched = await request(stack.app)
      .post('/auth/sessions/exchange')
      .set('cookie', ada.cookie)
      .send({ organization_id: second.organizationId })
    expect(switched.status).toBe(200)
    expect(logged.some((line) => line.includes('previous session could not be revoked'))).toBe(true)
    expect(logged.join('\n')).not.toContain(ada.sessionToken)
  })
})
