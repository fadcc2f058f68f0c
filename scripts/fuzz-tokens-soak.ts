// Long soak of the token fuzzer: a million mutated and grammar-built tokens through the real verification path.
// Run: node --import tsx scripts/fuzz-tokens-soak.ts [count]   (prints the counts; exits 1 if any token passed)
import fc from 'fast-check'
import { decodeProtectedHeader } from 'jose'
import { createAuth } from '../src/index.js'
import { createStack, seedOrganization, signIn } from '../test/helpers/stack.js'
import { claimsOf } from '../test/helpers/tokens.js'
import { grammarTokens, mutatedTokens } from '../test/security/token-arbitraries.js'

const total = Number(process.argv[2] ?? 1_000_000)
const stack = await createStack()
try {
  await seedOrganization(stack.local, 'acme', 'ada@acme.test')
  const ada = await signIn(stack, 'ada@acme.test', 'acme')
  const auth = createAuth({
    projectId: stack.local.projectId,
    secret: stack.local.secret,
    baseUrl: stack.proxy.url,
    now: stack.clock.now,
  })
  stack.local.resetRequestCounts()
  const [, , signature] = ada.sessionJwt.split('.') as [string, string, string]
  const kids = [decodeProtectedHeader(ada.sessionJwt).kid as string]
  const counts = { tried: 0, accepted: 0, threw: 0 }
  const started = Date.now()
  const check = async (token: string) => {
    counts.tried++
    try {
      const result = await auth.authenticate({
        method: 'GET',
        url: '/',
        headers: { authorization: `Bearer ${token}` },
        https: false,
        hostname: '127.0.0.1',
      })
      if (result.session) counts.accepted++
    } catch {
      counts.threw++
    }
    if (counts.tried % 100_000 === 0)
      console.log(`${counts.tried} tokens, ${counts.accepted} accepted, ${counts.threw} threw`)
    return true
  }
  const half = Math.floor(total / 2)
  await fc.assert(fc.asyncProperty(mutatedTokens(ada.sessionJwt), check), { numRuns: half })
  await fc.assert(
    fc.asyncProperty(grammarTokens(claimsOf(ada.sessionJwt), kids, signature), check),
    {
      numRuns: total - half,
    },
  )
  console.log(
    `done: ${counts.tried} tokens in ${((Date.now() - started) / 1000).toFixed(0)} s; accepted ${counts.accepted}; threw ${counts.threw}; refresh calls ${stack.upstream('POST /v1/b2b/sessions/authenticate')}; JWKS fetches ${stack.jwksFetches()}`,
  )
  process.exitCode = counts.accepted === 0 && counts.threw === 0 ? 0 : 1
} finally {
  await stack.close()
}
