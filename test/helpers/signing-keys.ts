// Stores that already hold a signing key, so a test server does not spend ~100 ms of CPU on RSA generation.
import { randomUUID } from 'node:crypto'
import type { LocalStore, StoredSigningKey } from '../../src/local-server/index.js'
import { createKeyRing } from '../../src/local-server/signing/signing-keys.js'
import { createMemoryStore } from '../../src/local-server/store/memory-store.js'
import { openSqliteStore } from '../../src/local-server/store/sqlite-store.js'
import { environmentOfProject, type StytchEnvironment } from '../../src/wire/common.js'

/**
 * One key per environment and worker process (test files share a worker's modules), made by the
 * server's own code (JWK, x5c, thumbprint). Its certificate names the template project, not the
 * server's: no test reads that name.
 */
const templates = new Map<StytchEnvironment, Promise<StoredSigningKey>>()

function template(environment: StytchEnvironment): Promise<StoredSigningKey> {
  let made = templates.get(environment)
  if (made === undefined) {
    made = (async () => {
      const store = createMemoryStore()
      await createKeyRing(`project-${environment}-key-template`, Date.now, store)
      const [key] = store.listSigningKeys().keys
      if (key === undefined) throw new Error('the key ring stored no key')
      return key
    })()
    templates.set(environment, made)
  }
  return made
}

/**
 * A signing key with a kid of its own: test servers share the RSA pair, never a kid, so a
 * JWT of one server is still unknown to another (its header, kid included, is what was signed).
 * Keys a server rotates to are generated as usual.
 */
export async function testSigningKey(projectId = 'project-test-x'): Promise<StoredSigningKey> {
  const environment = environmentOfProject(projectId)
  const key = await template(environment)
  const kid = `jwk-${environment}-${randomUUID()}`
  return { ...key, kid, jwk: { ...key.jwk, kid } }
}

/** A fresh in-memory store holding a signing key (for `startLocalServer({ store })`). */
export async function keyedMemoryStore(projectId?: string): Promise<LocalStore> {
  const store = createMemoryStore()
  store.addSigningKey(await testSigningKey(projectId))
  return store
}

/** Puts a signing key in the durable store of `dataDir` (for `startLocalServer({ dataDir })`). */
export async function addTestSigningKey(dataDir: string, projectId?: string): Promise<void> {
  const store = await openSqliteStore(dataDir)
  try {
    store.addSigningKey(await testSigningKey(projectId))
  } finally {
    store.close()
  }
}
