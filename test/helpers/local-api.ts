// Calls the local Stytch server over real HTTP with Basic auth, returning status and parsed body.

/** What is needed to reach a local server (a `LocalServer` fits). */
export interface LocalApiTarget {
  url: string
  projectId: string
  secret: string
}

export interface StytchCallResult {
  status: number
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary fields of Stytch bodies
  body: any
  headers: Headers
}

export interface CallOptions {
  /** Send this exact string as the body instead of JSON-encoding `body`. */
  rawBody?: string | undefined
  /** Replace the Authorization header; `null` sends none. */
  authorization?: string | null | undefined
}

/** Basic auth header for a project id and secret. */
export function basicAuth(projectId: string, secret: string): string {
  return `Basic ${Buffer.from(`${projectId}:${secret}`).toString('base64')}`
}

/**
 * Calls the local server like the Stytch SDK would.
 * @example const { status, body } = await callStytch(local, 'POST', '/v1/b2b/organizations', { organization_name: 'Acme' })
 */
export async function callStytch(
  target: LocalApiTarget,
  method: string,
  path: string,
  body?: unknown,
  options: CallOptions = {},
): Promise<StytchCallResult> {
  const headers: Record<string, string> = {}
  const auth =
    options.authorization === undefined
      ? basicAuth(target.projectId, target.secret)
      : options.authorization
  if (auth !== null) headers.authorization = auth
  let payload: string | undefined = options.rawBody
  if (payload === undefined && body !== undefined) payload = JSON.stringify(body)
  if (payload !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(target.url + path, { method, headers, body: payload })
  const text = await response.text()
  let parsed: unknown = text
  try {
    parsed = JSON.parse(text)
  } catch {
    // keep the raw text so a test can show what came back
  }
  return { status: response.status, body: parsed, headers: response.headers }
}
