// Minimal DER encoder and a self-signed X.509 v3 certificate for the JWKS `x5c` (RFC 5280).
import { type KeyObject, randomBytes, sign } from 'node:crypto'

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length])
  const bytes: number[] = []
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

/** One TLV: tag byte, DER length, content. */
function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content])
}

const sequence = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items))
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items))
const integer = (bytes: Buffer) => tlv(0x02, bytes)
const utf8 = (text: string) => tlv(0x0c, Buffer.from(text, 'utf8'))
const nullValue = () => Buffer.from([0x05, 0x00])
const bitString = (bytes: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0x00]), bytes]))
const explicit = (tagNumber: number, content: Buffer) => tlv(0xa0 | tagNumber, content)

/** 1.2.840.113549.1.1.11 sha256WithRSAEncryption, pre-encoded. */
const OID_SHA256_WITH_RSA = Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 1, 11])
/** 2.5.4.3 commonName, pre-encoded. */
const OID_COMMON_NAME = Buffer.from([0x06, 0x03, 0x55, 0x04, 0x03])

/** UTCTime (YYMMDDHHMMSSZ) before 2050, GeneralizedTime after, as RFC 5280 4.1.2.5 requires. */
function time(ms: number): Buffer {
  const iso = new Date(ms).toISOString()
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '')
  const year = new Date(ms).getUTCFullYear()
  if (year < 2050) return tlv(0x17, Buffer.from(`${digits.slice(2)}Z`, 'ascii'))
  return tlv(0x18, Buffer.from(`${digits}Z`, 'ascii'))
}

function name(commonName: string): Buffer {
  return sequence(set(sequence(OID_COMMON_NAME, utf8(commonName))))
}

/**
 * Self-signed certificate (DER) for an RSA key pair, valid for a year from `nowMs`.
 * Only carries what x5c consumers parse: subject, key, validity and a valid signature.
 */
export function selfSignedCertificate(input: {
  commonName: string
  publicKey: KeyObject
  privateKey: KeyObject
  nowMs: number
}): Buffer {
  const serial = randomBytes(16)
  // DER integers are minimal and signed: a first byte of 0x40..0x7f keeps the serial positive and
  // never starts it with a zero byte (which X509Certificate rejects as a non-minimal integer).
  serial[0] = ((serial[0] ?? 0) & 0x3f) | 0x40
  const algorithm = sequence(OID_SHA256_WITH_RSA, nullValue())
  const spki = input.publicKey.export({ type: 'spki', format: 'der' })
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))), // version v3
    integer(serial),
    algorithm,
    name(input.commonName),
    sequence(time(input.nowMs - 60_000), time(input.nowMs + 365 * 24 * 3600_000)),
    name(input.commonName),
    spki,
  )
  const signature = sign('sha256', tbs, input.privateKey)
  return sequence(tbs, algorithm, bitString(signature))
}
