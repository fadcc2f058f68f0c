// Tokens the tests sign themselves with a key published next to the local server's (through the proxy).
import { decodeJwt, exportJWK, generateKeyPair, type JWTHeaderParameters, SignJWT } from 'jose'
import type { UpstreamProxy } from './upstream-proxy.js'

export interface TestSigner {
  kid: string
  /** Signs `payload` with the published test key; header defaults to Stytch's. */
  sign(payload: Record<string, unknown>, header?: Partial<JWTHeaderParameters>): Promise<string>
}

/** Generates an RS256 key and publishes its public half in the JWKS the middleware fetches. */
export async function createTestSigner(
  proxy: UpstreamProxy,
  kid = 'jwk-test-signer',
): Promise<TestSigner> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048 })
  const jwk = await exportJWK(publicKey)
  proxy.extraKeys.push({ ...jwk, kid, alg: 'RS256', use: 'sig', key_ops: ['verify'] })
  return {
    kid,
    sign: (payload, header = {}) =>
      new SignJWT(payload)
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid, ...header })
        .sign(privateKey),
  }
}

/** The claims of a real session JWT, to copy and alter. */
export function claimsOf(jwt: string): Record<string, unknown> {
  return decodeJwt(jwt) as Record<string, unknown>
}

/** Base64url of a JSON value or a string. */
export function b64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString(
    'base64url',
  )
}
