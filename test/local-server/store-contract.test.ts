// One contract for both stores (in memory and SQLite): every kind of record, settings, signing
// keys, the outbox and transactions behave alike, so the server never asks which store it has.
import { rm } from 'node:fs/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  createMemoryStore,
  type LocalStore,
  type OutboxMessage,
  openSqliteStore,
  type StoredSigningKey,
  startLocalServer,
} from '../../src/local-server/index.js'
import { callStytch } from '../helpers/local-api.js'
import { tempDataDir } from '../helpers/local-stores.js'
import { P } from './fixtures.js'

interface StoreCase {
  name: 'memory' | 'sqlite'
  open(): Promise<{ store: LocalStore; cleanup: () => Promise<void> }>
}

const STORES: readonly StoreCase[] = [
  { name: 'memory', open: async () => ({ store: createMemoryStore(), cleanup: async () => {} }) },
  {
    name: 'sqlite',
    async open() {
      const dataDir = await tempDataDir()
      const store = await openSqliteStore(dataDir)
      return {
        store,
        cleanup: async () => {
          store.close()
          await rm(dataDir, { recursive: true, force: true })
        },
      }
    },
  },
]

const message = (to: string, code: string): OutboxMessage => ({
  to,
  kind: 'login',
  code,
  organization_id: null,
  sent_at: '2030-01-01T00:00:00Z',
})

const signingKey = (kid: string): StoredSigningKey => ({
  kid,
  privateKeyPem: `-----BEGIN PRIVATE KEY-----\n${kid}\n-----END PRIVATE KEY-----\n`,
  jwk: {
    kty: 'RSA',
    use: 'sig',
    key_ops: ['verify'],
    alg: 'RS256',
    kid,
    x5c: ['AA=='],
    x5tS256: 'AA',
    n: 'AQAB',
    e: 'AQAB',
  },
})

