// Session-JWT signing keys: RSA 2048 pairs, the public JWKS (with x5c and x5tS256), rotation.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  type KeyObject,
  randomUUID,
} from 'node:crypto'
import { promisify } from 'node:util'
import type { Jwk } from '../../wire/jwt.js'
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

/** A signing key as a durable store keeps it: the private key as PKCS #8 PEM, the JWK as published. */
export interface StoredSigningKey {
  kid: string
  privateKeyPem: string
  jwk: Jwk
}

/**
 * Where a key ring keeps its keys, oldest first, with the kid that signs new JWTs. A durable
 * store implements it so that JWTs survive a restart and every process on one data dir signs
 * with the same kid.
 */
export interface KeyStorage {
  list(): { keys: StoredSigningKey[]; signingKid: string | null }
  add(key: StoredSigningKey): void
  /** Removes the key and makes `signingKid` sign (null: leave the signing kid as it is). */
  remove(kid: string, signingKid: string | null): void
}

function toStored(key: SigningKey): StoredSigningKey {
  return {
    kid: key.kid,
    privateKeyPem: String(key.privateKey.export({ format: 'pem', type: 'pkcs8' })),
    jwk: key.jwk,
  }
}

/** Reads keys from `storage` on every call (another process may have rotated), parsing each once. */
async function createStoredKeyRing(
  projectId: string,
  now: () => number,
  storage: KeyStorage,
): Promise<KeyRing> {
  const parsed = new Map<string, SigningKey>()
  const load = (stored: StoredSigningKey): SigningKey => {
    let key = parsed.get(stored.kid)
    if (key === undefined) {
      const privateKey = createPrivateKey(stored.privateKeyPem)
      key = { kid: stored.kid, privateKey, publicKey: createPublicKey(privateKey), jwk: stored.jwk }
      parsed.set(stored.kid, key)
    }
    return key
  }
  if (storage.list().keys.length === 0) {
    storage.add(toStored(await createSigningKey(projectId, now())))
  }
  const snapshot = () => {
    const { keys, signingKid } = storage.list()
    const signing = keys.find((key) => key.kid === signingKid) ?? keys[keys.length - 1]
    if (signing === undefined) throw new TypeError('The store holds no signing key')
    return { keys, signing }
  }
  return {
    current: () => load(snapshot().signing),
    publicKey(kid) {
      const found = storage.list().keys.find((key) => key.kid === kid)
      return found && load(found).publicKey
    },
    jwks: () =>
      storage
        .list()
        .keys.map(({ jwk }) => ({ ...jwk, key_ops: [...jwk.key_ops], x5c: [...jwk.x5c] })),
    async rotate() {
      const key = await createSigningKey(projectId, now())
      storage.add(toStored(key))
      return { kid: key.kid }
    },
    remove(kid) {
      const { keys, signing } = snapshot()
      const index = keys.findIndex((key) => key.kid === kid)
      if (index === -1) throw new TypeError(`No published key has kid "${kid}"`)
      if (keys.length === 1) throw new TypeError('Cannot remove the only signing key')
      const rest = keys.filter((key) => key.kid !== kid)
      const next = signing.kid === kid ? (rest[rest.length - 1] as StoredSigningKey) : signing
      storage.remove(kid, next.kid)
      parsed.delete(kid)
    },
  }
}

/**
 * Generates the first key pair (asynchronously: RSA generation takes tens of milliseconds), or
 * with `storage`, uses the keys stored there and generates one only when there are none.
 */
export async function createKeyRing(
  projectId: string,
  now: () => number,
  storage?: KeyStorage,
): Promise<KeyRing> {
  if (storage !== undefined) return createStoredKeyRing(projectId, now, storage)
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
