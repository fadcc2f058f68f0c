// Stytch's bodies are JSON objects, both ways: one parse for the middleware and the local server.

/** A body that is a JSON object, or why it is not (a message fit for the caller's answer). */
export type JsonObjectParse =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; message: string }

/**
 * Parses `text` as a JSON object. JSON.parse creates own data properties only, so a `__proto__`
 * key never reaches a prototype; callers still copy known fields only.
 */
export function parseJsonObject(text: string): JsonObjectParse {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { ok: false, message: 'The request body is not valid JSON.' }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, message: 'The request body must be a JSON object.' }
  }
  return { ok: true, value: value as Record<string, unknown> }
}
