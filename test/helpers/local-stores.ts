// The stores a local-server behaviour suite runs against: `describe.each(LOCAL_STORES)`.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { LocalServerOptions } from '../../src/local-server/index.js'
import { addTestSigningKey, keyedMemoryStore } from './signing-keys.js'

/** How to start a local server on one kind of store, and clean up after it. */
export interface LocalStoreCase {
  name: 'memory' | 'sqlite'
  /** Options to merge into `startLocalServer`, and a function that removes what they created. */
  prepare(): Promise<{ options: LocalServerOptions; cleanup: () => Promise<void> }>
}

/** Makes a fresh temp dir for a durable store. */
export async function tempDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'stytch-local-test-'))
}

export const LOCAL_STORES: readonly LocalStoreCase[] = [
  {
    name: 'memory',
    prepare: async () => ({
      options: { store: await keyedMemoryStore() },
      cleanup: async () => {},
    }),
  },
  {
    name: 'sqlite',
    async prepare() {
      const dataDir = await tempDataDir()
      await addTestSigningKey(dataDir)
      return {
        options: { dataDir },
        cleanup: () => rm(dataDir, { recursive: true, force: true }),
      }
    },
  },
]
