// Request bodies: the 1 MB cap (413, then the connection is cut) and safe JSON object parsing.

import type { IncomingMessage } from 'node:http'
import { parseJsonObject as parseJson } from '../../wire/json.js'
import { badRequest, StytchHttpError } from '../domain/errors.js'
import type { JsonObject } from '../domain/request-fields.js'

/** Largest accepted request body (bytes). */
export const MAX_BODY_BYTES = 1024 * 1024
/** After a 413, bytes still drained before the connection is cut. */
const MAX_DRAIN_BYTES = 16 * MAX_BODY_BYTES

function tooLarge(): StytchHttpError {
  return new StytchHttpError(
    413,
    'request_too_large',
    `The request body exceeds ${MAX_BODY_BYTES} bytes.`,
  )
}

/**
 * Reads the body up to MAX_BODY_BYTES. Beyond that it rejects with 413 at once and stops
 * buffering; the rest is drained (then the socket is cut) so the client can read the answer.
 */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0')
    const chunks: Buffer[] = []
    let size = 0
    let overflowed = false
    const overflow = () => {
      overflowed = true
      chunks.length = 0
      reject(tooLarge())
    }
    if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) overflow()
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (overflowed) {
        if (size > MAX_DRAIN_BYTES) req.destroy()
        return
      }
      if (size > MAX_BODY_BYTES) overflow()
      else chunks.push(chunk)
    })
    req.on('end', () => {
      if (!overflowed) resolve(Buffer.concat(chunks))
    })
    req.on('error', (error) => {
      if (!overflowed) reject(error)
    })
  })
}

/** Parses a JSON object body (handlers copy known fields only). Empty body = `{}`. */
export function parseJsonObject(raw: Buffer): JsonObject {
  const text = raw.toString('utf8').trim()
  if (text === '') return {}
  const parsed = parseJson(text)
  if (!parsed.ok) throw badRequest(parsed.message)
  return parsed.value as JsonObject
}
