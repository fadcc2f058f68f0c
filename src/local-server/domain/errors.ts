// Stytch error envelope and the error thrown by route handlers to produce it.
import type { StytchErrorBody } from '../../wire/errors.js'

/** Thrown by handlers; the router turns it into the Stytch envelope with this status. */
export class StytchHttpError extends Error {
  override name = 'StytchHttpError'
  readonly status: number
  readonly errorType: string
  constructor(status: number, errorType: string, message: string) {
    super(message)
    this.status = status
    this.errorType = errorType
  }
}

/** Builds the wire envelope; `error_url` follows the documented form. */
export function errorBody(
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

/** 400 `bad_request` naming the offending field. */
export function badRequest(message: string): StytchHttpError {
  return new StytchHttpError(400, 'bad_request', message)
}

export function organizationNotFound(): StytchHttpError {
  return new StytchHttpError(404, 'organization_not_found', 'Organization could not be found.')
}

export function memberNotFound(): StytchHttpError {
  return new StytchHttpError(404, 'member_not_found', 'Member could not be found.')
}

export function sessionNotFound(): StytchHttpError {
  return new StytchHttpError(404, 'session_not_found', 'Session could not be found.')
}

export function istNotFound(): StytchHttpError {
  return new StytchHttpError(
    404,
    'intermediate_session_not_found',
    'Intermediate session could not be found.',
  )
}
