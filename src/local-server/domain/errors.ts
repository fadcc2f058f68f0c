// The error a route answers with (status, Stytch error_type, message), and the common ones.

/** Thrown by handlers and domain code; the router turns it into the Stytch envelope. */
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
