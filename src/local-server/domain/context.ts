// What every route handler receives: the server's state and the parsed request.
import type { IncomingHttpHeaders } from 'node:http'
import type { KeyRing } from '../signing/signing-keys.js'
import type { LocalStore } from '../store/local-store.js'
import type { WritableOutbox } from './outbox.js'
import type { JsonObject } from './request-fields.js'

export interface ServerContext {
  projectId: string
  store: LocalStore
  keys: KeyRing
  outbox: WritableOutbox
  /** Epoch milliseconds; every expiry reads this clock. */
  now(): number
  /** Server-side HMAC key for OTP hashes (random per server). */
  otpKey: Buffer
}

export interface RouteRequest {
  body: JsonObject
  query: URLSearchParams
  params: Record<string, string>
  headers: IncomingHttpHeaders
}

/**
 * A route: synchronous on purpose, so that no request can interleave between a check and the
 * write that depends on it. Returns the success body without `request_id` / `status_code`.
 */
export type RouteHandler = (ctx: ServerContext, request: RouteRequest) => Record<string, unknown>
