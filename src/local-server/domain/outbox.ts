// The emails the local server "sends": kept in memory so tests and developers can read codes.
import { emailKey } from './ids.js'

/** One email that would have been sent. */
export interface OutboxMessage {
  /** Recipient, as the request spelled it. */
  to: string
  kind: 'login' | 'signup' | 'discovery'
  /** The 6-digit one-time passcode. */
  code: string
  organization_id: string | null
  /** RFC 3339. */
  sent_at: string
}

export interface Outbox {
  /** Messages, latest first; filtered by recipient (case-insensitive) when given. */
  list(filter?: { emailAddress?: string | undefined }): OutboxMessage[]
  /** Latest message to this address (of this kind, when given). */
  latest(emailAddress: string, kind?: OutboxMessage['kind']): OutboxMessage | undefined
  clear(): void
}

/** The outbox plus the write side used by the routes. */
export interface WritableOutbox extends Outbox {
  push(message: OutboxMessage): void
}

/** Keeps at most `limit` messages so a long-running dev server does not grow forever. */
export function createOutbox(limit = 1000): WritableOutbox {
  const messages: OutboxMessage[] = []
  const list = (filter: { emailAddress?: string | undefined } = {}) => {
    const wanted = filter.emailAddress === undefined ? undefined : emailKey(filter.emailAddress)
    return messages
      .filter((message) => wanted === undefined || emailKey(message.to) === wanted)
      .reverse()
      .map((message) => ({ ...message }))
  }
  return {
    list,
    latest: (emailAddress, kind) =>
      list({ emailAddress }).find((message) => kind === undefined || message.kind === kind),
    clear() {
      messages.length = 0
    },
    push(message) {
      messages.push({ ...message })
      if (messages.length > limit) messages.shift()
    },
  }
}
