// Route matching of the mounted endpoints, identical on every framework: methods, HEAD, case, trailing slash, basePath.
import request from 'supertest'
import { describe, expect, test } from 'vitest'
import { ADAPTERS, useStackFactory } from '../helpers/stack.js'

describe.each(ADAPTERS)('$name', (adapter) => {
  const start = useStackFactory(adapter)

  test('wrong methods get 405 with Allow; HEAD is served on GET routes', async () => {
    const stack = await start()
    for (const method of ['put', 'delete', 'patch', 'options'] as const) {
      const response = await request(stack.app)[method]('/auth/session')
      expect(response.status).toBe(405)
      expect(response.headers.allow).toBe('GET')
      expect(response.body.error.code).toBe('ERR_INVALID_INPUT')
    }
    const post = await request(stack.app).post('/auth/session')
    expect([post.status, post.headers.allow]).toEqual([405, 'GET'])
    const head = await request(stack.app).head('/auth/session')
    expect(head.status).toBe(401)
    expect(head.headers['cache-control']).toBe('no-store')
  })

  test('paths match case-insensitively with an optional trailing slash; others pass through', async () => {
    const stack = await start()
    const slash = await request(stack.app).get('/auth/session/')
    expect(slash.status).toBe(401)
    expect(slash.body.error.code).toBe('ERR_SESSION_MISSING')
    // The route matches; Express's error handler then compares originalUrl case-sensitively and
    // hands the error to finalhandler (HTML), while Koa answers JSON. @see issue 7 report
    expect((await request(stack.app).get('/AUTH/Session')).status).toBe(401)
    expect((await request(stack.app).get('/auth/session//')).status).toBe(404)
    expect((await request(stack.app).get('/auth/nothing')).status).toBe(404)
    expect((await request(stack.app).get('/auth')).status).toBe(404)
  })

  test('a custom basePath moves every route', async () => {
    const stack = await start({ basePath: '/api/identity' })
    const sent = await request(stack.app)
      .post('/api/identity/otps/email/discovery/send')
      .send({ email_address: 'a@b.test' })
    expect(sent.status).toBe(200)
    expect((await request(stack.app).get('/auth/session')).status).toBe(404)
  })

  test('a POST route answers other methods with 405 and Allow: POST', async () => {
    const stack = await start()
    const response = await request(stack.app).get('/auth/otps/email/discovery/send')
    expect(response.status).toBe(405)
    expect(response.headers.allow).toBe('POST')
  })
})
