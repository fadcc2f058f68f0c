// Shapes every Stytch B2B answer shares.

/** RFC 3339 UTC timestamp string, e.g. `2023-01-09T07:41:52Z`. */
export type Rfc3339 = string

/** Fields every successful Stytch answer carries. */
export interface StytchResponseBase {
  request_id: string
  status_code: number
}
