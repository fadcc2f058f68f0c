// fast-check generators of hostile session JWTs: mutations of a real token and tokens built from a JWS grammar.
import fc from 'fast-check'

const b64 = (value: string | Uint8Array) => Buffer.from(value).toString('base64url')

const ALGS = [
  'RS256',
  'none',
  'None',
  'HS256',
  'HS512',
  'RS384',
  'PS256',
  'ES256',
  'EdDSA',
  'rs256',
  '',
]
const TYPS = ['JWT', 'jwt', 'at+jwt', 'JWE', '', undefined]

/** Any JSON-ish value, including prototype-shaped keys. */
const jsonValue = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.dictionary(
    fc.constantFrom('__proto__', 'constructor', 'alg', 'kid', 'iss', 'x'),
    fc.string(),
    { maxKeys: 3 },
  ),
)

/** Headers from the JWS grammar: Stytch-like, hostile or broken. */
const header = (kids: readonly string[]) =>
  fc.record(
    {
      alg: fc.constantFrom(...ALGS),
      typ: fc.constantFrom(...TYPS),
      kid: fc.oneof(fc.constantFrom(...kids), fc.string({ maxLength: 40 }), fc.integer()),
      jku: fc.webUrl(),
      jwk: fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 10 })),
      crit: fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 }),
      b64: fc.boolean(),
      extra: jsonValue,
    },
    { requiredKeys: ['alg'] },
  )

/** Payloads around a real claims set, with any claim removed, retyped or moved in time. */
const payload = (claims: Record<string, unknown>) =>
  fc
    .record({
      drop: fc.subarray(Object.keys(claims)),
      change: fc.dictionary(
        fc.constantFrom(...Object.keys(claims), '__proto__', 'constructor'),
        jsonValue,
        {
          maxKeys: 3,
        },
      ),
      shift: fc.integer({ min: -100_000, max: 100_000 }),
    })
    .map(({ drop, change, shift }) => {
      const copy: Record<string, unknown> = { ...claims }
      for (const key of drop) delete copy[key]
      for (const key of ['iat', 'nbf', 'exp'])
        if (typeof copy[key] === 'number') copy[key] = (copy[key] as number) + shift
      for (const [key, value] of Object.entries(change))
        Object.defineProperty(copy, key, { value, enumerable: true })
      return copy
    })

/** Tokens built from the grammar: header.payload.signature with random or stolen signatures. */
export function grammarTokens(
  claims: Record<string, unknown>,
  kids: readonly string[],
  signature: string,
) {
  return fc
    .tuple(
      header(kids),
      payload(claims),
      fc.oneof(fc.constant(signature), fc.constant(''), fc.base64String({ maxLength: 400 })),
      fc.oneof(fc.constant(3), fc.constant(2), fc.constant(5)),
    )
    .map(([h, p, s, segments]) => {
      const parts = [b64(JSON.stringify(h)), b64(JSON.stringify(p)), s.replace(/=/g, '')]
      while (parts.length < segments) parts.push(b64('x'))
      return parts.slice(0, segments).join('.')
    })
}

/** Byte-level mutations of a real, valid token: flips, cuts, insertions, swapped segments. */
export function mutatedTokens(token: string) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ %\u0000\n"'
  return fc
    .array(
      fc.oneof(
        fc.record({
          op: fc.constant('flip' as const),
          at: fc.nat(),
          char: fc.constantFrom(...alphabet),
        }),
        fc.record({
          op: fc.constant('cut' as const),
          at: fc.nat(),
          length: fc.integer({ min: 1, max: 40 }),
        }),
        fc.record({
          op: fc.constant('insert' as const),
          at: fc.nat(),
          text: fc.string({ maxLength: 8 }),
        }),
        fc.record({ op: fc.constant('swap' as const), a: fc.nat(2), b: fc.nat(2) }),
      ),
      { minLength: 1, maxLength: 4 },
    )
    .map((ops) => {
      let text = token
      for (const op of ops) {
        const at = 'at' in op ? op.at % Math.max(1, text.length) : 0
        if (op.op === 'flip') {
          const char = text[at] === op.char ? (op.char === 'A' ? 'B' : 'A') : op.char
          text = text.slice(0, at) + char + text.slice(at + 1)
        } else if (op.op === 'cut') text = text.slice(0, at) + text.slice(at + op.length)
        else if (op.op === 'insert') text = text.slice(0, at) + (op.text || '.') + text.slice(at)
        else {
          const parts = text.split('.')
          if (parts.length === 3 && op.a !== op.b) {
            ;[parts[op.a], parts[op.b]] = [parts[op.b] as string, parts[op.a] as string]
            text = parts.join('.')
          } else text = `${text}.`
        }
      }
      return text === token ? `${token}x` : text
    })
}
