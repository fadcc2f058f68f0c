// Crash safety of the durable store: SIGKILL mid-burst, restart, acknowledged writes all there.
// @see issue 8. scripts/soak-durable-store.ts runs the same iteration many times.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCrashIteration } from './crash-run.js'

let dataDir: string
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'stytch-local-crash-'))
})
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true })
})

describe('stytch-b2b-local killed with SIGKILL during a burst of writes', () => {
  it.each([1, 2, 3])(
    'iteration %i: reopens, keeps every acknowledged write, slugs unique',
    async (iteration) => {
      const result = await runCrashIteration(dataDir, iteration)
      expect(result.acknowledged).toBeGreaterThan(0)
      expect(result.failures).toEqual([])
    },
    60_000,
  )
})
