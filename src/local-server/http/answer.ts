// Writing answers: JSON bodies, and Stytch's error envelope for route and storage errors.
import type { ServerResponse } from 'node:http'
import type { StytchErrorBody } from '../../wire/errors.js'
import { StytchHttpError } from '../domain/errors.js'
import { LocalStoreError } from '../store/local-store-error.js'

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  })
  res.end(text)
}

/** Builds the wire envelope; `error_url` follows the documented form. */
function errorBody(
  requestId: string,
  status: number,
  errorType: string,
  message: string,
): StytchErrorBody {
  return {
    status_code: status,
    request_id: requestId,
    error_type: errorType,
    error_message: message,
    error_url: `https://stytch.com/docs/api/errors/${status}#${errorType}`,
  }
}

export function sendError(
  res: ServerResponse,
  requestId: string,
  error: StytchHttpError,
  headers: Record<string, string> = {},
): void {
  sendJson(
    res,
    error.status,
    errorBody(requestId, error.status, error.errorType, error.message),
    headers,
  )
}

/**
 * The answer to an error a handler threw: its own StytchHttpError, or a 503 for a store that
 * refused a write (busy with another process, disk full, data dir gone: its message names no
 * path). Anything else is a bug, left to the generic 500.
 */
export function answerOf(error: unknown): StytchHttpError | undefined {
  if (error instanceof StytchHttpError) return error
  if (error instanceof LocalStoreError) {
    const type =
      error.code === 'ERR_LOCAL_STORE_BUSY' ? 'local_store_busy' : 'local_store_unavailable'
    return new StytchHttpError(503, type, error.message)
  }
  return undefined
}
