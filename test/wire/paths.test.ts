// The one path table against the documented endpoints: the schema index in test/fixtures is written
// independently of src/, so a typo in src/wire/paths.ts cannot hide behind tests that share the table.
import { describe, expect, test } from 'vitest'
import { ROUTES } from '../../src/local-server/routes/table.js'
import { STYTCH_PATHS, stytchPath } from '../../src/wire/paths.js'
import { ENDPOINT_KEYS } from '../helpers/schemas.js'

const documentedPaths = [...new Set(ENDPOINT_KEYS.map((key) => key.split(' ')[1]))].sort()

describe('the Stytch path table', () => {
  test('holds exactly the documented paths, each once', () => {
    const paths = Object.values(STYTCH_PATHS)
    expect(new Set(paths).size).toBe(paths.length)
    expect([...paths].sort()).toEqual(documentedPaths)
  })

  test('the local server answers every documented endpoint with its method, and no other', () => {
    const served = ROUTES.map((route) => `${route.method} ${route.path}`)
    expect(served.sort()).toEqual([...ENDPOINT_KEYS].sort())
  })

  test('fills path parameters percent-encoded', () => {
    expect(stytchPath('membersGet', { organization_id: 'org/../x y' })).toBe(
      '/v1/b2b/organizations/org%2F..%2Fx%20y/member',
    )
    expect(stytchPath('sessionsJwks', { project_id: 'project-test-1' })).toBe(
      '/v1/b2b/sessions/jwks/project-test-1',
    )
  })

  test('refuses to build a path with a parameter left out', () => {
    expect(() => stytchPath('organizationsGet')).toThrow(
      'organizationsGet: missing path parameter {organization_id}',
    )
  })
})
