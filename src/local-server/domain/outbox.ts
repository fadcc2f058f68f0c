// The emails the local server "sends": kept in the store so tests and developers can read codes.
import type { OutboxMessage, OutboxStore } from '../store/local-store.js'
import { emailKey } from './ids.js'

export type { OutboxMessage } from '../store/local-store.js'

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

/** The outbox of a store (which keeps at most OUTBOX_LIMIT messages). */
export function createOutbox(store: OutboxStore): WritableOutbox {
  const list = (filter: { emailAddress?: string | undefined } = {}) =>
    store.listOutboxMessages(
      filter.emailAddress === undefined ? undefined : emailKey(filter.emailAddress),
    )
  return {
    list,
    latest: (emailAddress, kind) =>
      list({ emailAddress }).find((message) => kind === undefined || message.kind === kind),
    clear: () => store.clearOutbox(),
    push: (message) => store.pushOutboxMessage(emailKey(message.to), message),
  }
}
