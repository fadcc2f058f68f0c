// Property-based fuzzing: 20,000+ mutated and grammar-built tokens through the real verification path.
import fc from 'fast-check'
import request from 'supertest'
import { beforeAll, expect, test } from 'vitest'
import { type AuthCore, createAuth } from '../../src/index.js'
import { callStytch } from '../helpers/local-api.js'
import { type SignedIn, signIn, useStack } from '../helpers/stack.js'
import { claimsOf } from '../helpers/tokens.js'
import { grammarTokens, mutatedTokens } from './token-arbitraries.js'

/** Runs per CI run; `scripts/fuzz-tokens-soak.ts` runs a million. */
const RUNS = { mutated: 10_000, grammar: 10_000, http: 500 }

const stack = useStack(undefined, {}, { scope: 'all', seed: { acme: 'ada@acme.test' } })
let ada: SignedIn
let auth: AuthCore
let kids: string[]
beforeAll(async () => {
  ada = await signIn(stack, 'ada@acme.test', 'acme')
  auth = createAuth({
    projectId: stack.local.projectId,
    secret: stack.local.secret,
    baseUrl: stack.proxy.url,
    now: stack.clock.now,
  })
  const jwks = await callStytch(
    stack.local,
    'GET',
    `/v1/b2b/sessions/jwks/${stack.local.projectId}`,
  )
  kids = jwks.body.keys.map((key: { kid: string }) => key.kid)
  stack.local.resetRequestCounts()
})

/** A plain-http GET from loopback, as the adapters hand it to `auth.authenticate`. */
const LOOPBACK_GET = {
  method: 'GET',
  originalUrl: '/',
  secure: false,
  hostname: '127.0.0.1',
}
const bearer = (token: string) => ({
  ...LOOPBACK_GET,
  headers: { authorization: `Bearer ${token}` },
})

test('the real token passes (control)', async () => {
  expect((await auth.authenticate(bearer(ada.sessionJwt))).session?.member.emailAddress).toBe(
    'ada@acme.test',
  )
})

test(`${RUNS.mutated + RUNS.grammar} fuzzed tokens: none accepted, none throws, no upstream call`, async () => {
  const counts = { tried: 0, accepted: 0 }
  const check = async (token: string) => {
    counts.tried++
    const result = await auth.authenticate(bearer(token))
    if (result.session) counts.accepted++
    return result.session === undefined
  }
  await fc.assert(fc.asyncProperty(mutatedTokens(ada.sessionJwt), check), { numRuns: RUNS.mutated })
  const [, , signature] = ada.sessionJwt.split('.') as [string, string, string]
  await fc.assert(
    fc.asyncProperty(grammarTokens(claimsOf(ada.sessionJwt), kids, signature), check),
    {
      numRuns: RUNS.grammar,
    },
  )
  console.log(`fuzz: ${counts.tried} tokens tried, ${counts.accepted} accepted`)
  expect(counts).toEqual({ tried: RUNS.mutated + RUNS.grammar, accepted: 0 })
  expect(stack.upstream('POST /v1/b2b/sessions/authenticate')).toBe(0)
  // The first fetch, then unknown kids spend at most the refetch burst of 2; the clock does not move here.
  expect(stack.jwksFetches()).toBeLessThanOrEqual(3)
}, 60_000) // a few seconds alone; beside other workers on a busy machine it has passed 20 s

test(`${RUNS.http} fuzzed tokens over HTTP as cookies and bearer headers: no 5xx, the handler never runs`, async () => {
  const statuses = new Map<number, number>()
  const runs = stack.handlerRuns()
  await fc.assert(
    fc.asyncProperty(mutatedTokens(ada.sessionJwt), fc.boolean(), async (token, asCookie) => {
      const call = request(stack.app).get('/protected')
      const printable = token.replace(/[^\x21-\x7e]/g, 'A')
      const sent = asCookie ? printable.replace(/;/g, '') : printable
      // A mutation undone on the way (a blank printed back as the 'A' it was, an escape the cookie
      // reader decodes) sends the real token: not a fuzzed one.
      fc.pre(sent !== ada.sessionJwt && (!asCookie || decoded(sent) !== ada.sessionJwt))
      const response = await (asCookie
        ? call.set('cookie', `stytch_session=${ada.sessionToken}; stytch_session_jwt=${sent}`)
        : call.set('authorization', `Bearer ${sent}`))
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
      return response.status === 401
    }),
    { numRuns: RUNS.http },
  )
  expect([...statuses.keys()]).toEqual([401])
  expect(stack.handlerRuns()).toBe(runs)
  expect(stack.upstream('POST /v1/b2b/sessions/authenticate')).toBe(0)
})

/** A cookie value as `cookie`'s parse (and ours) decodes it. */
function decoded(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
