// The pages' flow state between two requests: one short-lived HttpOnly cookie on basePath, HMAC-signed, never holding a code, token or secret.
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { CookiePolicy, RequestScheme } from '../../kit/cookies.js'
import { type CoreRequest, cookieHeader } from '../../kit/http.js'

/** How long a sign-in may take from one page to the next before it starts over (seconds). */
export const FLOW_LIFETIME_SECONDS = 15 * 60

/** An error to show once on the next page: a stable error code, and the field it is about. */
export interface FlowError {
  code: string
  field?: string | undefined
}

/**
 * What the pages carry from one request to the next. Only what the person typed or may see
 * (their email, a masked phone number) and ids: nothing here signs anyone in.
 */
export interface FlowState {
  email?: string | undefined
  returnTo?: string | undefined
  /** The second factor to pass: who, and which factors they have (phone masked). */
  mfa?:
    | {
        organizationId: string
        memberId: string
        phone: string | null
        totp: boolean
        smsSent: boolean
      }
    | undefined
  /** Shown once. */
  error?: FlowError | undefined
  notice?: 'signedOut' | 'restart' | undefined
  /** Form values to fill in again after an error (never a code). */
  values?: Record<string, string> | undefined
}

const VERSION = 'f1'

/** Signs and reads flow cookies with a key derived from the project secret. */
export interface FlowCookies {
  /** The state of a request; `bad` when a cookie was there but tampered, forged or stale. */
  read(request: CoreRequest): { state: FlowState | undefined; bad: boolean }
  write(state: FlowState, scheme: RequestScheme): string
  clear(scheme: RequestScheme): string
}

export function createFlowCookies(
  secret: string,
  cookies: CookiePolicy,
  now: () => number,
): FlowCookies {
  // A key of its own: the project secret itself is never used as a MAC key of ours.
  const key = createHmac('sha256', secret).update('stytch-b2b-middleware/pages-flow/v1').digest()
  const mac = (payload: string) =>
    createHmac('sha256', key).update(`${VERSION}.${payload}`).digest('base64url')
  return {
    read(request) {
      const value = cookies.value('pagesFlow', cookieHeader(request), request)
      if (value === undefined || value === '') return { state: undefined, bad: false }
      const [version, payload = '', signature = ''] = value.split('.')
      const expected = Buffer.from(mac(payload))
      const given = Buffer.from(signature)
      if (
        version !== VERSION ||
        given.length !== expected.length ||
        !timingSafeEqual(given, expected)
      ) {
        return { state: undefined, bad: true }
      }
      try {
        const { exp, ...state } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
        if (typeof exp !== 'number' || exp * 1000 <= now()) return { state: undefined, bad: true }
        return { state: state as FlowState, bad: false }
      } catch {
        return { state: undefined, bad: true }
      }
    },
    write(state, scheme) {
      const exp = Math.floor(now() / 1000) + FLOW_LIFETIME_SECONDS
      const payload = Buffer.from(JSON.stringify({ ...state, exp })).toString('base64url')
      return cookies.serialize(
        'pagesFlow',
        `${VERSION}.${payload}.${mac(payload)}`,
        FLOW_LIFETIME_SECONDS,
        scheme,
      )
    },
    clear: (scheme) => cookies.clear('pagesFlow', scheme),
  }
}
