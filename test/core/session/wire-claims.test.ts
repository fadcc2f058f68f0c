// Claims that are optional on Stytch's wire (issue 14): a JWT without `nbf`, the session's `roles` or
// its `expires_at` is a real Stytch session JWT. The official SDK accepts it (stytch-node
// `dist/shared/sessions.js`: `roles` read as given, `expires_at` falling back to `exp`), and so must
// we, while every check that identifies the member stays.
import request from 'supertest'
import { beforeAll, describe, expect, it } from 'vitest'
import { setCookiesOf } from '../../helpers/cookies.js'
import { ADAPTERS, type SignedIn, signIn, useStack } from '../../helpers/stack.js'
import { createTestSigner, freshClaims, type TestSigner } from '../../helpers/tokens.js'

const SESSION = 'https://stytch.com/session'
const ORGANIZATION = 'https://stytch.com/organization'

describe.each(ADAPTERS)('$name', (adapter) => {
  const stack = useStack(adapter, {}, { scope: 'all', seed: { acme: 'ada@acme.test' } })
  let ada: SignedIn
  let signer: TestSigner

  beforeAll(async () => {
    ada = await signIn(stack, 'ada@acme.test', 'acme')
    signer = await createTestSigner(stack.proxy)
  })

  /** Ada's claims, issued now, without the named registered claims and session-claim fields. */
  function claimsWithout(registered: string[], sessionFields: string[]): Record<string, unknown> {
    const claims = freshClaims(ada.sessionJwt, stack.clock.now())
    for (const name of registered) delete claims[name]
    const session = { ...(claims[SESSION] as Record<string, unknown>) }
    for (const name of sessionFields) delete session[name]
    return { ...claims, [SESSION]: session }
  }

  const session = (jwt: string) =>
    request(stack.app).get('/auth/session').set('authorization', `Bearer ${jwt}`)

  it('accepts the shape of the SDK fixtures: no nbf, no roles, no expires_at', async () => {
    const claims = claimsWithout(['nbf'], ['roles', 'expires_at'])
    const response = await session(await signer.sign(claims))
    expect(response.status).toBe(200)
    expect(response.body.member.memberId).toBe(claims.sub)
    expect(response.body.member.roles).toEqual([])
    expect(response.body.memberSession.roles).toEqual([])
    // As the SDK does: without the session's end, the JWT's.
    expect(response.body.memberSession.expiresAt).toBe((claims.exp as number) * 1000)
  })

  it('still checks an nbf, roles or expires_at that is present', async () => {
    const base = claimsWithout([], [])
    const future = { ...base, nbf: (base.iat as number) + 120 }
    const nbfText = { ...base, nbf: 'soon' }
    const rolesText = { ...base, [SESSION]: { ...(base[SESSION] as object), roles: 'admin' } }
    const badEnd = { ...base, [SESSION]: { ...(base[SESSION] as object), expires_at: 'never' } }
    for (const claims of [future, nbfText, rolesText, badEnd]) {
      const response = await session(await signer.sign(claims))
      expect(response.status).toBe(401)
      expect(response.body.error.code).toBe('ERR_SESSION_INVALID')
    }
  })

  it('keeps refusing tokens without what identifies the member', async () => {
    const base = claimsWithout(['nbf'], ['roles', 'expires_at'])
    const noSub = { ...base, sub: undefined }
    const noSessionId = { ...base, [SESSION]: { ...(base[SESSION] as object), id: undefined } }
    const noOrganization = { ...base, [ORGANIZATION]: undefined }
    const noExp = { ...base, exp: undefined }
    for (const claims of [noSub, noSessionId, noOrganization, noExp]) {
      const response = await session(await signer.sign(JSON.parse(JSON.stringify(claims))))
      expect(response.status).toBe(401)
    }
  })

  it('refreshes an expired JWT without expires_at through the session token', async () => {
    const claims = claimsWithout(['nbf'], ['expires_at'])
    const expired = await signer.sign({
      ...claims,
      iat: (claims.iat as number) - 600,
      exp: (claims.exp as number) - 600,
    })
    const refreshes = stack.upstream('POST /v1/b2b/sessions/authenticate')
    const response = await request(stack.app)
      .get('/auth/session')
      .set('cookie', `stytch_session=${ada.sessionToken}; stytch_session_jwt=${expired}`)
    expect(response.status).toBe(200)
    expect(stack.upstream('POST /v1/b2b/sessions/authenticate')).toBe(refreshes + 1)
    expect(setCookiesOf(response).some((c) => c.startsWith('stytch_session_jwt='))).toBe(true)
  })
})
