// The error a route answers with (status, Stytch error_type, message), and the common ones.

/** Thrown by handlers and domain code; the router turns it into the Stytch envelope. */
export class StytchHttpError extends Error {
  override name = 'StytchHttpError'
  readonly status: number
  readonly errorType: string
  /** The envelope's `error_details`, for the errors Stytch sends them with. */
  readonly details: Record<string, unknown> | undefined
  constructor(
    status: number,
    errorType: string,
    message: string,
    details?: Record<string, unknown> | undefined,
  ) {
    super(message)
    this.status = status
    this.errorType = errorType
    this.details = details
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

/**
 * 403 `invalid_email_for_jit_provisioning`: the email may not join the organization by its domain.
 * Stytch sends this one with `error_details` (https://github.com/stytchauth/stytch-node/pull/379,
 * whose test is a login_or_signup outside the allowed domains). Their shape is not documented;
 * ours names the organization and the refused domain, never the organization's allowed domains
 * (an app may pass the details on to the person signing in).
 */
export function invalidEmailForJitProvisioning(
  organizationId: string,
  emailDomain: string,
  message: string,
): StytchHttpError {
  return new StytchHttpError(403, 'invalid_email_for_jit_provisioning', message, {
    organization_id: organizationId,
    email_domain: emailDomain,
  })
}
