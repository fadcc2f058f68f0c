// Memory child (run with --expose-gc): a flood of distinct invalid and valid JWTs through ours; heap sampled after gc.
import { readFileSync } from 'node:fs'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { bearerRequest, createBenchAuth } from './lib/ours.js'

export interface MemorySpec {
  url: string
  projectId: string
  secret: string
  /** Distinct valid JWTs, each sent once, spread evenly through the flood. */
  tokensFile: string
  invalidCount: number
  samples: number
}

export interface MemoryResult {
  /** [requests so far, heapUsed MB after gc]. */
  samples: Array<[number, number]>
  /** Distinct valid JWTs. */
  valid: number
  /** Valid requests (each distinct JWT twice). */
  validSends: number
  invalid: number
  accepted: number
  jwksFetches: number
  seconds: number
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** The n-th distinct invalid token: malformed, unknown kid, or a known kid with a bad signature. */
function invalidToken(n: number, knownKid: string, payload: string, signature: string): string {
  switch (n % 20) {
    case 0: // right header and claims, signature of another token with one character changed
      return `${b64({ alg: 'RS256', kid: knownKid, typ: 'JWT' })}.${payload}.${n.toString(36)}${signature.slice(8)}`
    case 1:
    case 2:
    case 3:
    case 4:
      return `${b64({ alg: 'RS256', kid: `jwk-unknown-${n}`, typ: 'JWT' })}.${payload}.${signature}`
    case 5:
      return `${b64({ alg: 'none', typ: 'JWT', n })}.${payload}.`
    default:
      return `eyJ${n.toString(36)}.${payload.slice(0, 40)}.${n.toString(36)}`
  }
}

/** Runs the memory flood in this process. */
export async function runMemory(spec: MemorySpec): Promise<MemoryResult> {
  // --expose-gc in the child; in smoke mode (one process) the flag is turned on late.
  setFlagsFromString('--expose-gc')
  const gc = ((globalThis as { gc?: () => void }).gc ?? runInNewContext('gc')) as () => void
  const valid = JSON.parse(readFileSync(spec.tokensFile, 'utf8')) as string[]
  const auth = createBenchAuth(spec)
  const sample = valid[0] as string
  const [head, payload, signature] = sample.split('.') as [string, string, string]
  const knownKid = (JSON.parse(Buffer.from(head, 'base64url').toString()) as { kid: string }).kid
  await auth.authenticate(bearerRequest(sample))

  // Every valid JWT is sent twice, spread evenly: the verified cache (10,000) is full well before
  // half-time, and each second pass is again a miss (LRU reuse distance > cache size) that evicts.
  const validSends = valid.length * 2
  const total = spec.invalidCount + validSends
  const every = Math.max(1, Math.floor(total / Math.max(1, validSends)))
  const sampleEvery = Math.max(1, Math.floor(total / spec.samples))
  const samples: Array<[number, number]> = []
  const heap = () => {
    gc()
    gc()
    return process.memoryUsage().heapUsed / 2 ** 20
  }
  samples.push([0, heap()])
  let accepted = 0
  let nextValid = 0
  let nextInvalid = 0
  const started = performance.now()
  for (let step = 1; step <= total; step++) {
    const useValid =
      nextValid < validSends && (step % every === 0 || nextInvalid >= spec.invalidCount)
    const jwt = useValid
      ? (valid[nextValid++ % valid.length] as string)
      : invalidToken(nextInvalid++, knownKid, payload, signature)
    const found = await auth.authenticate(bearerRequest(jwt))
    if (found.session) accepted++
    if (step % sampleEvery === 0 || step === total) samples.push([step, heap()])
  }
  return {
    samples,
    valid: Math.min(nextValid, valid.length),
    validSends: nextValid,
    invalid: nextInvalid,
    accepted,
    jwksFetches: auth.stats().jwks?.fetches ?? 0,
    seconds: (performance.now() - started) / 1000,
  }
}

// Runs as a child: `memory.ts '<MemorySpec JSON>'`; prints the result as JSON.
if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
  const out = await runMemory(JSON.parse(process.argv[2] ?? '{}') as MemorySpec)
  process.stdout.write(`${JSON.stringify(out)}\n`)
  process.exit(0)
}
