// A form-posting client for the drop-in pages over a real socket: a cookie jar, every POST checked to answer 303, the sign-in walked page by page.
import request from 'supertest'
import { expect } from 'vitest'
import { createCookieJar } from './cookies.js'
import { latestCode, type Stack } from './stack.js'

type Response = Awaited<ReturnType<ReturnType<typeof request>['get']>>

/** The exact headers of every page answer. */
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self' data: https:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  vary: 'Accept-Language',
}

/** A browser without JavaScript: GETs pages and posts forms with one cookie jar. */
export function pageClient(app: Stack['app'], headers: Record<string, string> = {}) {
  const jar = createCookieJar()
  const seen: Response[] = []
  const keep = (response: Response) => {
    jar.update(response)
    seen.push(response)
    return response
  }
  return {
    jar,
    /** Every answer so far, to search for what must never appear. */
    seen,
    async get(path: string, extra: Record<string, string> = {}): Promise<Response> {
      const response = await request(app)
        .get(path)
        .set({ accept: 'text/html', ...headers, ...extra, cookie: jar.header() })
      return keep(response)
    },
    /** POSTs a form; the answer must be a 303 (POST-redirect-GET) unless `status` says otherwise. */
    async post(
      path: string,
      form: Record<string, string>,
      { status = 303, extra = {} }: { status?: number; extra?: Record<string, string> } = {},
    ): Promise<Response> {
      const response = await request(app)
        .post(path)
        .type('form')
        .set({ ...headers, ...extra, cookie: jar.header() })
        .send(form)
      expect(response.status, `POST ${path}: ${response.text}`).toBe(status)
      return keep(response)
    },
  }
}

export type PageClient = ReturnType<typeof pageClient>

/** Email and code through the pages: the client ends on the organizations page (GET answered). */
export async function throughCode(
  stack: Pick<Stack, 'app' | 'local'>,
  client: PageClient,
  email: string,
  returnTo?: string,
): Promise<Response> {
  const form: Record<string, string> = { email_address: email }
  if (returnTo !== undefined) form.return_to = returnTo
  const sent = await client.post('/auth/sign-in', form)
  expect(sent.headers.location).toBe('/auth/sign-in/code')
  const checked = await client.post('/auth/sign-in/code', { code: latestCode(stack.local, email) })
  expect(checked.headers.location).toBe('/auth/sign-in/organizations')
  const organizations = await client.get('/auth/sign-in/organizations')
  expect(organizations.status).toBe(200)
  return organizations
}

/** The value of a hidden `organization_id` next to `name` on an organizations page. */
export function organizationIdOf(page: string, name: string): string {
  const row = page.split('<li>').find((item) => item.includes(`<strong>${name}</strong>`))
  const id = row?.match(/name="organization_id" value="([^"]+)"/)?.[1]
  if (id === undefined) throw new Error(`no organization ${name} on the page`)
  return id
}

/** The JSON state inside a flow cookie (the test reads what the server wrote, it cannot sign one). */
export function flowPayload(setCookie: string | undefined): Record<string, unknown> | undefined {
  const value = setCookie?.match(/^stytch_pages_flow=f1\.([^.;]+)\./)?.[1]
  return value === undefined ? undefined : JSON.parse(Buffer.from(value, 'base64url').toString())
}
