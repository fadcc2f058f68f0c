// Intermediate session tokens: 10-minute bags of verified factors, single use.
import { INTERMEDIATE_SESSION_LIFETIME_SECONDS } from '../../wire/discovery.js'
import type { AuthenticationFactor } from '../../wire/sessions.js'
import type { IntermediateSessionRecord } from '../store/local-store.js'
import type { ServerContext } from './context.js'
import { istNotFound } from './errors.js'
import {
  emailKey,
  looksLikeIntermediateSessionToken,
  newIntermediateSessionToken,
  sha256Hex,
} from './ids.js'

export function mintIntermediateSession(
  ctx: ServerContext,
  input: {
    emailAddress: string
    factors: AuthenticationFactor[]
    organizationIdHint: string | null
  },
): { token: string; record: IntermediateSessionRecord } {
  const token = newIntermediateSessionToken()
  const record: IntermediateSessionRecord = {
    tokenHash: sha256Hex(token),
    emailAddress: input.emailAddress,
    emailKey: emailKey(input.emailAddress),
    factors: input.factors,
    organizationIdHint: input.organizationIdHint,
    expiresAtMs: ctx.now() + INTERMEDIATE_SESSION_LIFETIME_SECONDS * 1000,
  }
  ctx.store.putIntermediateSession(record)
  return { token, record }
}

/** The live IST for this token; 404 `intermediate_session_not_found` when unknown, used or expired. */
export function resolveIntermediateSession(
  ctx: ServerContext,
  token: string,
): IntermediateSessionRecord {
  if (!looksLikeIntermediateSessionToken(token)) throw istNotFound()
  const record = ctx.store.getIntermediateSession(sha256Hex(token))
  if (record === undefined) throw istNotFound()
  if (record.expiresAtMs <= ctx.now()) {
    ctx.store.deleteIntermediateSession(record.tokenHash)
    throw istNotFound()
  }
  return record
}