describe.each(STORES)('$name store', (storeCase) => {
  let store: LocalStore
  let cleanup: () => Promise<void>
  beforeEach(async () => {
    ;({ store, cleanup } = await storeCase.open())
  })
  afterEach(async () => {
    await cleanup()
  })

  it('remembers settings, and an unknown one is undefined', () => {
    expect(store.getSetting('project_id')).toBeUndefined()
    store.setSetting('project_id', 'project-test-1')
    store.setSetting('project_id', 'project-test-2')
    expect(store.getSetting('project_id')).toBe('project-test-2')
  })

  it('keeps signing keys oldest first; the latest added signs until a removal names another', () => {
    expect(store.listSigningKeys()).toEqual({ keys: [], signingKid: null })
    store.addSigningKey(signingKey('kid-1'))
    store.addSigningKey(signingKey('kid-2'))
    expect(store.listSigningKeys()).toEqual({
      keys: [signingKey('kid-1'), signingKey('kid-2')],
      signingKid: 'kid-2',
    })
    store.removeSigningKey('kid-2', 'kid-1')
    expect(store.listSigningKeys()).toEqual({ keys: [signingKey('kid-1')], signingKid: 'kid-1' })
  })

  it('hands out copies: changing a returned record changes nothing stored', () => {
    store.addSigningKey(signingKey('kid-1'))
    const listed = store.listSigningKeys().keys[0] as StoredSigningKey
    listed.jwk.key_ops.push('sign')
    expect(store.listSigningKeys().keys[0]?.jwk.key_ops).toEqual(['verify'])
  })

  it('lists the outbox newest first, per email key, and clears it', () => {
    store.pushOutboxMessage('a@acme.io', message('A@acme.io', '111111'))
    store.pushOutboxMessage('b@acme.io', message('b@acme.io', '222222'))
    store.pushOutboxMessage('a@acme.io', message('a@acme.io', '333333'))
    expect(store.listOutboxMessages().map((m) => m.code)).toEqual(['333333', '222222', '111111'])
    expect(store.listOutboxMessages('a@acme.io')).toEqual([
      message('a@acme.io', '333333'),
      message('A@acme.io', '111111'),
    ])
    store.clearOutbox()
    expect(store.listOutboxMessages()).toEqual([])
  })

  it('keeps second factors per member: a put replaces, others are untouched', () => {
    const record = {
      totp: {
        registrationId: 'member-totp-test-1',
        sealedSecret: 'sealed-secret',
        expiresAtMs: 1_000,
        lastUsedStep: null,
      },
      sealedRecoveryCodes: ['sealed-1', 'sealed-2'],
    }
    expect(store.getMfa('member-test-1')).toBeUndefined()
    store.putMfa('member-test-1', record)
    store.putMfa('member-test-2', { totp: null, sealedRecoveryCodes: [] })
    const verified = { ...record.totp, expiresAtMs: null, lastUsedStep: 42 }
    store.putMfa('member-test-1', { totp: verified, sealedRecoveryCodes: ['sealed-2'] })
    expect(store.getMfa('member-test-1')).toEqual({
      totp: verified,
      sealedRecoveryCodes: ['sealed-2'],
    })
    expect(store.getMfa('member-test-2')).toEqual({ totp: null, sealedRecoveryCodes: [] })
  })

  it('keeps the newest 1000 outbox messages', () => {
    store.transaction(() => {
      for (let i = 0; i < 1005; i += 1) {
        store.pushOutboxMessage('a@acme.io', message('a@acme.io', String(i).padStart(6, '0')))
      }
    })
    const codes = store.listOutboxMessages().map((m) => m.code)
    expect(codes).toHaveLength(1000)
    expect(codes[0]).toBe('001004')
    expect(codes[999]).toBe('000005')
  })

  it('returns what the transaction returns, and keeps what it wrote before it threw', () => {
    expect(store.transaction(() => 42)).toBe(42)
    const thrown = new Error('a handler refused')
    expect(() =>
      store.transaction(() => {
        store.setSetting('written', 'before the error')
        throw thrown
      }),
    ).toThrow(thrown)
    expect(store.getSetting('written')).toBe('before the error')
  })

  it('nests transactions: an inner one runs inside the outer', () => {
    const result = store.transaction(() => {
      store.transaction(() => store.setSetting('inner', '1'))
      return store.getSetting('inner')
    })
    expect(result).toBe('1')
  })
})

describe.each(STORES)('a server on a given $name store', (storeCase) => {
  it('uses it as a data dir: project, secret, keys and outbox outlive the server', async () => {
    const { store, cleanup } = await storeCase.open()
    try {
      const first = await startLocalServer({ store })
      const org = (await callStytch(first, 'POST', P.orgCreate, { organization_name: 'Acme' })).body
        .organization
      first.seedMember({ organization_id: org.organization_id, email_address: 'a@acme.io' })
      await callStytch(first, 'POST', P.loginOrSignup, {
        organization_id: org.organization_id,
        email_address: 'a@acme.io',
      })
      const code = first.outbox.latest('a@acme.io')?.code
      const jwks = await callStytch(first, 'GET', `/v1/b2b/sessions/jwks/${first.projectId}`)
      await first.close()

      const second = await startLocalServer({ store })
      try {
        expect([second.projectId, second.secret]).toEqual([first.projectId, first.secret])
        expect(second.outbox.latest('a@acme.io')?.code).toBe(code)
        const again = await callStytch(second, 'GET', `/v1/b2b/sessions/jwks/${second.projectId}`)
        expect(again.body.keys).toEqual(jwks.body.keys)
        // The code sent by the first server still signs in: the OTP key was kept too.
        const login = await callStytch(second, 'POST', P.otpAuthenticate, {
          organization_id: org.organization_id,
          email_address: 'a@acme.io',
          code,
        })
        expect(login.status).toBe(200)
      } finally {
        await second.close()
      }
    } finally {
      await cleanup()
    }
  })
})
