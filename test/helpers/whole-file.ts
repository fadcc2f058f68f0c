// Lets a file-wide check (a coverage floor) run once every test of the file has run, whatever the
// order, and stand aside when a filter (`-t`, `it.only`, `it.skip`) left some tests out.

import type { RunnerTask, RunnerTestSuite } from 'vitest'
import { afterAll } from 'vitest'

function allRan(task: RunnerTask): boolean {
  if (task.type === 'suite') return task.tasks.every(allRan)
  return task.mode === 'run' && task.result?.state !== undefined
}

/** Registers `check` to run after the last test of the file, only if every test of it ran. */
export function afterWholeFile(check: () => void): void {
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a hook's first argument as fixtures and wants a destructuring pattern
  afterAll(({}, suite) => {
    if (!allRan(suite as RunnerTestSuite)) return
    check()
  })
}
