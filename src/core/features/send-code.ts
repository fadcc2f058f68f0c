// A code send whose answer, rate limits included, is the same for every address: no account enumeration.

import type { Backend } from '../session/backend.js'

const lastWarning = new WeakMap<object, number>()

/**
 * Runs one code send so that its answer cannot tell a member from a non-member.
 *
 * Stytch (like the local server) counts sends per address only when it actually sends, and it
 * only sends to addresses that may sign in: after its limit a member's address gets 429 while an
 * unknown one still gets the refusal we answer as "sent". So, as serious auth services do (answer
 * uniformly, limit by the requested address rather than by what exists):
 * - the middleware counts every valid send request per address, member or not, and answers
 *   429 `ERR_RATE_LIMITED` past `rateLimits`, identically for both (the step's `limit`, counted
 *   before this runs);
 * - an upstream 429 on a send is answered like a sent code (what a non-member gets), and logged,
 *   since only an address that gets emails can reach Stytch's per-address limit. Stytch still
 *   sends nothing more, so the mailbox stays protected.
 */
export async function sendWithoutEnumeration(
  backend: Backend,
  send: () => Promise<unknown>,
): Promise<void> {
  const { config } = backend
  try {
    await send()
  } catch (error) {
    const { code, upstreamStatus } = error as { code?: unknown; upstreamStatus?: unknown }
    if (code !== 'ERR_RATE_LIMITED' && upstreamStatus !== 429) throw error
    // At most one line a minute: a flood of sends must not flood the log. No address logged.
    const time = config.now()
    if ((lastWarning.get(config.logger) ?? 0) + 60_000 <= time) {
      lastWarning.set(config.logger, time)
      config.logger.warn(
        'Stytch rate-limited a code send; answered like a sent code so the answer does not reveal whether the address has an account.',
      )
    }
  }
}
