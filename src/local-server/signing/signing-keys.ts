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
import { environmentOfProject } from '../../wire/common.js'
import type { Jwk } from '../../wire/jwt.js'
import type { SigningKeyStore, StoredSigningKey } from '../store/local-store.js'
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
  const kid = `jwk-${environmentOfProject(projectId)}-${randomUUID()}`
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

function toStored(key: SigningKey): StoredSigningKey {
  return {
    kid: key.kid,
    privateKeyPem: String(key.privateKey.export({ format: 'pem', type: 'pkcs8' })),
    jwk: key.jwk,
  }
}

/**
 * The key ring of a store: generates the first key pair when the store holds none (asynchronously:
 * RSA generation takes tens of milliseconds), and reads the keys from the store on every call
 * (another process sharing a data dir may have rotated), parsing each key once.
 */
export async function createKeyRing(
  projectId: string,
  now: () => number,
  storage: SigningKeyStore,
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
  if (storage.listSigningKeys().keys.length === 0) {
    storage.addSigningKey(toStored(await createSigningKey(projectId, now())))
  }
  const snapshot = () => {
    const { keys, signingKid } = storage.listSigningKeys()
    const signing = keys.find((key) => key.kid === signingKid) ?? keys[keys.length - 1]
    if (signing === undefined) throw new TypeError('The store holds no signing key')
    return { keys, signing }
  }
  return {
    current: () => load(snapshot().signing),
    publicKey(kid) {
      const found = storage.listSigningKeys().keys.find((key) => key.kid === kid)
      return found && load(found).publicKey
    },
    // The store hands out copies: records go in and out by value.
    jwks: () => storage.listSigningKeys().keys.map(({ jwk }) => jwk),
    async rotate() {
      const key = await createSigningKey(projectId, now())
      storage.addSigningKey(toStored(key))
      return { kid: key.kid }
    },
    remove(kid) {
      const { keys, signing } = snapshot()
      const index = keys.findIndex((key) => key.kid === kid)
      if (index === -1) throw new TypeError(`No published key has kid "${kid}"`)
      if (keys.length === 1) throw new TypeError('Cannot remove the only signing key')
      const rest = keys.filter((key) => key.kid !== kid)
      const next = signing.kid === kid ? (rest[rest.length - 1] as StoredSigningKey) : signing
      storage.removeSigningKey(kid, next.kid)
      parsed.delete(kid)
    },
  }
}
