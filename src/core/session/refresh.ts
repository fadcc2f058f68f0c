// Refresh of an expired session JWT through its session token, bounded so that no request pattern
// can turn into a flood of upstream calls, and so that only a definitive answer logs anyone out.
import { LRUCache } from 'lru-cache'
import type { SessionsAuthenticateResponse } from '../../wire/sessions.js'
import { isAuthError } from '../kit/errors.js'
import type { StytchClient } from '../stytch-api/client.js'

/** What a refresh attempt decided. */
export type RefreshOutcome =
  /** Stytch confirmed the pair and issued a new JWT. */
  | { status: 'refreshed'; response: SessionsAuthenticateResponse }
  /**
   * Definitive: the token is unknown, revoked or expired upstream (`ended`), or belongs to another
   * session than the JWT's (`mismatch`). The cookies are dead and may be cleared.
   */
  | { status: 'refused'; reason: 'ended' | 'mismatch' }
  /**
   * Too many different tokens were already refused for this JWT's session: refused without an
   * upstream call. Not a verdict on this token, so the cookies are left alone.
   */
  | { status: 'blocked' }
  /**
   * Not decided: Stytch is rate limiting, failing or unreachable, or our own cap on refreshes in
   * flight is reached. The cookies are left alone; try again after `retryAfterSeconds`.
   */
  | { status: 'unavailable'; retryAfterSeconds: number }

export interface SessionRefresherOptions {
  stytch: Pick<StytchClient, 'call'>
  /** Most upstream refreshes in flight at once; past it requests get 503 with Retry-After. */
  maxConcurrent: number
  now: () => number
}

export interface SessionRefresher {
  /**
   * Refreshes the session `sessionId` (from a validly signed, expired JWT ending at `sessionEndsAt`)
   * with `sessionToken`. Never throws.
   */
  refresh(sessionId: string, sessionEndsAt: number, sessionToken: string): Promise<RefreshOutcome>
  /**
   * Records a token Stytch has just tied to `sessionId` (a sign-in or a refresh): that token is
   * never refused by the session's refusal budget, so wrong tokens sent beside a leaked JWT cannot
   * lock the owner out.
   */
  confirm(sessionId: string, sessionToken: string): void
  /**
   * Forgets everything shared for a session that was just revoked (logout, switch): the old
   * cookie pair gets no refreshed answer from the grace time, and its token is refused.
   */
  revoked(sessionId: string, sessionToken: string | undefined): void
  /** Upstream refreshes in flight now (for tests and health checks). */
  inFlight(): number
}

/** Different tokens refused for one session before further tries are refused without a call. */
export const MAX_REFUSED_TOKENS_PER_SESSION = 5
/** How long a refreshed answer is shared with requests that still carry the old JWT. */
export const REFRESH_GRACE_MS = 30_000
/** How long a refusal (of a token, or of a session's budget) is remembered, at most. */
export const REFUSAL_MEMORY_MS = 3_600_000
/** After Stytch could not decide for a session, the wait before it is asked again. */
export const UNAVAILABLE_BACKOFF_MS = 5_000
/** Entries each memory holds at most: bounded whatever an attacker sends. */
const MEMORY_ENTRIES = 10_000

interface SessionAttempts {
  /** Different tokens Stytch refused for this session. */
  refused: number
  /** Calls for this session now in flight. */
  pending: number
  /** No new call for this session before this time (after an undecided answer). */
  retryAt: number
}

interface Refreshed {
  response: SessionsAuthenticateResponse
  /** The session the token turned out to belong to. */
  sessionId: string
}

