// Vitest: the whole suite (`npm test`) as four projects, so each slow part also runs on its own.
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url))

const BROWSER = 'test/e2e/browser*.test.ts'
const CRASH = 'test/local-server/durable-crash.test.ts'
const BENCH = 'test/bench/**/*.test.ts'

export default defineConfig({
  resolve: {
    // Examples import the package by name, as users do; tests run them against the sources.
    alias: [
      { find: /^stytch-b2b-middleware$/, replacement: src('index.ts') },
      { find: /^stytch-b2b-middleware\/(.+)$/, replacement: src('$1/index.ts') },
    ],
  },
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Most tests wait on sockets and child processes, so one worker more than the default
    // (cores - 1) keeps the CPUs busy: on 2 cores, 3 workers ran the suite in ~130 s, 1 in ~350 s.
    maxWorkers: Math.max(3, availableParallelism() - 1),
    // A worker imports Express, Koa, the sources and the helpers once, not once per file (that
    // was a quarter of the CPU time). It holds because the sources keep no module state a test
    // could see and every test file undoes what it changes globally (vi.unstubAllEnvs, listeners).
    isolate: false,
    // `npm run test:<name>` runs one project.
    projects: [
      {
        extends: true,
        test: {
          name: 'quick',
          include: ['test/**/*.test.ts'],
          exclude: [BROWSER, CRASH, BENCH],
          typecheck: { enabled: true, include: ['test/types/**/*.test-d.ts'] },
        },
      },
      { extends: true, test: { name: 'browser', include: [BROWSER] } },
      { extends: true, test: { name: 'crash', include: [CRASH] } },
      // The benchmark's smoke run starts its own servers and loads them; beside busy workers on a
      // busy machine it has died of a reset socket, so it runs once every other file is done.
      { extends: true, test: { name: 'bench', include: [BENCH], sequence: { groupOrder: 1 } } },
    ],
  },
})
