// One table of (member, resource, action, organization) cases against one custom policy: the permission guard's answer over real requests equals the official SDK's authenticateJwtLocal with authorization_check and the local server's sessions/authenticate with it.

import { B2BClient, ClientError } from 'stytch'
import request from 'supertest'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { callStytch } from '../../helpers/local-api.js'
import { type SignedIn, signIn } from '../../helpers/stack.js'
import { type RbacStack, seedMembers, useRbacStacks } from './rbac-kit.js'

type Who = 'plain' | 'admin' | 'editor' | 'docAdmin' | 'implicit' | 'betaAdmin'
type Org = 'own' | 'acme' | 'beta'

// [who, resource, action, organization of the check ('own': the member's)]
const CASES: ReadonlyArray<readonly [Who, string, string, Org]> = [
  ['plain', 'stytch.self', 'delete', 'own'],
  ['plain', 'stytch.self', 'update.info.name', 'own'],
  ['plain', 'stytch.member', 'delete', 'own'],
  ['plain', 'stytch.organization', 'update.info.name', 'own'],
  ['plain', 'documents', 'read', 'own'],
  ['admin', 'stytch.member', 'delete', 'own'],
  ['admin', 'stytch.member', 'update.settings.roles', 'own'],
  ['admin', 'stytch.organization', 'update.settings.mfa-policy', 'own'],
  ['admin', 'stytch.scim', 'get', 'own'],
  ['admin', 'stytch.self', 'delete', 'own'],
  ['admin', 'documents', 'read', 'own'],
  ['admin', 'stytch.member', 'not-an-action', 'own'],
  ['editor', 'documents', 'read', 'own'],
  ['editor', 'documents', 'write', 'own'],
  ['editor', 'documents', 'delete', 'own'],
  ['editor', 'documents', '*', 'own'],
  ['editor', 'billing', 'view', 'own'],
  ['docAdmin', 'documents', 'delete', 'own'],
  ['docAdmin', 'documents', 'anything-at-all', 'own'],
  ['docAdmin', 'billing', 'view', 'own'],
  ['implicit', 'billing', 'view', 'own'],
  ['implicit', 'billing', 'pay', 'own'],
  ['implicit', 'documents', 'read', 'own'],
  ['plain', 'unknown-resource', 'read', 'own'],
  ['betaAdmin', 'stytch.member', 'delete', 'own'],
  // Tenancy: an admin of beta asks for acme, an admin of acme for beta.
  ['betaAdmin', 'stytch.member', 'delete', 'acme'],
  ['betaAdmin', 'stytch.self', 'delete', 'acme'],
  ['admin', 'stytch.member', 'delete', 'beta'],
  ['docAdmin', 'documents', 'read', 'beta'],
  ['plain', 'stytch.self', 'delete', 'beta'],
]

const start = useRbacStacks('all')
// The table must exercise both answers, or agreement would prove little.
const verdicts = { allowed: 0, refused: 0 }
afterAll(() => {
  expect(verdicts.allowed).toBeGreaterThanOrEqual(10)
  expect(verdicts.refused).toBeGreaterThanOrEqual(10)
})
let stack: RbacStack
let sdk: B2BClient
const sessions = {} as Record<Who, SignedIn>
const orgs = {} as Record<'acme' | 'beta', string>
const home: Record<Who, 'acme' | 'beta'> = {
  plain: 'acme',
  admin: 'acme',
  editor: 'acme',
  docAdmin: 'acme',
  implicit: 'acme',
  betaAdmin: 'beta',
}

beforeAll(async () => {
  stack = await start('express')
  sdk = new B2BClient({
    project_id: stack.local.projectId,
    secret: stack.local.secret,
    env: `${stack.local.url}/`,
  })
  // Members of billing.test get billing_viewer implicitly: Stytch puts it in the JWT's roles.
  orgs.acme = await seedMembers(
    stack.local,
    'acme',
    {
      'plain@acme.test': [],
      'admin@acme.test': ['stytch_admin'],
      'editor@acme.test': ['editor'],
      'docs@acme.test': ['doc_admin'],
      'ivy@billing.test': [],
    },
    {
      rbac_email_implicit_role_assignments: [{ domain: 'billing.test', role_id: 'billing_viewer' }],
    },
  )
  orgs.beta = await seedMembers(stack.local, 'beta', { 'bo@beta.test': ['stytch_admin'] })
  const emails: Record<Who, string> = {
    plain: 'plain@acme.test',
    admin: 'admin@acme.test',
    editor: 'editor@acme.test',
    docAdmin: 'docs@acme.test',
    implicit: 'ivy@billing.test',
    betaAdmin: 'bo@beta.test',
  }
  for (const who of Object.keys(emails) as Who[]) {
    sessions[who] = await signIn(stack, emails[who], home[who])
  }
}, 30_000)

test.each(CASES.map((row, index) => [...row, index] as const))(
  '%s: %s %s in %s',
  async (who, resourceId, action, org, index) => {
    const organizationId = orgs[org === 'own' ? home[who] : org]
    const path = `/case/${index}`
    stack.guarded(path, { organizationId, permission: { resourceId, action } })
    const runs = stack.handlerRuns()
    const guard = await request(stack.app).get(path).set('cookie', sessions[who].cookie)
    expect([200, 403]).toContain(guard.status)
    const byGuard = guard.status === 200
    verdicts[byGuard ? 'allowed' : 'refused']++
    expect(stack.handlerRuns()).toBe(runs + (byGuard ? 1 : 0))

    const check = { organization_id: organizationId, resource_id: resourceId, action }
    const session_jwt = sessions[who].sessionJwt
    const local = await sdk.sessions
      .authenticateJwtLocal({
        session_jwt,
        current_date: new Date(stack.clock.now()),
        authorization_check: check,
      })
      .then(
        () => true,
        (error: unknown) => {
          // Refused by the check (tenancy or permissions), not by a bad token.
          expect(error).toBeInstanceOf(ClientError)
          return false
        },
      )
    const remote = await callStytch(stack.local, 'POST', '/v1/b2b/sessions/authenticate', {
      session_jwt,
      authorization_check: check,
    })
    expect([200, 403]).toContain(remote.status)

    expect({ guard: byGuard, sdk: local }).toEqual({ guard: remote.status === 200, sdk: byGuard })
    if (org !== 'own' && org !== home[who]) expect(byGuard).toBe(false)
  },
)
