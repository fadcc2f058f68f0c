// Session-JWT signing keys: RSA 2048 pairs, the public JWKS (with x5c and x5tS256), rotation.
import { createHash, generateKeyPair, type KeyObject, randomUUID } from 'node:crypto'
import { promisify } from 'node:util'
import type { Jwk } from '../core/stytch-api/wire.js'
import { selfSignedCertificate } from './der.js'

const generateRsaKeyPair = promisify(generateKeyPair)

export interface SigningKey {
  kid: string
  privateKey: KeyObject
  publicKey: KeyObject
  jwk: Jwk
}

/** Published keys (oldest first) and the one that signs new JWTs. */
export interface KeyRing {
  current(): SigningKey
  /** Public key of a published `kid`; undefined once removed. */
  publicKey(kid: string): KeyObject | undefined
  jwks(): Jwk[]
  /** Adds a new key that signs from now on; old keys stay published. */
  rotate(): Promise<{ kid: string }>
  /** Unpublishes a key; if it was signing, the newest remaining key takes over. */
  remove(kid: string): void
}

async function createSigningKey(projectId: string, nowMs: number): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048 })
  const kid = `jwk-test-${randomUUID()}`
  const certificate = selfSignedCertificate({
    commonName: `stytch.com/${projectId}`,
    publicKey,
    privateKey,
    nowMs,
  })
  const exported = publicKey.export({ format: 'jwk' })
  const jwk: Jwk = {
    kty: 'RSA',
    use: 'sig',
    key_ops: ['verify'],
    alg: 'RS256',
    kid,
    x5c: [certificate.toString('base64')],
    // RFC 7517 4.9 x5t#S256: base64url SHA-256 of the DER certificate; Stytch spells it x5tS256.
    x5tS256: createHash('sha256').update(certificate).digest('base64url'),
    n: String(exported.n),
    e: String(exported.e),
  }
  return { kid, privateKey, publicKey, jwk }
}

/** Generates the first key pair (asynchronously: RSA generation takes tens of milliseconds). */
export async function createKeyRing(projectId: string, now: () => number): Promise<KeyRing> {
  const keys: SigningKey[] = [await createSigningKey(projectId, now())]
  let signing: SigningKey = keys[0] as SigningKey
  return {
    current: () => signing,
    publicKey: (kid) => keys.find((key) => key.kid === kid)?.publicKey,
    jwks: () =>
      keys.map((key) => ({ ...key.jwk, key_ops: [...key.jwk.key_ops], x5c: [...key.jwk.x5c] })),
    async rotate() {
      const key = await createSigningKey(projectId, now())
      keys.push(key)
      signing = key
      return { kid: key.kid }
    },
    remove(kid) {
      const index = keys.findIndex((key) => key.kid === kid)
      if (index === -1) throw new TypeError(`No published key has kid "${kid}"`)
      if (keys.length === 1) throw new TypeError('Cannot remove the only signing key')
      keys.splice(index, 1)
      if (signing.kid === kid) signing = keys[keys.length - 1] as SigningKey
    },
  }
}
