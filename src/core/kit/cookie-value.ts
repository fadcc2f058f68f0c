// One cookie's value in a Cookie header, written here for speed and for duplicates; kept equal to `cookie`'s parse by test/core/kit/cookie-value.test.ts.
//
// Why not `parseCookie` from `cookie` (which this package uses to write Set-Cookie): every request
// with a session reads our cookies, and a parse builds an object of every cookie in the header (a
// browser sends all of the site's) where we need one to three names; in bench/hot-path.ts it cost
// about 6 µs of a request. And a parse keeps one of two cookies with the same name without saying
// so, where a duplicate of ours is a planted cookie (from a sibling subdomain) that must count as
// absent. The grammar is `cookie`'s: pairs split at `;`, blanks trimmed around names and values,
// percent-escapes decoded (Set-Cookie values are written with `encodeURIComponent`).

const SEMICOLON = 59
const EQUALS = 61
/** Space or tab (`NaN`, read past either end of the string, is neither). */
const isBlank = (code: number): boolean => code === 32 || code === 9

/**
 * The value of the cookie `name` in a `Cookie` header, percent-decoded; `undefined` when the
 * header does not carry it, or carries it more than once.
 */
export function cookieValue(header: string, name: string): string | undefined {
  let value: string | undefined
  for (let at = header.indexOf(name); at !== -1; at = header.indexOf(name, at + 1)) {
    // A match counts when it is a whole name: at the start of a pair, followed by `=`.
    let before = at - 1
    while (isBlank(header.charCodeAt(before))) before--
    if (before >= 0 && header.charCodeAt(before) !== SEMICOLON) continue
    let equals = at + name.length
    while (isBlank(header.charCodeAt(equals))) equals++
    if (header.charCodeAt(equals) !== EQUALS) continue
    if (value !== undefined) return undefined
    let end = header.indexOf(';', equals)
    if (end === -1) end = header.length
    let start = equals + 1
    while (start < end && isBlank(header.charCodeAt(start))) start++
    while (end > start && isBlank(header.charCodeAt(end - 1))) end--
    value = header.slice(start, end)
  }
  return value === undefined ? undefined : decode(value)
}

/** `cookie`'s decoding: percent-escapes decoded when there are any and they are well-formed. */
function decode(value: string): string {
  if (!value.includes('%')) return value
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
