// Types users see: req.member and friends by augmentation, option unions, error codes.
import express, { type RequestHandler } from 'express'
import type { Redis } from 'ioredis'
import { expectTypeOf, test } from 'vitest'
import {
  authenticateMfaSmsCode,
  memberAuthorization,
  recoverWithRecoveryCode,
  requireSession,
  stytchB2B,
} from '../../src/express/index.js'
import type {
  AuthDiscoveredOrganization,
  AuthErrorCode,
  AuthMember,
  AuthMemberSession,
  AuthOrganization,
  RedisClient,
  StytchB2BOptions,
} from '../../src/index.js'

test('request augmentation', () => {
  const app = express()
  app.get('/', requireSession(), (req) => {
    expectTypeOf(req.member).toEqualTypeOf<AuthMember | undefined>()
    expectTypeOf(req.organization).toEqualTypeOf<AuthOrganization | undefined>()
    expectTypeOf(req.memberSession).toEqualTypeOf<AuthMemberSession | undefined>()
    expectTypeOf(req.discoveredOrganizations).toEqualTypeOf<
      AuthDiscoveredOrganization[] | undefined
    >()
    expectTypeOf<NonNullable<typeof req.member>['memberId']>().toBeString()
    expectTypeOf<NonNullable<typeof req.memberSession>['expiresAt']>().toBeNumber()
    expectTypeOf(req.can).toEqualTypeOf<(resourceId: string, action: string) => boolean>()
    expectTypeOf(memberAuthorization(req)).toEqualTypeOf<{ session_jwt: string } | undefined>()
  })
})

test('permission guard', () => {
  requireSession({ permission: { resourceId: 'stytch.member', action: 'delete' } })
  // @ts-expect-error a permission names its resource
  requireSession({ permission: { action: 'delete' } })
  expectTypeOf<NonNullable<StytchB2BOptions['rbacPolicy']>['freshSeconds']>().toEqualTypeOf<
    number | undefined
  >()
})

test('options', () => {
  expectTypeOf(stytchB2B).parameter(0).toEqualTypeOf<StytchB2BOptions | undefined>()
  expectTypeOf<NonNullable<StytchB2BOptions['cookies']>['sameSite']>().toEqualTypeOf<
    'lax' | 'strict' | 'none' | undefined
  >()
  expectTypeOf<NonNullable<StytchB2BOptions['cookies']>['secure']>().toEqualTypeOf<
    boolean | 'auto' | undefined
  >()
  expectTypeOf<StytchB2BOptions['trustedOrigins']>().toEqualTypeOf<
    readonly string[] | ((origin: string) => boolean) | undefined
  >()
  // @ts-expect-error sessionDurationMinutes is a number
  stytchB2B({ sessionDurationMinutes: '60' })
  // @ts-expect-error unknown option
  stytchB2B({ sessionDuration: 60 })
  expectTypeOf<'ERR_SESSION_MISSING'>().toExtend<AuthErrorCode>()
  expectTypeOf(authenticateMfaSmsCode()).toEqualTypeOf<RequestHandler>()
  expectTypeOf(recoverWithRecoveryCode).parameters.toEqualTypeOf<[]>()
  expectTypeOf(
    stytchB2B({ projectId: 'project-test-x', secret: 's' }).auth.ready,
  ).returns.resolves.toHaveProperty('embedded')
})

test('an ioredis client is what the redis option takes', () => {
  expectTypeOf<Redis>().toExtend<RedisClient>()
  expectTypeOf<{ client: Redis; keyPrefix: string; timeoutMs: number }>().toExtend<
    NonNullable<StytchB2BOptions['redis']>
  >()
  expectTypeOf<{ client: { status: string } }>().not.toExtend<
    NonNullable<StytchB2BOptions['redis']>
  >()
})
