// The conformance suites together: every endpoint of index.json has one descriptor, some suite
// must validate its success body, and the floors add up to at least what the single suite
// validated before the split (498 responses, 35 session JWTs).

import { describe, expect, it } from 'vitest'
import { DESCRIBED_SCHEMAS, ENDPOINT_KEYS, FLOORS } from './kit.js'

describe('conformance coverage across suites', () => {
  it('describes every endpoint once and gives each to a suite', () => {
    expect([...DESCRIBED_SCHEMAS].sort()).toEqual([...ENDPOINT_KEYS].sort())
    const floors = Object.values(FLOORS)
    const covered = floors.flatMap((f) => f.endpoints.map((e) => e.schema))
    expect([...new Set(covered)].sort()).toEqual([...ENDPOINT_KEYS].sort())
    expect(ENDPOINT_KEYS).toHaveLength(32)
  })

  it('keeps the floors at or above the counts before the split', () => {
    const floors = Object.values(FLOORS)
    expect(floors.reduce((sum, f) => sum + f.responses, 0)).toBeGreaterThanOrEqual(498)
    expect(floors.reduce((sum, f) => sum + f.jwts, 0)).toBeGreaterThanOrEqual(35)
  })
})
