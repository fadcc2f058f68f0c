// The import rules of docs/architecture.md, checked on the source: who may import whom, and no cycles.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = resolve(import.meta.dirname, '../../src')

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

/** Every relative import of every file, as paths under src/ (`core/kit/errors.ts`). */
const IMPORTS = new Map(
  sourceFiles(SRC).map((file) => {
    const text = readFileSync(file, 'utf8')
    const targets = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((match) =>
      relative(SRC, resolve(dirname(file), (match[1] as string).replace(/\.js$/, '.ts'))),
    )
    return [relative(SRC, file), targets] as const
  }),
)

const under = (path: string, folder: string) => path.startsWith(`${folder}/`)

describe('layering of src/', () => {
  it('reads the whole tree', () => {
    expect(IMPORTS.size).toBeGreaterThan(80)
    expect(IMPORTS.get('core/create-auth.ts')).toContain('core/step-table.ts')
  })

  it.each([
    ['core', ['express', 'koa', 'local-server']],
    ['wire', ['core', 'express', 'koa', 'local-server']],
    ['local-server', ['core', 'express', 'koa']],
    ['core/kit', ['core/session', 'core/features', 'core/shared-state', 'core/stytch-api']],
    ['core/session', ['core/features']],
  ])('%s imports none of %j', (folder, forbidden) => {
    const offending = [...IMPORTS]
      .filter(([file]) => under(file, folder))
      .flatMap(([file, targets]) =>
        targets.filter((t) => forbidden.some((f) => under(t, f))).map((t) => `${file} -> ${t}`),
      )
    expect(offending).toEqual([])
  })

  it('nothing imports an adapter', () => {
    const offending = [...IMPORTS].flatMap(([file, targets]) =>
      targets.filter((t) => under(t, 'express') || under(t, 'koa')).map((t) => `${file} -> ${t}`),
    )
    expect(offending).toEqual([])
  })

  it('has no import cycle', () => {
    const cycles: string[] = []
    const state = new Map<string, 'open' | 'done'>()
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '))
        return
      }
      state.set(file, 'open')
      for (const target of IMPORTS.get(file) ?? []) visit(target, [...path, file])
      state.set(file, 'done')
    }
    for (const file of IMPORTS.keys()) visit(file, [])
    expect(cycles).toEqual([])
  })
})
