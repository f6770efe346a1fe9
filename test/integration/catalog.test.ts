import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { createSecrets } from '../../src/lib/secrets'
import { signIn, startTestServer, ADMIN_EMAIL, ADMIN_PASSWORD, type Session, type TestServer } from '../helpers/server'

const PASSWORD = 'catalog-password-1'
const PROVIDER_SECRET = 'sk-live-PROVIDERsecret-0123456789abcdef'
const ENCRYPTION_KEY = 'cd'.repeat(32)

let server: TestServer
let admin: Session
let operator: Session
let alice: Session
let bob: Session
let aliceId: string
let bobId: string
let platformId: string

async function api(session: Session | null, path: string, init: RequestInit = {}) {
  const res = await fetch(`${server.baseUrl}/api${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...session?.headers },
  })
  const text = await res.text()
  return { status: res.status, text, body: text.startsWith('{') ? (JSON.parse(text) as Record<string, any>) : {} }
}

const post = (session: Session, path: string, data: unknown) => api(session, path, { method: 'POST', body: JSON.stringify(data) })
const patch = (session: Session, path: string, data: unknown) => api(session, path, { method: 'PATCH', body: JSON.stringify(data) })

beforeAll(async () => {
  server = await startTestServer({ MODELGATE_ENCRYPTION_KEY: ENCRYPTION_KEY })
  admin = await signIn(server.baseUrl, 'admins', ADMIN_EMAIL, ADMIN_PASSWORD)
  await server.payload.create({ collection: 'admins', data: { email: 'ops@catalog.test', password: PASSWORD, role: 'operator' } })
  operator = await signIn(server.baseUrl, 'admins', 'ops@catalog.test', PASSWORD)
  for (const name of ['alice', 'bob']) {
    await server.payload.create({ collection: 'users', data: { email: `${name}@catalog.test`, password: PASSWORD } })
  }
  alice = await signIn(server.baseUrl, 'users', 'alice@catalog.test', PASSWORD)
  bob = await signIn(server.baseUrl, 'users', 'bob@catalog.test', PASSWORD)
  aliceId = (await api(alice, '/users/me')).body.user.id
  bobId = (await api(bob, '/users/me')).body.user.id
  platformId = (await post(admin, '/platforms', { name: 'OpenAI', preset: 'openai' })).body.doc.id
}, 120_000)

afterAll(async () => server?.close())

describe('platforms', () => {
  it('fill kind and base URL from a preset', async () => {
    const { body } = await api(admin, `/platforms/${platformId}`)
    expect(body).toMatchObject({ kind: 'openai-compatible', baseUrl: 'https://api.openai.com/v1', routing: 'weighted' })
  })

  it('keep a base URL the operator typed', async () => {
    const { body } = await post(admin, '/platforms', { name: 'My DeepSeek proxy', preset: 'deepseek', baseUrl: 'https://proxy.test/v1' })
    expect(body.doc).toMatchObject({ kind: 'openai-compatible', baseUrl: 'https://proxy.test/v1' })
  })
})

describe('provider keys', () => {
  let keyId: string
  const secrets = createSecrets(ENCRYPTION_KEY, 'unused')

  async function storedKey(id: string): Promise<string> {
    const row = (await server.payload.db.findOne({ collection: 'provider-keys', where: { id: { equals: id } } })) as unknown as { key: string }
    return row.key
  }

  it('are sealed at rest and answered with a hint only', async () => {
    const { status, body, text } = await post(operator, '/provider-keys', { name: 'Main', platform: platformId, key: PROVIDER_SECRET })
    expect(status).toBe(201)
    keyId = body.doc.id
    expect(text).not.toContain(PROVIDER_SECRET)
    expect(body.doc.key ?? null).toBeNull()
    expect(body.doc.keyHint).toBe('sk-…cdef')
    const stored = await storedKey(keyId)
    expect(stored).toMatch(/^enc:v1:/)
    expect(stored).not.toContain('PROVIDERsecret')
    expect(secrets.open(stored)).toBe(PROVIDER_SECRET)
  })

  it('never appear in reads, lists, exports or the audit log', async () => {
    const responses = await Promise.all([
      api(admin, `/provider-keys/${keyId}`),
      api(admin, '/provider-keys?depth=2'),
      api(operator, '/provider-keys/export'),
      api(admin, `/audit-logs?where[documentId][equals]=${keyId}`),
      api(admin, `/provider-keys/${keyId}?showHiddenFields=true`),
    ])
    for (const { status, text } of responses) {
      expect(status).toBe(200)
      expect(text).not.toContain(PROVIDER_SECRET)
      expect(text).not.toContain('enc:v1:')
    }
    const audit = responses[3]!.body.docs[0]
    expect(audit.changes).toContainEqual({ field: 'key', old: null, new: '***' })
  })

  it('keep the stored key when saved without one', async () => {
    const before = await storedKey(keyId)
    expect((await patch(operator, `/provider-keys/${keyId}`, { priority: 5 })).status).toBe(200)
    expect((await patch(operator, `/provider-keys/${keyId}`, { key: '', weight: 3 })).status).toBe(200)
    expect(await storedKey(keyId)).toBe(before)
  })

  it('replace the key when a new one is saved, auditing it masked', async () => {
    expect((await patch(operator, `/provider-keys/${keyId}`, { key: 'sk-rotated-key-9999' })).status).toBe(200)
    expect(secrets.open(await storedKey(keyId))).toBe('sk-rotated-key-9999')
    const { body } = await api(admin, `/audit-logs?where[documentId][equals]=${keyId}&where[action][equals]=update&sort=-createdAt`)
    expect(body.docs[0].changes).toEqual(expect.arrayContaining([{ field: 'key', old: '***', new: '***' }]))
    expect(JSON.stringify(body)).not.toContain('sk-rotated-key-9999')
  })

  it('stay disabled when staff disabled them by hand, whatever automation does', async () => {
    await patch(operator, `/provider-keys/${keyId}`, { status: 'disabled-manual' })
    await server.payload.update({ collection: 'provider-keys', id: keyId, data: { status: 'active' } })
    expect((await api(admin, `/provider-keys/${keyId}`)).body.status).toBe('disabled-manual')
    await patch(operator, `/provider-keys/${keyId}`, { status: 'active' })
    expect((await api(admin, `/provider-keys/${keyId}`)).body.status).toBe('active')
  })

  it('are closed to customers', async () => {
    expect((await api(alice, '/provider-keys')).status).toBe(403)
    expect((await post(alice, '/provider-keys', { name: 'x', platform: platformId, key: 'k' })).status).toBe(403)
  })
})

describe('customer API keys', () => {
  let created: { id: string; key: string; prefix: string }

  it('are shown once, in the create response, and stored as a fingerprint', async () => {
    const { status, body } = await post(alice, '/api-keys', { name: 'laptop' })
    expect(status).toBe(201)
    created = body.doc
    expect(created.key).toMatch(/^sk-[A-Za-z0-9]{48}$/)
    expect(created.prefix).toBe(`${created.key.slice(0, 7)}…${created.key.slice(-4)}`)
    const again = await api(alice, `/api-keys/${created.id}`)
    expect(again.body.key).toBeUndefined()
    expect(again.body.fingerprint).toBeUndefined()
    expect(again.text).not.toContain(created.key)
    const row = (await server.payload.db.findOne({ collection: 'api-keys', where: { id: { equals: created.id } } })) as Record<string, unknown>
    expect(row.fingerprint).toBe(createSecrets(ENCRYPTION_KEY, 'unused').fingerprint(created.key))
    expect(JSON.stringify(row)).not.toContain(created.key)
  })

  it('belong to the customer who created them, whatever owner was sent', async () => {
    const { body } = await post(alice, '/api-keys', { name: 'sneaky', owner: bobId, fingerprint: 'forged' })
    expect(body.doc.owner.id ?? body.doc.owner).toBe(aliceId)
    const row = (await server.payload.db.findOne({ collection: 'api-keys', where: { id: { equals: body.doc.id } } })) as Record<string, unknown>
    expect(row.fingerprint).not.toBe('forged')
  })

  it("are invisible and untouchable to other customers", async () => {
    expect((await api(bob, `/api-keys/${created.id}`)).status).toBeGreaterThanOrEqual(403)
    expect((await api(bob, '/api-keys')).body.docs).toEqual([])
    expect((await patch(bob, `/api-keys/${created.id}`, { status: 'disabled' })).status).toBeGreaterThanOrEqual(403)
    expect((await api(bob, `/api-keys/${created.id}`, { method: 'DELETE' })).status).toBeGreaterThanOrEqual(403)
    expect((await server.payload.findByID({ collection: 'api-keys', id: created.id })).status).toBe('active')
  })

  it('can be renamed, disabled and deleted by their owner, who cannot hand them to someone else', async () => {
    const renamed = await patch(alice, `/api-keys/${created.id}`, { name: 'desktop', status: 'disabled', owner: bobId })
    expect(renamed.status).toBe(200)
    const saved = await server.payload.findByID({ collection: 'api-keys', id: created.id, depth: 0 })
    expect(saved).toMatchObject({ name: 'desktop', status: 'disabled', owner: aliceId })
    expect((await api(alice, `/api-keys/${created.id}`, { method: 'DELETE' })).status).toBe(200)
  })

  it('are listed for staff without the secret', async () => {
    const { status, text, body } = await api(operator, '/api-keys')
    expect(status).toBe(200)
    expect(body.docs.length).toBeGreaterThan(0)
    expect(text).not.toContain('fingerprint')
    expect(body.docs.every((d: Record<string, unknown>) => d.key === undefined)).toBe(true)
  })
})
