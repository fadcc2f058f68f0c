// Who may reach the local server: loopback only unless told otherwise, and requests must name it
// in `Host` (the DNS rebinding defence).
import { networkInterfaces } from 'node:os'

/** `host[:port]` as it may appear in a Host header or an allow-list entry. */
const HOST_SYNTAX = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/

interface HostName {
  /** Canonical: lower case, IPv6 in brackets and compressed, IPv4 dotted quad. */
  hostname: string
  /** Explicit port, or undefined when none was written (port 80 for a Host header). */
  port: number | undefined
}

function parseHost(text: string): HostName | undefined {
  if (!HOST_SYNTAX.test(text)) return undefined
  try {
    const url = new URL(`http://${text}`)
    const written = /:(\d{1,5})$/.exec(text.replace(/^\[[^\]]*\]/, ''))
    return { hostname: url.hostname, port: written ? Number(written[1]) : undefined }
  } catch {
    return undefined
  }
}

/** Canonical host name of a listen address such as `127.0.0.1`, `::1` or `localhost`. */
function canonicalListenHost(host: string): string | undefined {
  return parseHost(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host)?.hostname
}

const isLoopbackName = (hostname: string) =>
  hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname)

/** True for addresses only this machine can reach: `localhost`, 127.0.0.0/8, `::1`. */
export function isLoopbackHost(host: string): boolean {
  const hostname = canonicalListenHost(host)
  return hostname !== undefined && isLoopbackName(hostname)
}

const isWildcard = (hostname: string) => hostname === '0.0.0.0' || hostname === '[::]'

/** This machine's interface addresses, canonical, for a server bound to 0.0.0.0 or `::`. */
function interfaceAddresses(): string[] {
  const names: string[] = []
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      const hostname = canonicalListenHost(entry.address)
      if (hostname !== undefined) names.push(hostname)
    }
  }
  return names
}

/** Validates `allowedHosts` entries (`name` or `name:port`); throws a TypeError naming a bad one. */
export function checkAllowedHosts(entries: readonly string[] | undefined): void {
  if (entries === undefined) return
  if (!Array.isArray(entries)) throw new TypeError('"allowedHosts" must be an array of host names')
  for (const entry of entries) {
    if (typeof entry !== 'string' || parseHost(entry) === undefined) {
      throw new TypeError(
        `"allowedHosts" entries must be host names, optionally with a port: got ${JSON.stringify(entry)}`,
      )
    }
  }
}

/**
 * Builds the Host check. Accepted: `Host` naming a loopback address (`127.0.0.1`, `localhost`,
 * `[::1]`) or the listen address (every interface address when bound to 0.0.0.0 or `::`) with
 * the server's port; or a name in `allowedHosts` (with any port, or the one the entry gives).
 *
 * Why: a web page can point a DNS name it controls at 127.0.0.1 (DNS rebinding) and then read the
 * server as its own origin; its requests then carry `Host: attacker.example:PORT`. The outbox
 * (every sign-in code) and the JWKS take no credentials, so without this check such a page reads
 * them. IP-literal hosts are safe to accept: a page cannot serve itself from them, and the server
 * sends no CORS headers, so other origins cannot read its answers. The check covers every route,
 * not only the credential-free ones: the API routes also need the secret, but one rule for all is
 * simpler to reason about, keeps a rebinding page from even probing them, and costs real clients
 * nothing, since the SDK and the middleware send the host of the URL they were given.
 */
export function createHostCheck(input: {
  listenHost: string
  port: number
  allowedHosts?: readonly string[] | undefined
}): (hostHeader: string | undefined) => boolean {
  const own = new Set(['localhost', '127.0.0.1', '[::1]'])
  const listen = canonicalListenHost(input.listenHost)
  if (listen !== undefined) own.add(listen)
  if (listen !== undefined && isWildcard(listen)) {
    for (const address of interfaceAddresses()) own.add(address)
  }
  const allowed = (input.allowedHosts ?? []).flatMap((entry) => parseHost(entry) ?? [])
  return (hostHeader) => {
    const given = hostHeader === undefined ? undefined : parseHost(hostHeader.trim())
    if (given === undefined) return false
    const port = given.port ?? 80
    if (port === input.port && (own.has(given.hostname) || isLoopbackName(given.hostname))) {
      return true
    }
    return allowed.some(
      (entry) =>
        entry.hostname === given.hostname && (entry.port === undefined || entry.port === port),
    )
  }
}

/**
 * What a start on a non-loopback address exposes, for a loud warning. Never includes the secret.
 */
export function remoteExposureWarning(url: string): string {
  return [
    `The Stytch B2B local server listens on ${url}, beyond this machine (allowRemote / --allow-remote).`,
    `Anyone who can reach it reads every sign-in code at ${url}/__local/outbox and can sign in as any address;`,
    'with the secret they can also create organizations and members. It is a development server:',
    'never expose it to a network you do not control.',
  ].join('\n')
}

/** Warning for a start under NODE_ENV=production. */
export const PRODUCTION_WARNING =
  'The Stytch B2B local server is running with NODE_ENV=production. It is a development server: ' +
  'it sends no email and hands out every sign-in code at /__local/outbox. Use real Stytch credentials in production.'
