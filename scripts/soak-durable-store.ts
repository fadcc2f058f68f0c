// Soak of the durable local store: many crash iterations (SIGKILL mid-burst, restart, check that
// every acknowledged write is there and whole, no torn write is visible, integrity_check ok).
// Run: node --import tsx scripts/soak-durable-store.ts [iterations=50] [writers=16] [metadata bytes=0]
// e.g. 30 iterations of 900 KB organization writes: ... soak-durable-store.ts 30 4 900000
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCrashIteration } from '../test/local-server/crash-run.js'

const iterations = Number(process.argv[2] ?? 50)
const writes = Number(process.argv[3] ?? 16)
const metadataBytes = Number(process.argv[4] ?? 0)
/** A fresh data dir every so often, so that organization search stays under its 1000 limit. */
const ITERATIONS_PER_DIR = 10

/** Plain stdout: this script is a report, and biome keeps `console` out of scripts/. */
const say = (line: string) => process.stdout.write(`${line}\n`)

let failed = 0
let acknowledged = 0
let lost = 0
let dataDir = ''
const started = Date.now()
for (let i = 1; i <= iterations; i += 1) {
  if ((i - 1) % ITERATIONS_PER_DIR === 0) {
    if (dataDir !== '') await rm(dataDir, { recursive: true, force: true })
    dataDir = await mkdtemp(join(tmpdir(), 'stytch-local-soak-'))
  }
  // Kill at a different point of the burst each time.
  const killAfter = metadataBytes > 0 ? 1 + ((i * 7) % 20) : 1 + ((i * 37) % 150)
  const result = await runCrashIteration(dataDir, i, { writes, killAfter, metadataBytes })
  acknowledged += result.acknowledged
  lost += result.failures.filter((failure) => failure.includes('is missing')).length
  if (result.failures.length > 0) {
    failed += 1
    say(`iteration ${i}: FAILED\n  ${result.failures.join('\n  ')}`)
  } else {
    say(`iteration ${i}: ok (${result.acknowledged} acknowledged, killed after ${killAfter})`)
  }
}
await rm(dataDir, { recursive: true, force: true })
const seconds = ((Date.now() - started) / 1000).toFixed(0)
say(
  `${iterations} iterations (${writes} writers, ${metadataBytes} B metadata per organization write), ${failed} failed, ${acknowledged} acknowledged writes checked, ${lost} lost, ${seconds}s`,
)
process.exitCode = failed === 0 ? 0 : 1
