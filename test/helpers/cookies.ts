// Cookies as a test client sees them: Set-Cookie lines of a response, Cookie headers for the next request, a jar.

/** The three cookies logout (and a refused refresh) clears, exactly as sent on plain-http loopback. */
export const CLEARED_COOKIES: readonly string[] = [
  'stytch_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
  'stytch_session_jwt=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
  'stytch_intermediate_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
]

/** A session cookie set on plain-http loopback (`name` is `stytch_session` or `stytch_session_jwt`). */
export function sessionCookiePattern(name: string, maxAgeSeconds = 3600): RegExp {
  return new RegExp(`^${name}=[^;]+; Max-Age=${maxAgeSeconds}; Path=/; HttpOnly; SameSite=Lax$`)
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

/** Set-Cookie lines with each non-empty value replaced by `<v>`, to compare attributes exactly. */
export function maskValues(setCookies: readonly string[]): string[] {
  return setCookies.map((line) => line.replace(/^([^=]+)=[^;]+;/, '$1=<v>;'))
}

/** The names of the Set-Cookie lines, in order. */
export function cookieNames(setCookies: readonly string[]): string[] {
  return setCookies.map((line) => line.split('=')[0] ?? '')
}

/** A minimal cookie jar for supertest: applies Set-Cookie, deletes on Max-Age=0. */
export function createCookieJar() {
  const cookies = new Map<string, string>()
  return {
    /** Applies a response's Set-Cookie lines; returns them. */
    update(response: { headers: Record<string, unknown> }): string[] {
      const lines = setCookiesOf(response)
      for (const line of lines) {
        const [pair = ''] = line.split(';')
        const index = pair.indexOf('=')
        const name = pair.slice(0, index)
        const cookieValue = pair.slice(index + 1)
        if (/;\s*Max-Age=0(;|$)/i.test(line) || cookieValue === '') cookies.delete(name)
        else cookies.set(name, cookieValue)
      }
      return lines
    },
    header(): string {
      return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    },
    names(): string[] {
      return [...cookies.keys()].sort()
    },
  }
}

export type CookieJar = ReturnType<typeof createCookieJar>
