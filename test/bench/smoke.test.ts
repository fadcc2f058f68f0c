// The benchmark in smoke mode (tiny counts, one process): it still runs and prints every row. @see issue 6
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect, test } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))

test('npm run bench -- --smoke prints the table with every row and every target', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'bench/run.ts', '--smoke'],
    { cwd: root, env: { ...process.env, BENCH_SMOKE: '1' }, timeout: 90_000 },
  )
  const rows = stdout.split('\n').filter((line) => line.startsWith('| '))
  const has = (section: string, contender: string) =>
    rows.some((row) => {
      const cells = row.split('|').map((cell) => cell.trim())
      return cells[1]?.startsWith(section) && cells[2] === contender
    })
  for (const contender of [
    'bare (cookie sent, ignored)',
    'bare (bearer sent, ignored)',
    'ours (cookie)',
    'ours (bearer)',
    'jose-direct',
    'express-jwt',
    'fast-jwt',
    'stytch-sdk',
  ]) {
    expect(has('steady state', contender), contender).toBe(true)
  }
  for (const contender of ['ours', 'jose-direct', 'express-jwt', 'fast-jwt', 'stytch-sdk']) {
    expect(has('cache miss', contender), contender).toBe(true)
    expect(has('cold burst', contender), contender).toBe(true)
    expect(has('unknown-kid flood', contender), contender).toBe(true)
    expect(has('rotation', contender), contender).toBe(true)
  }
  for (const contender of [
    'node:crypto RS256 verify (floor)',
    'jose.jwtVerify, local key set',
    'stytch-sdk authenticateJwtLocal',
    'ours, cache hit',
    'ours, cache miss',
  ]) {
    expect(has('per-token cost', contender), contender).toBe(true)
  }
  expect(has('memory', 'ours')).toBe(true)
  expect(has('refresh path', 'ours, JWT valid')).toBe(true)
  expect(has('refresh path', 'ours, JWT expired + session token')).toBe(true)
  expect(has('local server store: OTP send', 'durable (libsql, WAL, synchronous=FULL)')).toBe(true)
  expect(
    has('local server store: OTP authenticate', 'durable (libsql, WAL, synchronous=FULL)'),
  ).toBe(true)
  expect(has('local server restart', 'durable, after SIGKILL mid-writes')).toBe(true)
  // Every target is listed; smoke mode judges none of them.
  expect(stdout.match(/^SKIP {2}/gm)).toHaveLength(12)
  expect(stdout).not.toMatch(/^(PASS|FAIL) /m)
}, 120_000)
