// A session token planted beside another member's JWT must never choose the session that is switched, listed or logged out.
import request from 'supertest'
import { beforeEach, describe, expect, test } from 'vitest'
import { callStytch } from '../helpers/local-api.js'
import {
  ADAPTERS,
  type SeededOrganization,
  type SignedIn,
  seedOrganization,
  signIn,
  useStack,
} from '../helpers/stack.js'

describe.each(ADAPTERS)('$name', (adapter) => {
  const stack = useStack(adapter)
  let beta: SeededOrganization
  let victim: SignedIn
  let attacker: SignedIn
  // Ada (the victim) and Eve (the attacker) are both members of acme and beta; both signed in to acme.
  beforeEach(async () => {
    const acme = await seedOrganization(stack.local, 'acme', 'ada@acme.test')
    beta = await seedOrganization(stack.local, 'beta', 'ada@acme.test')
    for (const organization of [acme, beta]) {
      await stack.local.seedMember({
        organization_id: organization.organizationId,
        email_address: 'eve@acme.test',
      })
    }
    victim = await signIn(stack, 'ada@acme.test', 'acme')
    attacker = await signIn(stack, 'eve@acme.test', 'acme')
  })

  /** Whether a session token still refreshes upstream. */
  async function isAlive(sessionToken: string): Promise<boolean> {
    const answer = await callStytch(stack.local, 'POST', '/v1/b2b/sessions/authenticate', {
      session_token: sessionToken,
    })
    return answer.status === 200
  }

  /** A request carrying the victim's JWT and, planted beside it, the attacker's session token. */
  const planted = (method: 'get' | 'post', path: string) =>
    request(stack.app)
      [method](path)
      .set(
        'cookie',
        `stytch_session=${attacker.sessionToken}; stytch_session_jwt=${victim.sessionJwt}`,
      )

  test("switching organization with the victim's JWT and the attacker's token switches the victim, not the attacker", async () => {
    const switched = await planted('post', '/auth/sessions/exchange').send({
      organization_id: beta.organizationId,
    })
    expect(switched.status).toBe(200)
    expect(switched.body.member.emailAddress).toBe('ada@acme.test')
    expect(switched.body.organization.organizationId).toBe(beta.organizationId)
    // The attacker's session was not touched; the victim's previous session was ended by the switch.
    expect(await isAlive(attacker.sessionToken)).toBe(true)
    expect(await isAlive(victim.sessionToken)).toBe(false)
  })

  test("logging out with the victim's JWT and the attacker's token revokes the victim's session", async () => {
    const loggedOut = await planted('post', '/auth/sessions/revoke')
    expect(loggedOut.status).toBe(200)
    expect(loggedOut.body).toEqual({ loggedOut: true, revoked: true })
    expect(await isAlive(victim.sessionToken)).toBe(false)
    expect(await isAlive(attacker.sessionToken)).toBe(true)
  })

  test("listing organizations with the victim's JWT and the attacker's token lists the victim's", async () => {
    const listed = await planted('get', '/auth/discovery/organizations')
    expect(listed.status).toBe(200)
    expect(listed.body.emailAddress).toBe('ada@acme.test')
  })
})
