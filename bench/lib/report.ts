// Statistics and the printed table of the benchmark.

export const median = (values: readonly number[]): number => {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

export const range = (values: readonly number[], format: (n: number) => string): string =>
  values.length === 0 ? '-' : `${format(Math.min(...values))}–${format(Math.max(...values))}`

export const fmtInt = (n: number): string =>
  Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-'
export const fmt1 = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : '-')
export const fmt2 = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : '-')

export interface Row {
  section: string
  contender: string
  result: string
  range: string
  ratio: string
}

export interface Target {
  name: string
  measured: string
  /** Undefined in smoke mode: not judged. */
  pass: boolean | undefined
}

const pad = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - text.length))

/** Renders rows as a Markdown table (readable in a terminal and pasteable in the README). */
export function renderTable(rows: readonly Row[]): string {
  const header: Row = {
    section: 'Measure',
    contender: 'Contender',
    result: 'Median',
    range: 'Min–max over rounds',
    ratio: 'Ratio (same run)',
  }
  const keys = ['section', 'contender', 'result', 'range', 'ratio'] as const
  const widths = keys.map((key) => Math.max(...[header, ...rows].map((row) => row[key].length)))
  const line = (row: Row) =>
    `| ${keys.map((key, i) => pad(row[key], widths[i] as number)).join(' | ')} |`
  return [
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
  ].join('\n')
}

export function renderTargets(targets: readonly Target[]): string {
  return targets
    .map(
      (t) =>
        `${t.pass === undefined ? 'SKIP' : t.pass ? 'PASS' : 'FAIL'}  ${t.name}: ${t.measured}`,
    )
    .join('\n')
}
