// req.member, req.organization and req.memberSession have the same fields on every request: signed in just now, verified from the JWT, refreshed.
import request from 'supertest'
import { describe, expect, test } from 'vitest'
import { cookieHeader, setCookiesOf } from '../../helpers/cookies.js'
import { ADAPTERS, latestCode, useSignedIn, useStack } from '../../helpers/stack.js'

const REFRESH = 'POST /v1/b2b/sessions/authenticate'

/** The field names of each part of a session, sorted, so that two requests compare by shape. */
function shapeOf(session: Record<string, unknown>) {
  return Object.fromEntries(
    ['member', 'organization', 'memberSession'].map((part) => [
      part,
      Object.keys((session[part] ?? {}) as object).sort(),
    ]),
  )
}

describe.each(ADAPTERS)('$name', (adapter) => {
  const stack = useStack(adapter, {}, { seed: { acme: 'ada@acme.test' } })
  const ada = useSignedIn(stack, 'ada@acme.test', 'acme')
  const session = (cookie: string) => request(stack.app).get('/auth/session').set('cookie', cookie)

  test('a sign-in answer, a JWT-verified request and a refreshed request carry the same fields', async () => {
    const sent = await request(stack.app)
      .post('/auth/otps/email/login_or_signup')
      .send({ organization_id: 'acme', email_address: 'ada@acme.test' })
    expect(sent.status).toBe(200)
    const code = latestCode(stack.local, 'ada@acme.test')
    const signedIn = await request(stack.app)
      .post('/auth/otps/email/authenticate')
      .send({ organization_id: 'acme', email_address: 'ada@acme.test', code })
    expect(signedIn.status).toBe(200)

    const verified = await session(ada.cookie)
    expect(verified.status).toBe(200)
    expect(stack.upstream(REFRESH)).toBe(0)

    stack.clock.advance(6 * 60_000)
    const refreshed = await session(ada.cookie)
    expect(refreshed.status).toBe(200)
    expect(stack.upstream(REFRESH)).toBe(1)
    expect(setCookiesOf(refreshed)).toHaveLength(2)

    const expected = {
      member: ['emailAddress', 'memberId', 'organizationId', 'roles'],
      organization: ['organizationId', 'organizationSlug'],
      memberSession: [
        'authenticationFactors',
        'customClaims',
        'expiresAt',
        'lastAccessedAt',
        'memberId',
        'memberSessionId',
        'organizationId',
        'organizationSlug',
        'roles',
        'startedAt',
      ],
    }
    expect(shapeOf(signedIn.body)).toEqual(expected)
    expect(shapeOf(verified.body)).toEqual(expected)
    expect(shapeOf(refreshed.body)).toEqual(expected)
    // The values agree too, where the session is the same one.
    const after = await session(cookieHeader(setCookiesOf(refreshed)))
    expect(after.body.member).toEqual(refreshed.body.member)
    expect(after.body.organization).toEqual(refreshed.body.organization)
  })
})