export function createSessionRefresher(options: SessionRefresherOptions): SessionRefresher {
  const { stytch, now } = options
  const perf = { now }
  // One upstream call per token, however many requests carry it at once.
  const inFlight = new Map<string, Promise<Refreshed | { failure: unknown }>>()
  // Answers shared for a short grace time: a page's parallel requests make one call, not five.
  const refreshed = new LRUCache<string, Refreshed>({
    max: MEMORY_ENTRIES,
    ttl: REFRESH_GRACE_MS,
    perf,
  })
  // Tokens Stytch said are not (or no longer) sessions: asked once, never again.
  const refusedTokens = new LRUCache<string, true>({
    max: MEMORY_ENTRIES,
    ttl: REFUSAL_MEMORY_MS,
    perf,
  })
  // Per JWT session: how many tokens were refused for it, so that one expired JWT sent with
  // endless random tokens makes at most MAX_REFUSED_TOKENS_PER_SESSION calls.
  const attempts = new LRUCache<string, SessionAttempts>({ max: MEMORY_ENTRIES, perf })
  // The token Stytch last tied to each session: it passes the budget above.
  const confirmed = new LRUCache<string, string>({
    max: MEMORY_ENTRIES,
    ttl: REFUSAL_MEMORY_MS,
    perf,
  })

  const outcomeOf = (sessionId: string, answer: Refreshed): RefreshOutcome =>
    answer.sessionId === sessionId && answer.response.session_jwt
      ? { status: 'refreshed', response: answer.response }
      : { status: 'refused', reason: 'mismatch' }

  async function refresh(
    sessionId: string,
    sessionEndsAt: number,
    sessionToken: string,
  ): Promise<RefreshOutcome> {
    const shared = refreshed.get(sessionToken)
    if (shared !== undefined) return outcomeOf(sessionId, shared)
    if (refusedTokens.has(sessionToken)) return { status: 'refused', reason: 'ended' }

    let pending = inFlight.get(sessionToken)
    if (pending === undefined) {
      const t = now()
      const memory = Math.max(1000, Math.min(REFUSAL_MEMORY_MS, sessionEndsAt - t))
      let state = attempts.get(sessionId)
      if (state === undefined) {
        state = { refused: 0, pending: 0, retryAt: 0 }
        attempts.set(sessionId, state, { ttl: memory })
      }
      const known = confirmed.get(sessionId) === sessionToken
      if (!known && state.refused >= MAX_REFUSED_TOKENS_PER_SESSION) return { status: 'blocked' }
      if (t < state.retryAt) {
        return { status: 'unavailable', retryAfterSeconds: secondsUntil(state.retryAt, t) }
      }
      // Calls in flight count against the budget too, so a burst of random tokens cannot all
      // start before the first refusal comes back.
      if (
        (!known && state.refused + state.pending >= MAX_REFUSED_TOKENS_PER_SESSION) ||
        inFlight.size >= options.maxConcurrent
      ) {
        return { status: 'unavailable', retryAfterSeconds: 1 }
      }
      pending = start(sessionId, sessionToken, state, memory)
    }
    const answer = await pending
    if ('failure' in answer) {
      return isDefinitive(answer.failure)
        ? { status: 'refused', reason: 'ended' }
        : {
            status: 'unavailable',
            retryAfterSeconds: secondsUntil(attempts.get(sessionId)?.retryAt ?? 0, now()),
          }
    }
    return outcomeOf(sessionId, answer)
  }

  function start(
    sessionId: string,
    sessionToken: string,
    state: SessionAttempts,
    memory: number,
  ): Promise<Refreshed | { failure: unknown }> {
    state.pending++
    const call = stytch.call('sessionsAuthenticate', { session_token: sessionToken }).then(
      (response): Refreshed => {
        const answer = { response, sessionId: response.member_session?.member_session_id ?? '' }
        refreshed.set(sessionToken, answer, { ttl: graceFor(response, now()) })
        // A token that belongs to another session is a refused pair for this one.
        if (answer.sessionId !== sessionId) state.refused++
        else confirmed.set(sessionId, response.session_token || sessionToken)
        return answer
      },
      (failure: unknown) => {
        if (isDefinitive(failure)) {
          refusedTokens.set(sessionToken, true, { ttl: memory })
          state.refused++
        } else {
          state.retryAt = now() + UNAVAILABLE_BACKOFF_MS
        }
        return { failure }
      },
    )
    inFlight.set(sessionToken, call)
    void call.then(() => {
      state.pending--
      inFlight.delete(sessionToken)
    })
    return call
  }

  function revoked(sessionId: string, sessionToken: string | undefined): void {
    confirmed.delete(sessionId)
    const shared: string[] = []
    for (const [token, answer] of refreshed.entries()) {
      if (answer.sessionId === sessionId) shared.push(token)
    }
    if (sessionToken !== undefined) shared.push(sessionToken)
    for (const token of shared) {
      refreshed.delete(token)
      refusedTokens.set(token, true)
    }
  }

  return {
    refresh,
    confirm: (sessionId, sessionToken) => confirmed.set(sessionId, sessionToken),
    revoked,
    inFlight: () => inFlight.size,
  }
}

/** Only Stytch saying the session is not found (unknown, revoked or expired) is a verdict. */
function isDefinitive(failure: unknown): boolean {
  return isAuthError(failure) && failure.code === 'ERR_SESSION_INVALID'
}

/** The grace time of a refreshed answer: never past the end of the session it describes. */
function graceFor(response: SessionsAuthenticateResponse, now: number): number {
  const endsAt = Date.parse(response.member_session?.expires_at ?? '')
  return Number.isNaN(endsAt) ? 1 : Math.max(1, Math.min(REFRESH_GRACE_MS, endsAt - now))
}

function secondsUntil(time: number, now: number): number {
  return Math.max(1, Math.ceil((time - now) / 1000))
}
