// Runs the `stytch-b2b-local` command from source (through tsx's loader) in a fresh working directory per test.
import { type ChildProcess, spawn } from 'node:child_process'
import { rm } from 'node:fs/promises'
import { afterEach, beforeEach } from 'vitest'
import { tempDataDir } from './local-stores.js'

const CLI = new URL('../../src/local-server/cli.ts', import.meta.url).pathname
// tsx's loader in this process, not the tsx binary: the binary runs the script in a second node
// process, which doubles the start-up cost and which a SIGKILL of the binary would leave running.
const TSX_LOADER = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href

/** One run of the command: the process, and all it has printed so far (stdout and stderr). */
export interface CliRun {
  proc: ChildProcess
  output(): string
}

export interface CliRunner {
  /** This test's working directory: the command's default `.stytch-local/` lands in it. */
  readonly cwd: string
  /** Starts the command with the runner's arguments, then `args`; `env` adds to the runner's. */
  start(args: string[], env?: Record<string, string>): CliRun
}

/**
 * Registers hooks that give each test a fresh temp working directory, then kill what is still
 * running and remove the directory. `args` and `env` go to every run.
 * @example const cli = useCli({ args: ['--memory'] }); const { proc, output } = cli.start(['--help'])
 */
export function useCli(options: { args?: string[]; env?: Record<string, string> } = {}): CliRunner {
  let cwd: string | undefined
  const running: ChildProcess[] = []
  beforeEach(async () => {
    cwd = await tempDataDir()
  })
  afterEach(async () => {
    for (const proc of running.splice(0)) if (proc.exitCode === null) proc.kill('SIGKILL')
    if (cwd !== undefined) await rm(cwd, { recursive: true, force: true })
    cwd = undefined
  })
  const workDir = (): string => {
    if (cwd === undefined)
      throw new Error('the working directory is made by a hook: use it in a test')
    return cwd
  }
  return {
    get cwd() {
      return workDir()
    },
    start(args, env = {}) {
      const proc = spawn(
        process.execPath,
        ['--import', TSX_LOADER, CLI, ...(options.args ?? []), ...args],
        {
          cwd: workDir(),
          env: { ...process.env, ...options.env, ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
      running.push(proc)
      let text = ''
      const add = (chunk: Buffer) => {
        text += chunk.toString()
      }
      proc.stdout?.on('data', add)
      proc.stderr?.on('data', add)
      return { proc, output: () => text }
    },
  }
}

/** Polls `output` (every 50 ms, up to 15 s) until `pattern` matches; throws with the output if not. */
export async function waitForOutput(
  output: () => string,
  pattern: RegExp,
): Promise<RegExpMatchArray> {
  for (let i = 0; i < 300; i += 1) {
    const found = output().match(pattern)
    if (found) return found
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`timed out waiting for ${pattern}; output so far:\n${output()}`)
}
