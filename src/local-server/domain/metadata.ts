// trusted_metadata / untrusted_metadata updates: merged at the top level, a null value deletes its
// key, at most 20 top-level keys and 4 KB (https://stytch.com/docs/b2b/api/metadata,
// https://stytch.com/docs/api-reference/b2b/api/resources/object-update-behavior).
import { badRequest } from './errors.js'
import type { JsonObject } from './request-fields.js'

const MAX_METADATA_KEYS = 20
const MAX_METADATA_BYTES = 4096

/** `patch` merged into `existing` (a new prototype-less object); 400 past Stytch's limits. */
export function mergeMetadata(
  field: string,
  existing: Record<string, unknown> | null | undefined,
  patch: JsonObject,
): Record<string, unknown> {
  const merged: Record<string, unknown> = Object.create(null)
  Object.assign(merged, existing ?? {})
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key]
    else merged[key] = value
  }
  if (Object.keys(merged).length > MAX_METADATA_KEYS) {
    throw badRequest(`${field} may hold at most ${MAX_METADATA_KEYS} top-level keys.`)
  }
  if (Buffer.byteLength(JSON.stringify(merged)) > MAX_METADATA_BYTES) {
    throw badRequest(`${field} may not exceed ${MAX_METADATA_BYTES} bytes.`)
  }
  return merged
}
