// Test stack: local Stytch server on 127.0.0.1:0 (behind a fault proxy), an Express app using the package, a shared clock.
import express, { type Express } from 'express'
import { requireSession, type StytchB2BOptions, stytchB2B } from '../../src/express/index.js'
import { type LocalServer, startLocalServer } from '../../src/local-server/index.js'
import { createTestClock, type TestClock } from './clock.js'
import { callStytch } from './local-api.js'
import { startUpstreamProxy, type UpstreamProxy } from './upstream-proxy.js'

export interface Stack {
  app: Express
  local: LocalServer
  proxy: UpstreamProxy
  clock: TestClock
  /** How many times the protected handler ran. */
  handlerRuns: () => number
  /** Calls to a local-server route, e.g. 'POST /v1/b2b/sessions/authenticate'. */
  upstream: (route: string) => number
  jwksFetches: () => number
  close(): Promise<void>
}

export async function createStack(options: StytchB2BOptions = {}): Promise<Stack> {
  const clock = createTestClock()
  const local = await startLocalServer({ now: clock.now })
  const proxy = await startUpstreamProxy(local.url)
  const app = express()
  const router = stytchB2B({
    projectId: local.projectId,
    secret: local.secret,
    baseUrl: proxy.url,
    now: clock.now,
    requestTimeoutMs: 3000,
    ...options,
  })
  app.use(router)
  let runs = 0
  app.get('/protected', requireSession(), (req, res) => {
    runs++
    res.json({ memberId: req.member?.memberId, organizationId: req.organization?.organizationId })
  })
  return {
    app,
    local,
    proxy,
    clock,
    handlerRuns: () => runs,
    upstream: (route) => local.requestCount(route),
    jwksFetches: () => proxy.count(`/v1/b2b/sessions/jwks/${local.projectId}`),
    close: async () => {
      await router.auth.close()
      await proxy.close()
      await local.close()
    },
  }
}

export interface SeededOrganization {
  organizationId: string
  slug: string
}

/** Creates an organization through the Stytch API and, optionally, an active member in it. */
export async function seedOrganization(
  local: LocalServer,
  slug: string,
  memberEmail?: string,
  settings: Record<string, unknown> = {},
): Promise<SeededOrganization> {
  const created = await callStytch(local, 'POST', '/v1/b2b/organizations', {
    organization_name: `${slug} Inc`,
    organization_slug: slug,
    ...settings,
  })
  if (created.status !== 200)
    throw new Error(`seeding ${slug} failed: ${JSON.stringify(created.body)}`)
  const organizationId = created.body.organization.organization_id as string
  if (memberEmail) {
    const member = await callStytch(
      local,
      'POST',
      `/v1/b2b/organizations/${organizationId}/members`,
      {
        email_address: memberEmail,
      },
    )
    if (member.status !== 200)
      throw new Error(`seeding member failed: ${JSON.stringify(member.body)}`)
  }
  return { organizationId, slug }
}

/** `name=value` pairs of the Set-Cookie headers of a response, for the next request's Cookie header. */
export function cookieHeader(setCookies: readonly string[] | string | undefined): string {
  const list = typeof setCookies === 'string' ? [setCookies] : (setCookies ?? [])
  return list
    .map((line) => line.split(';')[0] ?? '')
    .filter((pair) => !pair.endsWith('='))
    .join('; ')
}

/** Set-Cookie headers of a supertest response, as an array. */
export function setCookiesOf(response: { headers: Record<string, unknown> }): string[] {
  const value = response.headers['set-cookie']
  return Array.isArray(value) ? (value as string[]) : typeof value === 'string' ? [value] : []
}

/** The latest code sent to an email, read from the local server's outbox. */
export function latestCode(local: LocalServer, email: string): string {
  const message = local.outbox.latest(email)
  if (!message) throw new Error(`no code was sent to ${email}`)
  return message.code
}

export interface SignedIn {
  /** Cookie header carrying the session. */
  cookie: string
  sessionToken: string
  sessionJwt: string
  setCookies: string[]
}

/** Signs `email` in to `organizationSlug` through the app's mounted org-login endpoints. */
export async function signIn(
  stack: Stack,
  email: string,
  organizationSlug: string,
): Promise<SignedIn> {
  const { default: request } = await import('supertest')
  const sent = await request(stack.app)
    .post('/auth/otps/email/login_or_signup')
    .send({ organization_id: organizationSlug, email_address: email })
  if (sent.status !== 200) throw new Error(`login_or_signup failed: ${JSON.stringify(sent.body)}`)
  const response = await request(stack.app)
    .post('/auth/otps/email/authenticate')
    .send({
      organization_id: organizationSlug,
      email_address: email,
      code: latestCode(stack.local, email),
    })
  if (response.status !== 200)
    throw new Error(`authenticate failed: ${JSON.stringify(response.body)}`)
  const setCookies = setCookiesOf(response)
  const value = (name: string) =>
    decodeURIComponent(
      setCookies
        .find((line) => line.startsWith(`${name}=`))
        ?.split(';')[0]
        ?.slice(name.length + 1) ?? '',
    )
  return {
    cookie: cookieHeader(setCookies),
    sessionToken: value('stytch_session'),
    sessionJwt: value('stytch_session_jwt'),
    setCookies,
  }
}
