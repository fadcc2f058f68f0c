// The send limit (shared state, memory by default): per address, whatever its letter case.
import request from 'supertest'
import { describe, expect, test } from 'vitest'
import { ADAPTERS, useStack } from '../../helpers/stack.js'

describe.each(ADAPTERS)('$name', (adapter) => {
  const stack = useStack(adapter, { sendLimit: { max: 2, windowSeconds: 60 } })
  const send = (email: string) =>
    request(stack.app).post('/auth/otps/email/discovery/send').send({ email_address: email })

  test('the limit counts addresses case-insensitively', async () => {
    expect((await send('Ada@acme.test')).status).toBe(200)
    expect((await send('ADA@ACME.TEST')).status).toBe(200)
    expect((await send('ada@acme.test')).status).toBe(429)
  })
})
