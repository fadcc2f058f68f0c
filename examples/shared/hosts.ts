// The app's own origins, from its listen address: the package's cross-site check and its development mailbox's Host check use them.

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

function isLoopbackName(hostname: string): boolean {
  const name = hostname.replace(/^\[(.*)\]$/, '$1')
  if (name === 'localhost' || name.endsWith('.localhost') || name === '::1') return true
  return /^127(\.\d{1,3}){3}$/.test(name)
}
