// Ours as the benchmark children drive it: `createAuth` on the bench's server, and a bearer request.
import {
  type AuthCore,
  type CoreRequest,
  createAuth,
  type StytchB2BOptions,
} from 'stytch-b2b-middleware'

/** `createAuth` against the server at `url`, logging nothing; `extra` adds options. */
export function createBenchAuth(
  server: { url: string; projectId: string; secret: string },
  extra: StytchB2BOptions = {},
): AuthCore {
  return createAuth({
    projectId: server.projectId,
    secret: server.secret,
    baseUrl: server.url,
    ...extra,
    logger: { info() {}, warn() {} },
  })
}

/** `GET /` from 127.0.0.1 over plain HTTP with `Authorization: Bearer <jwt>`. */
export function bearerRequest(jwt: string): CoreRequest {
  return {
    method: 'GET',
    originalUrl: '/',
    headers: { authorization: `Bearer ${jwt}` },
    secure: false,
    hostname: '127.0.0.1',
  }
}
