// The error of a store that cannot be used: at opening, or while the server runs.

export type LocalStoreErrorCode =
  | 'ERR_LOCAL_STORE_CORRUPT'
  | 'ERR_LOCAL_STORE_UNREADABLE'
  | 'ERR_LOCAL_STORE_FULL'
  | 'ERR_LOCAL_STORE_TOO_NEW'
  | 'ERR_LOCAL_STORE_BUSY'
  | 'ERR_LOCAL_STORE_DRIVER'
  | 'ERR_LOCAL_STORE_UNAVAILABLE'

/**
 * The data dir cannot be used; the message says what to do. Branch on `code`. While the server
 * runs, a write refused by the file system or by another process's lock (`ERR_LOCAL_STORE_FULL`,
 * `_BUSY`, `_UNAVAILABLE`) carries a message without path or SQL, fit for a 503 answer.
 */
export class LocalStoreError extends Error {
  override name = 'LocalStoreError'
  readonly code: LocalStoreErrorCode
  constructor(code: LocalStoreErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause })
    this.code = code
  }
}
