// Attacks on the permission guard: another organization's resources, roles in forged or unsigned JWTs, a custom claim named "roles".
import { generateKeyPairSync, sign as rsaSign } from 'node:crypto'
import request from 'supertest'
import { describe, expect, test } from 'vitest'
import { type RbacStack, seedMembers, useRbacStacks } from '../core/session/rbac-kit.js'
import { signIn } from '../helpers/stack.js'
import { b64url, claimsOf, freshClaims } from '../helpers/tokens.js'

const DELETE_MEMBERS = { resourceId: 'stytch.member', action: 'delete' }

const get = (stack: RbacStack, path: string, headers: Record<string, string>) =>
  request(stack.app).get(path).set(headers).set('accept', 'application/json')

describe.each(['express', 'koa'] as const)('%s', (adapter) => {
  const start = useRbacStacks()

  test("an admin of organization A cannot pass a guard for B's resources", async () => {
    const stack = await start(adapter)
    await seedMembers(stack.local, 'acme', { 'ada@acme.test': ['stytch_admin'] })
    const beta = await seedMembers(stack.local, 'beta', { 'bo@beta.test': [] })
    const ada = await signIn(stack, 'ada@acme.test', 'acme')
    stack.guarded('/beta/members/delete', { organizationId: beta, permission: DELETE_MEMBERS })
    stack.guarded('/members/delete', { permission: DELETE_MEMBERS })

    const cross = await get(stack, '/beta/members/delete', { cookie: ada.cookie })
    expect([cross.status, cross.body.error.code]).toEqual([403, 'ERR_ORGANIZATION_FORBIDDEN'])
    expect(stack.handlerRuns()).toBe(0)
    // Control: the same member passes the same permission in its own organization.
    expect((await get(stack, '/members/delete', { cookie: ada.cookie })).status).toBe(200)
    expect(stack.handlerRuns()).toBe(1)
  })

  test('roles in a JWT signed by an unpublished key, or unsigned, are never trusted', async () => {
    const stack = await start(adapter)
    await seedMembers(stack.local, 'acme', { 'pat@acme.test': [] })
    const pat = await signIn(stack, 'pat@acme.test', 'acme')
    stack.guarded('/members/delete', { permission: DELETE_MEMBERS })
    const claims = freshClaims(pat.sessionJwt, stack.clock.now())
    const session = claims['https://stytch.com/session'] as Record<string, unknown>
    const promoted = {
      ...claims,
      'https://stytch.com/session': { ...session, roles: ['stytch_member', 'stytch_admin'] },
    }
    const realHeader = JSON.parse(
      Buffer.from(pat.sessionJwt.split('.')[0] ?? '', 'base64url').toString(),
    ) as { kid: string }
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const header = b64url({ alg: 'RS256', typ: 'JWT', kid: realHeader.kid })
    const input = `${header}.${b64url(promoted)}`
    const forged = `${input}.${rsaSign('sha256', Buffer.from(input), privateKey).toString('base64url')}`
    const unsigned = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(promoted)}.`

    for (const token of [forged, unsigned]) {
      const bearer = await get(stack, '/members/delete', { authorization: `Bearer ${token}` })
      expect(bearer.status).toBe(401)
      const can = await get(stack, '/can?r=stytch.member&a=delete', {
        authorization: `Bearer ${token}`,
      })
      expect(can.body).toEqual({ can: false })
    }
    // The genuine token of the same member: refused by its roles, not let through.
    const genuine = await get(stack, '/members/delete', { cookie: pat.cookie })
    expect([genuine.status, genuine.body.error.code]).toEqual([403, 'ERR_PERMISSION_FORBIDDEN'])
    expect(stack.handlerRuns()).toBe(0)
  })

  test('a custom claim named "roles" grants nothing', async () => {
    const stack = await start(adapter, {
      sessionCustomClaims: () => ({ roles: ['stytch_admin'], role: 'stytch_admin' }),
    })
    await seedMembers(stack.local, 'acme', { 'pat@acme.test': [] })
    const pat = await signIn(stack, 'pat@acme.test', 'acme')
    expect(claimsOf(pat.sessionJwt).roles).toEqual(['stytch_admin'])
    stack.guarded('/members/delete', { permission: DELETE_MEMBERS })
    const answer = await get(stack, '/members/delete', { cookie: pat.cookie })
    expect([answer.status, answer.body.error.code]).toEqual([403, 'ERR_PERMISSION_FORBIDDEN'])
    const can = await get(stack, '/can?r=stytch.member&a=delete', { cookie: pat.cookie })
    expect(can.body).toEqual({ can: false })
    expect(stack.handlerRuns()).toBe(0)
  })
})
