// Soak of the durable local store: many crash iterations (SIGKILL mid-burst, restart, check).
// Run: node --import tsx scripts/soak-durable-store.ts [iterations=50] [writers=16]
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCrashIteration } from '../test/local-server/crash-run.js'

const iterations = Number(process.argv[2] ?? 50)
const writes = Number(process.argv[3] ?? 16)
/** A fresh data dir every so often, so that organization search stays under its 1000 limit. */
const ITERATIONS_PER_DIR = 10

/** Plain stdout: this script is a report, and biome keeps `console` out of scripts/. */
const say = (line: string) => process.stdout.write(`${line}\n`)

let failed = 0
let acknowledged = 0
let dataDir = ''
const started = Date.now()
for (let i = 1; i <= iterations; i += 1) {
  if ((i - 1) % ITERATIONS_PER_DIR === 0) {
    if (dataDir !== '') await rm(dataDir, { recursive: true, force: true })
    dataDir = await mkdtemp(join(tmpdir(), 'stytch-local-soak-'))
  }
  // Kill at a different point of the burst each time.
  const killAfter = 1 + ((i * 37) % 150)
  const result = await runCrashIteration(dataDir, i, { writes, killAfter })
  acknowledged += result.acknowledged
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
  `${iterations} iterations, ${failed} failed, ${acknowledged} acknowledged writes checked, ${seconds}s`,
)
process.exitCode = failed === 0 ? 0 : 1
