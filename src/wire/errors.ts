// The error envelope of the Stytch API (https://stytch.com/docs/api-reference/b2b/api/errors/overview).

/**
 * Body of every non-2xx answer. `error_type` is the stable code to branch on; `error_url` points
 * to its entry on the error pages (see `errorUrl`). `error_details` carries structured extras for
 * some errors (`invalid_email_for_jit_provisioning`); the official SDK passes it through since
 * stytch-node 12.16.0 (https://github.com/stytchauth/stytch-node/pull/379).
 */
export interface StytchErrorBody {
  status_code: number
  request_id: string
  error_type: string
  error_message: string
  error_url: string
  error_details?: Record<string, unknown> | null
}

/**
 * Stytch's B2B error pages, one per status with an anchor per error type, e.g.
 * `https://stytch.com/docs/api-reference/b2b/api/errors/400#action_available_only_for_active_members`
 * (the form every example on https://stytch.com/docs/api-reference/b2b/api/errors/400 and
 * https://stytch.com/docs/api-reference/b2b/api/errors/500 uses).
 */
export const ERROR_DOCS_BASE_URL = 'https://stytch.com/docs/api-reference/b2b/api/errors'

/** `error_url` of an error: `<ERROR_DOCS_BASE_URL>/<status>#<error_type>`. */
export function errorUrl(status: number, errorType: string): string {
  return `${ERROR_DOCS_BASE_URL}/${status}#${errorType}`
}
