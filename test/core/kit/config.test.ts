// Options: validated once at the factory call with a TypeError naming the option; credentials and environments.
import { afterEach, describe, expect, test, vi } from 'vitest'
import { ADAPTERS } from '../../helpers/stack.js'

/** Credentials that pass validation, for checking the other options. */
const CREDENTIALS = { projectId: 'project-test-00000000-0000', secret: 'secret-x' }

describe.each(ADAPTERS)('$name', (adapter) => {
  const { stytchB2B, requireSession } = adapter
  afterEach(() => {
    vi.unstubAllEnvs()
  })

  describe('options are validated once, naming the option', () => {
    test.each([
      [{ projectId: 'project-test-x' }, /"secret" is missing/],
      [{ projectId: 'nope', secret: 's' }, /"projectId"/],
      [{ projectId: 'project-test-x', secret: 's', baseUrl: 'ftp://x' }, /"baseUrl"/],
      [{ projectId: 'project-test-x', secret: 's', basePath: 'auth' }, /"basePath"/],
      [{ projectId: 'project-test-x', secret: 's', requestTimeoutMs: 0 }, /"requestTimeoutMs"/],
      [
        { projectId: 'project-test-x', secret: 's', sessionDurationMinutes: 4 },
        /"sessionDurationMinutes"/,
      ],
      [
        { projectId: 'project-test-x', secret: 's', trustedOrigins: ['https://a.example/path'] },
        /"trustedOrigins"/,
      ],
      [
        { projectId: 'project-test-x', secret: 's', cookies: { sameSite: 'none', secure: false } },
        /sameSite/,
      ],
      [
        { projectId: 'project-test-x', secret: 's', cookies: { sessionJwt: { name: '__Host-x' } } },
        /name/,
      ],
      [{ projectId: 'project-test-x', secret: 's', cookies: { path: 'x' } }, /path/],
    ] as const)('%j', (options, message) => {
      expect(() => stytchB2B(options as never)).toThrow(TypeError)
      expect(() => stytchB2B(options as never)).toThrow(message)
    })

    test('requireSession options are checked at the call', () => {
      expect(() => requireSession({ redirectTo: 'https://evil.example/login' })).toThrow(
        /"redirectTo"/,
      )
      expect(() => requireSession({ redirectTo: '//evil.example' })).toThrow(/"redirectTo"/)
      expect(() => requireSession({ roles: [] })).toThrow(/"roles"/)
    })

    test('missing credentials in production is a start-up error', () => {
      vi.stubEnv('NODE_ENV', 'production')
      vi.stubEnv('STYTCH_PROJECT_ID', '')
      vi.stubEnv('STYTCH_SECRET', '')
      expect(() => stytchB2B()).toThrow(/required in production/)
    })

    test('credentials come from the environment, and the base URL follows the project id', async () => {
      vi.stubEnv('STYTCH_PROJECT_ID', 'project-live-00000000-0000-4000-8000-000000000000')
      vi.stubEnv('STYTCH_SECRET', 'secret-live-x')
      const live = stytchB2B()
      expect(await live.auth.ready()).toEqual({
        projectId: 'project-live-00000000-0000-4000-8000-000000000000',
        baseUrl: 'https://api.stytch.com',
        embedded: false,
      })
      const test = stytchB2B({
        projectId: 'project-test-00000000-0000-4000-8000-000000000000',
        secret: 's',
      })
      expect((await test.auth.ready()).baseUrl).toBe('https://test.stytch.com')
    })
  })

  describe('appOrigin', () => {
    test.each([
      { value: 'https://app.example.com/' },
      { value: 'app.example.com' },
      { value: 'https://app.example.com/path' },
      { value: '' },
      { value: [] },
      { value: ['https://app.example.com', 'nope'] },
      { value: 42 },
    ])('refuses $value at start-up', ({ value }) => {
      expect(() => stytchB2B({ ...CREDENTIALS, appOrigin: value as unknown as string })).toThrow(
        /"appOrigin" must be an origin/,
      )
    })

    test('accepts one origin or a list', () => {
      expect(
        stytchB2B({ ...CREDENTIALS, appOrigin: 'http://localhost:3000' }).auth.config.appOrigins,
      ).toEqual(new Set(['http://localhost:3000']))
      expect(
        stytchB2B({
          ...CREDENTIALS,
          appOrigin: ['https://app.example.com', 'https://www.example.com'],
        }).auth.config.appOrigins?.size,
      ).toBe(2)
    })

    test('production without appOrigin warns once at start-up; with it, no warning', () => {
      const warnings: string[] = []
      const logger = { info() {}, warn: (message: string) => void warnings.push(message) }
      vi.stubEnv('NODE_ENV', 'production')
      stytchB2B({ ...CREDENTIALS, logger })
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toContain('"appOrigin" is not set')
      stytchB2B({ ...CREDENTIALS, logger, appOrigin: 'https://app.example.com' })
      expect(warnings).toHaveLength(1)
    })
  })

  describe('bodyTimeoutMs', () => {
    test.each([0, 5, 1.5, 300_001, '100'])('refuses %j at start-up', (value) => {
      expect(() => stytchB2B({ ...CREDENTIALS, bodyTimeoutMs: value as number })).toThrow(
        /"bodyTimeoutMs" must be an integer from 10 to 300000/,
      )
    })
  })

  describe('rbacPolicy', () => {
    test.each([
      [{ freshSeconds: 0 }, /"rbacPolicy.freshSeconds" must be an integer from 1 to 86400/],
      [{ staleIfErrorSeconds: -1 }, /"rbacPolicy.staleIfErrorSeconds"/],
      [{ timeoutMs: 1.5 }, /"rbacPolicy.timeoutMs"/],
      [{ maxBytes: 10 }, /"rbacPolicy.maxBytes" must be an integer from 1024/],
      ['fast', /"rbacPolicy" must be/],
    ])('refuses %j at start-up', (value, message) => {
      expect(() => stytchB2B({ ...CREDENTIALS, rbacPolicy: value as never })).toThrow(message)
    })

    test('defaults, and the deadline of requestTimeoutMs', () => {
      const { auth } = stytchB2B({ ...CREDENTIALS, requestTimeoutMs: 2000 })
      expect(auth.config.rbacPolicy).toEqual({
        freshMs: 300_000,
        staleIfErrorMs: 3_600_000,
        timeoutMs: 2000,
        maxBytes: 1_048_576,
      })
    })

    test('a permission guard with a malformed permission fails at start-up', () => {
      expect(() => requireSession({ permission: { resourceId: 'docs', action: '' } })).toThrow(
        /"permission": "action"/,
      )
    })
  })
})
