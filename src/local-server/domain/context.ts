// The server's state that every domain function reads: store, keys, outbox, clock, OTP key.
import type { KeyRing } from '../signing/signing-keys.js'
import type { LocalStore } from '../store/local-store.js'
import type { WritableOutbox } from './outbox.js'

export interface ServerContext {
  projectId: string
  store: LocalStore
  keys: KeyRing
  outbox: WritableOutbox
  /** Epoch milliseconds; every expiry reads this clock. */
  now(): number
  /** Server-side HMAC key for OTP hashes; kept in the store so codes outlive a restart. */
  otpKey: Buffer
}
