// Sealing of the MFA secrets the server must read back (TOTP secrets, recovery codes).
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto'
import type { ServerContext } from './context.js'

/**
 * Unlike email and SMS codes, a TOTP secret and the recovery codes must be read back (to check a
 * code, and for GET recovery_codes), so they cannot be hashed. They are sealed with AES-256-GCM
 * under a key derived from the server's OTP key. That key lives in the same store (its settings),
 * so this keeps the secrets out of a dump of the MFA records, not out of a copy of the whole data
 * dir: the local server is a development server, and its data dir is as sensitive as its secret.
 */
function sealKey(ctx: ServerContext): Buffer {
  return createHmac('sha256', ctx.otpKey).update('mfa-seal-v1').digest()
}

export function seal(ctx: ServerContext, plain: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', sealKey(ctx), iv)
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')
}

export function unseal(ctx: ServerContext, sealed: string): string {
  const bytes = Buffer.from(sealed, 'base64url')
  const decipher = createDecipheriv('aes-256-gcm', sealKey(ctx), bytes.subarray(0, 12))
  decipher.setAuthTag(bytes.subarray(12, 28))
  return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8')
}
