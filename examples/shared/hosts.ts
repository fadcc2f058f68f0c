// The app's own origins, from its listen address, and the Host check that keeps the development mailbox off rebound host names.

/**
 * The origins the example is reached at: `APP_ORIGIN` (comma-separated) when set, e.g. behind a
 * proxy, else the listen address as browsers name it (`localhost` and `127.0.0.1` for a loopback
 * or wildcard address).
 * @example appOriginsFor('127.0.0.1', 3000, {}) // ['http://localhost:3000', 'http://127.0.0.1:3000']
 */
export function appOriginsFor(
  host: string,
  port: number,
  env: Record<string, string | undefined> = process.env,
): string[] {
  const configured = env.APP_ORIGIN?.split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '')
  if (configured !== undefined && configured.length > 0) return configured
  const wildcard = host === '0.0.0.0' || host === '::' || host === ''
  if (wildcard || isLoopbackName(host)) {
    return [`http://localhost:${port}`, `http://127.0.0.1:${port}`]
  }
  return [`http://${host.includes(':') ? `[${host}]` : host}:${port}`]
}

/** The answer to a request for the mailbox under a host name that is not the app's. */
export const FOREIGN_HOST = "This page is only served under the app's own host name."

/**
 * Whether a request's `Host` header names this app. With `appOrigin`, only its hosts; without,
 * only loopback names (the examples' default). Anything else is a DNS-rebinding attempt: a page on
 * `evil.example` that resolves to 127.0.0.1 reaches the app with `Host: evil.example`, and the
 * browser lets that page read the answer.
 */
export function isOwnHost(
  hostHeader: string | undefined,
  appOrigin: string | readonly string[] | undefined,
): boolean {
  if (hostHeader === undefined || hostHeader === '') return false
  const host = hostHeader.toLowerCase()
  if (appOrigin !== undefined) {
    const origins = typeof appOrigin === 'string' ? [appOrigin] : appOrigin
    return origins.some((origin) => new URL(origin).host === host)
  }
  let hostname: string
  try {
    hostname = new URL(`http://${host}`).hostname
  } catch {
    return false
  }
  return isLoopbackName(hostname)
}

function isLoopbackName(hostname: string): boolean {
  const name = hostname.replace(/^\[(.*)\]$/, '$1')
  if (name === 'localhost' || name.endsWith('.localhost') || name === '::1') return true
  return /^127(\.\d{1,3}){3}$/.test(name)
}
