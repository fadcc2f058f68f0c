// Tokens for the benchmark, obtained only through the local server's public Stytch API.
import { Agent, request } from 'node:http'
import type { LocalServer } from 'stytch-b2b-middleware/local-server'

const agent = new Agent({ keepAlive: true, maxSockets: 16 })

/**
 * Our cookie names as production sets them (Secure, so `__Host-`): the benchmark's app sets
 * `secure: true`, what `secure: 'auto'` does under NODE_ENV=production (bench/server.ts).
 */
export const COOKIE_NAMES = {
  sessionJwt: '__Host-stytch_session_jwt',
  sessionToken: '__Host-stytch_session',
} as const

/** Calls the local server with Basic auth; resolves the status and the parsed JSON body. */
export function callApi(
  local: LocalServer,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const payload = body === undefined ? undefined : JSON.stringify(body)
  const url = new URL(path, local.url)
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent,
        headers: {
          authorization: `Basic ${Buffer.from(`${local.projectId}:${local.secret}`).toString('base64')}`,
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) })
          } catch (error) {
            reject(error)
          }
        })
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(payload)
  })
}

async function expectOk(
  call: Promise<{ status: number; body: Record<string, unknown> }>,
  what: string,
): Promise<Record<string, unknown>> {
  const { status, body } = await call
  if (status !== 200) throw new Error(`${what} answered ${status}: ${JSON.stringify(body)}`)
  return body
}

export interface Login {
  memberId: string
  sessionToken: string
  sessionJwt: string
}

/** Creates an organization and a member, then signs the member in with an email OTP. */
export async function login(local: LocalServer, slug: string, email: string): Promise<Login> {
  const created = await expectOk(
    callApi(local, 'POST', '/v1/b2b/organizations', {
      organization_name: `${slug} Inc`,
      organization_slug: slug,
    }),
    'create organization',
  )
  const organizationId = (created.organization as { organization_id: string }).organization_id
  await expectOk(
    callApi(local, 'POST', `/v1/b2b/organizations/${organizationId}/members`, {
      email_address: email,
    }),
    'create member',
  )
  await expectOk(
    callApi(local, 'POST', '/v1/b2b/otps/email/login_or_signup', {
      organization_id: organizationId,
      email_address: email,
    }),
    'login_or_signup',
  )
  const code = local.outbox.latest(email)?.code
  if (code === undefined) throw new Error(`no code was sent to ${email}`)
  const body = await expectOk(
    callApi(local, 'POST', '/v1/b2b/otps/email/authenticate', {
      organization_id: organizationId,
      email_address: email,
      code,
    }),
    'otps/email/authenticate',
  )
  return {
    memberId: (body.member as { member_id: string }).member_id,
    sessionToken: body.session_token as string,
    sessionJwt: body.session_jwt as string,
  }
}

/**
 * Mints `count` distinct valid session JWTs for one session: each sessions/authenticate call sets
 * a different custom claim, so every JWT differs even within one second. `concurrency` calls run
 * at once; the local server signs each with RSA-2048.
 */
export async function mintJwts(
  local: LocalServer,
  sessionToken: string,
  count: number,
  concurrency = 16,
): Promise<string[]> {
  const jwts: string[] = new Array(count)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++
      const body = await expectOk(
        callApi(local, 'POST', '/v1/b2b/sessions/authenticate', {
          session_token: sessionToken,
          session_custom_claims: { bench_n: index },
        }),
        'sessions/authenticate',
      )
      jwts[index] = body.session_jwt as string
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
  return jwts
}
