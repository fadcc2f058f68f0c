// The error envelope of the Stytch API (https://stytch.com/docs/b2b/api/errors).

/**
 * Body of every non-2xx answer. `error_type` is the stable code to branch on; `error_url` points
 * to its page under https://stytch.com/docs/b2b/api/errors.
 */
export interface StytchErrorBody {
  status_code: number
  request_id: string
  error_type: string
  error_message: string
  error_url: string
  error_details?: Record<string, unknown> | null
}
