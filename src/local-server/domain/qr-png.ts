// The TOTP registration's `qr_code`: a PNG data URL of the otpauth:// URI, as Stytch answers it.
import { crc32, deflateSync } from 'node:zlib'
import { encode } from 'uqr'

/** Pixels per QR module: 4 keeps a version-10 code around 250 px wide, easy to scan off a screen. */
const SCALE = 4

/**
 * `data:image/png;base64,…` of a QR code holding `text`. `uqr` gives the module matrix (with the
 * 4-module quiet zone); the PNG is written here with node:zlib rather than with an image library,
 * because a 1-bit grayscale PNG is four chunks and one deflate: no dependency is worth that.
 */
export function qrCodePngDataUrl(text: string): string {
  const { data } = encode(text, { ecc: 'M', border: 4 })
  const width = data.length * SCALE
  const rowBytes = Math.ceil(width / 8)
  // Each scanline: filter byte 0, then 1 bit per pixel, 1 = white (grayscale bit depth 1).
  const raw = Buffer.alloc((rowBytes + 1) * width)
  for (let y = 0; y < width; y += 1) {
    const row = data[Math.floor(y / SCALE)] ?? []
    const offset = y * (rowBytes + 1)
    for (let x = 0; x < width; x += 1) {
      if (row[Math.floor(x / SCALE)] === true) continue // dark module: bit stays 0
      const at = offset + 1 + (x >> 3)
      raw[at] = (raw[at] ?? 0) | (0x80 >> (x & 7))
    }
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(width, 4)
  header[8] = 1 // bit depth
  header[9] = 0 // colour type: grayscale
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
  return `data:image/png;base64,${png.toString('base64')}`
}

/** One PNG chunk: length, type, data, CRC-32 of type and data. */
function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length, 0)
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(typeAndData) >>> 0, 0)
  return Buffer.concat([length, typeAndData, crc])
}
