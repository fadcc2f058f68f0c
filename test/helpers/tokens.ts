// Tokens the tests sign themselves with a key published next to the local server's (through the proxy).
import { generateKeyPairSync, type KeyObject, randomBytes, sign as rsaSign } from 'node:crypto'
import { decodeJwt } from 'jose'
import type { UpstreamProxy } from './upstream-proxy.js'

export interface TestSigner {
  kid: string
  privateKey: KeyObject
  publicKey: KeyObject
  /** Signs `payload` with the published key; the header defaults to Stytch's `{alg, typ, kid}`. */
  sign(payload: Record<string, unknown>, header?: Record<string, unknown>): Promise<string>
  /** Signs raw header and payload text as given (duplicate keys, odd bytes…) with RS256. */
  signRaw(headerText: string | Buffer, payloadText: string | Buffer): string
}

/** Generates an RS256 key and publishes its public half in the JWKS the middleware fetches. */
export async function createTestSigner(
  proxy: UpstreamProxy,
  kid = 'jwk-test-signer',
  modulusLength = 2048,
): Promise<TestSigner> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength })
  const jwk = publicKey.export({ format: 'jwk' })
  proxy.extraKeys.push({ ...jwk, kid, alg: 'RS256', use: 'sig', key_ops: ['verify'] })
  const signRaw = (headerText: string | Buffer, payloadText: string | Buffer): string => {
    const input = `${b64url(headerText)}.${b64url(payloadText)}`
    return `${input}.${rsaSign('sha256', Buffer.from(input), privateKey).toString('base64url')}`
  }
  return {
    kid,
    privateKey,
    publicKey,
    signRaw,
    sign: async (payload, header = {}) =>
      signRaw(
        JSON.stringify({ alg: 'RS256', typ: 'JWT', kid, ...header }),
        JSON.stringify(payload),
      ),
  }
}

/** The claims of a real session JWT, to copy and alter. */
export function claimsOf(jwt: string): Record<string, unknown> {
  return decodeJwt(jwt) as Record<string, unknown>
}

/** Base64url of a JSON value, a string or bytes. */
export function b64url(value: unknown): string {
  if (Buffer.isBuffer(value)) return value.toString('base64url')
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString(
    'base64url',
  )
}

/** A random string shaped like `token` (same length, base64url alphabet): a session token nobody issued. */
export function randomTokenLike(token: string): string {
  return randomBytes(token.length).toString('base64url').slice(0, token.length)
}

/** Stytch session JWTs live five minutes. */
export const JWT_LIFETIME_MS = 5 * 60_000

/** The claims of `jwt`, issued again at `nowMs` for a Stytch lifetime: what a published key may sign. */
export function freshClaims(jwt: string, nowMs: number): Record<string, unknown> {
  const now = Math.floor(nowMs / 1000)
  return { ...claimsOf(jwt), iat: now, nbf: now, exp: now + JWT_LIFETIME_MS / 1000 }
}
