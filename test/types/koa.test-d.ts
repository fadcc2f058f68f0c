// Types Koa users see: ctx.state.member and friends by augmentation of DefaultState, the middleware types.
import Koa from 'koa'
import { expectTypeOf, test } from 'vitest'
import type {
  AuthCore,
  AuthDiscoveredOrganization,
  AuthMember,
  AuthMemberSession,
  AuthOrganization,
  StytchB2BOptions,
} from '../../src/index.js'
import {
  authenticateDiscoveryCode,
  authenticateTotpCode,
  memberAuthorization,
  type RequireSessionOptions,
  requireSession,
  revokeSession,
  stytchB2B,
} from '../../src/koa/index.js'

test('ctx.state augmentation', () => {
  const app = new Koa()
  app.use(requireSession())
  app.use(async (ctx) => {
    expectTypeOf(ctx.state.member).toEqualTypeOf<AuthMember | undefined>()
    expectTypeOf(ctx.state.organization).toEqualTypeOf<AuthOrganization | undefined>()
    expectTypeOf(ctx.state.memberSession).toEqualTypeOf<AuthMemberSession | undefined>()
    expectTypeOf(ctx.state.discoveredOrganizations).toEqualTypeOf<
      AuthDiscoveredOrganization[] | undefined
    >()
    expectTypeOf(ctx.state.discoveryEmailAddress).toEqualTypeOf<string | undefined>()
    expectTypeOf<NonNullable<typeof ctx.state.member>['memberId']>().toBeString()
    expectTypeOf<NonNullable<typeof ctx.state.memberSession>['expiresAt']>().toBeNumber()
    expectTypeOf(ctx.state.can).toEqualTypeOf<(resourceId: string, action: string) => boolean>()
    expectTypeOf(memberAuthorization(ctx)).toEqualTypeOf<{ session_jwt: string } | undefined>()
  })
  app.use(requireSession({ permission: { resourceId: 'documents', action: 'read' } }))
})

test('middleware types', () => {
  const app = new Koa()
  const mounted = stytchB2B({ projectId: 'project-test-x', secret: 's' })
  app.use(mounted)
  app.use(authenticateDiscoveryCode())
  app.use(revokeSession())
  expectTypeOf(authenticateTotpCode()).toEqualTypeOf<Koa.Middleware>()
  expectTypeOf(mounted.auth).toEqualTypeOf<AuthCore>()
  expectTypeOf(mounted).toExtend<Koa.Middleware>()
  expectTypeOf(stytchB2B).parameter(0).toEqualTypeOf<StytchB2BOptions | undefined>()
  expectTypeOf(requireSession).parameter(0).toEqualTypeOf<RequireSessionOptions | undefined>()
  expectTypeOf(requireSession()).toExtend<Koa.Middleware>()
  // @ts-expect-error roles is a list
  requireSession({ roles: 'stytch_admin' })
  // @ts-expect-error unknown option
  stytchB2B({ sessionDuration: 60 })
})
