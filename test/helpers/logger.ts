// A logger for the middleware that keeps what it was told, each line marked `info: ` or `warn: `.
import type { StytchB2BOptions } from '../../src/index.js'

/** `logger` for the options; `lines` holds what it logged, in order. */
export function capturingLogger(): {
  lines: string[]
  logger: NonNullable<StytchB2BOptions['logger']>
} {
  const lines: string[] = []
  return {
    lines,
    logger: {
      info: (line) => lines.push(`info: ${line}`),
      warn: (line) => lines.push(`warn: ${line}`),
    },
  }
}
