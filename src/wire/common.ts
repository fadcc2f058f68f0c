// Shapes every Stytch B2B answer shares, and the project's environment.

/** RFC 3339 UTC timestamp string, e.g. `2023-01-09T07:41:52Z`. */
export type Rfc3339 = string

/** Fields every successful Stytch answer carries. */
export interface StytchResponseBase {
  request_id: string
  status_code: number
}

/**
 * A Stytch project's environment. Ids carry it (`organization-test-…`, `member-live-…`) and the
 * data of one is not visible from the other (https://stytch.com/docs/b2b/guides/dashboard/api-keys).
 */
export type StytchEnvironment = 'test' | 'live'

/**
 * The environment of a project id: `project-live-…` is live, anything else test. The official SDK
 * picks https://api.stytch.com for exactly these ids (`stytch/dist/shared/client.js`).
 */
export function environmentOfProject(projectId: string): StytchEnvironment {
  return projectId.startsWith('project-live-') ? 'live' : 'test'
}
