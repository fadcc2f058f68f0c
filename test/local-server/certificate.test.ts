// The x5c certificate of each signing key: valid DER whatever its random serial, so X509Certificate parses every one.
import { generateKeyPairSync, X509Certificate } from 'node:crypto'
import { expect, test } from 'vitest'
import { selfSignedCertificate } from '../../src/local-server/signing/der.js'

test('1,000 certificates in a row all parse: the serial is always a minimal, positive DER integer', () => {
  // One serial in 256 used to start with a zero byte (a non-minimal integer X509Certificate
  // refuses); 1,000 tries catch that with 98 % certainty.
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 })
  const nowMs = Date.now()
  for (let i = 0; i < 1000; i++) {
    const der = selfSignedCertificate({ commonName: 'test', publicKey, privateKey, nowMs })
    const certificate = new X509Certificate(der)
    expect(certificate.subject).toBe('CN=test')
    expect(certificate.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/)
  }
})
