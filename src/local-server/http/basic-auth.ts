// The API's credentials: HTTP Basic auth with the project id and secret, compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto'

const digest = (text: string) => createHash('sha256').update(text).digest()

/**
 * Constant-time check of `Authorization: Basic base64(project_id:secret)`: both sides are hashed
 * first, so neither the length nor the content of the secret leaks through timing.
 */
export function hasValidBasicAuth(
  header: string | undefined,
  projectId: string,
  secret: string,
): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '')
  const given = match ? Buffer.from(match[1] ?? '', 'base64').toString('utf8') : ''
  return timingSafeEqual(digest(given), digest(`${projectId}:${secret}`)) && match !== null
}
