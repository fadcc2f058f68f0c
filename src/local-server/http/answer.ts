// Writing answers: JSON bodies, and Stytch's error envelope for route and storage errors.
import type { ServerResponse } from 'node:http'
import { errorUrl, type StytchErrorBody } from '../../wire/errors.js'
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

/** The wire envelope of `error`; `error_details` only where the error has some. */
function errorBody(requestId: string, error: StytchHttpError): StytchErrorBody {
  return {
    status_code: error.status,
    request_id: requestId,
    error_type: error.errorType,
    error_message: error.message,
    error_url: errorUrl(error.status, error.errorType),
    ...(error.details === undefined ? {} : { error_details: error.details }),
  }
}

export function sendError(
  res: ServerResponse,
  requestId: string,
  error: StytchHttpError,
  headers: Record<string, string> = {},
): void {
  sendJson(res, error.status, errorBody(requestId, error), headers)
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
