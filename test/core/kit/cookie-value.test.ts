// Reading one cookie from a Cookie header: the same value as `cookie`'s parse, except that a name sent twice
// counts as absent; and on both adapters, what a planted, blank-padded or junk JWT cookie does to a request.
import { parseCookie } from 'cookie'
import fc from 'fast-check'
import request from 'supertest'
import { describe, expect, test } from 'vitest'
import { cookieValue } from '../../../src/core/kit/cookie-value.js'
import { ADAPTERS, useSignedIn, useStack } from '../../helpers/stack.js'

const NAME = 'stytch_session_jwt'

/** How many pairs of `header` are named `name`, by the obvious split (the reference). */
function pairsNamed(header: string, name: string): number {
  return header
    .split(';')
    .filter((pair) => pair.includes('=') && pair.slice(0, pair.indexOf('=')).trim() === name).length
}

describe('cookieValue', () => {
  test('examples: whole names only, blanks trimmed, duplicates absent', () => {
    const token = 'eyJ.abc-_.sig'
    expect(cookieValue(`${NAME}=${token}`, NAME)).toBe(token)
    expect(cookieValue(`a=1; ${NAME} = ${token} ;b=2`, NAME)).toBe(token)
    expect(cookieValue(`a=1;\t${NAME}=${token}`, NAME)).toBe(token)
    // A longer name that contains ours, ours inside a value, ours without "=": not ours.
    expect(cookieValue(`x${NAME}=1; ${NAME}_old=2; a=${NAME}=3; ${NAME}`, NAME)).toBeUndefined()
    expect(cookieValue(`__Host-${NAME}=1`, NAME)).toBeUndefined()
    // A planted twin, before or after, with or without blanks: absent.
    expect(cookieValue(`${NAME}=${token}; ${NAME}=planted`, NAME)).toBeUndefined()
    expect(cookieValue(`${NAME} =planted;${NAME}=${token}`, NAME)).toBeUndefined()
    expect(cookieValue(`${NAME}=`, NAME)).toBe('')
    expect(cookieValue('', NAME)).toBeUndefined()
  })

  test('equals parseCookie for every header that names the cookie at most once', () => {
    // Headers made of the characters that matter to the grammar, and of names close to ours.
    const piece = fc.constantFrom(
      NAME,
      `x${NAME}`,
      `${NAME}x`,
      '__Host-',
      'a',
      '=',
      ';',
      ' ',
      '\t',
      'v%41',
      '"q"',
    )
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 12 }).map((parts) => parts.join('')),
        (header) => {
          const pairs = pairsNamed(header, NAME)
          const expected = pairs === 1 ? parseCookie(header)[NAME] : undefined
          expect(cookieValue(header, NAME)).toBe(expected)
        },
      ),
      { numRuns: 5_000 },
    )
  })
})

describe.each(ADAPTERS)('$name: the session JWT cookie as a request carries it', (adapter) => {
  const stack = useStack(adapter, {}, { seed: { acme: 'ada@acme.test' } })
  const ada = useSignedIn(stack, 'ada@acme.test', 'acme')
  const get = (cookie: string) => request(stack.app).get('/protected').set('cookie', cookie)

  test('among other cookies, with blanks around it: signed in', async () => {
    const response = await get(`theme=dark;  ${NAME} = ${ada.sessionJwt} ; _ga=GA1.1`)
    expect(response.status).toBe(200)
    expect(stack.handlerRuns()).toBe(1)
  })

  test('sent twice (a planted twin, even an identical one): treated as absent', async () => {
    for (const cookie of [
      `${NAME}=${ada.sessionJwt}; ${NAME}=${ada.sessionJwt}`,
      `${NAME}=planted; ${NAME}=${ada.sessionJwt}`,
    ]) {
      const response = await get(cookie)
      expect([response.status, response.body.error.code]).toEqual([401, 'ERR_SESSION_MISSING'])
    }
    expect(stack.handlerRuns()).toBe(0)
    expect(stack.upstream('POST /v1/b2b/sessions/authenticate')).toBe(0)
  })

  test('characters no token has: absent; percent-escapes decoded, as Set-Cookie encodes them', async () => {
    for (const value of [`${ada.sessionJwt}!`, `"${ada.sessionJwt}"`, `${ada.sessionJwt}%ZZ`]) {
      const response = await get(`${NAME}=${value}`)
      expect([response.status, response.body.error.code]).toEqual([401, 'ERR_SESSION_MISSING'])
    }
    expect(stack.handlerRuns()).toBe(0)
    const encoded = await get(`${NAME}=${ada.sessionJwt.replace('.', '%2E')}`)
    expect(encoded.status).toBe(200)
    expect(stack.handlerRuns()).toBe(1)
  })
})
