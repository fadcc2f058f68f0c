// Benchmark mode: smoke (tiny counts, everything in one process, no targets) or full.

/** `BENCH_SMOKE=1` or `--smoke`: a few seconds, used by test/bench/smoke.test.ts. */
export const SMOKE = process.env.BENCH_SMOKE === '1' || process.argv.includes('--smoke')
