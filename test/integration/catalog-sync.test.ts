import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { Redis } from 'ioredis'

import { CATALOG_CHANGED, catalogEvents } from '../../src/relay/catalog-store'
import { CATALOG_CHANNEL } from '../../src/relay/gateway'
import { DEMO_MODEL_NAME, DEMO_PLATFORM_NAME } from '../../src/seed'
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '../helpers/database'
import { startServerProcess, type ServerProcess } from '../helpers/processes'
import { login, rest, waitFor } from '../helpers/rest'
import { codeAt, wrongCodeFor } from '../helpers/second-factor'
import { ADMIN_EMAIL as TEST_ADMIN_EMAIL, ADMIN_PASSWORD as TEST_ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server'

/**
 * The relay's in-memory catalog follows changes made over REST within moments: on the instance
 * that made the change (every database), and through Redis pub/sub on the other instances (two
 * real server processes on one Postgres database and the real Redis), with no restart and no
 * database read per request. So do the relay's plan hints, and counters that must not multiply
 * with the instances (wrong second-factor codes) are kept in Redis.
 */

const REDIS_URL = process.env.REDIS_URL
const skipReason = !REDIS_URL
  ? 'REDIS_URL is not set (CI sets it; locally: REDIS_URL=redis://127.0.0.1:6379)'
  : testDatabaseKind() !== 'postgres'
    ? `two instances need a shared server database; this runs in the postgres project only (now: ${testDatabaseKind()})`
    : null
if (skipReason) console.warn(`catalog-sync: skipping the two-instance part: ${skipReason}`)

const ADMIN_EMAIL = 'root@sync.test'
const ADMIN_PASSWORD = 'root-password-sync-1'
const CUSTOMER_EMAIL = 'dev@sync.test'
const CUSTOMER_PASSWORD = 'customer-password-1'
/** How quickly another instance must follow a change. */
const PROPAGATION_MS = 2_000

let database: TestDatabase | undefined
let a: ServerProcess | undefined
let b: ServerProcess | undefined
let subscriber: Redis | undefined
const published: string[] = []
let adminToken: string
let customerToken: string

const models = async (server: ServerProcess, apiKey: string) =>
  rest(server.baseUrl, '/v1/models', { headers: { authorization: `Bearer ${apiKey}` } })

const modelIds = async (server: ServerProcess, apiKey: string): Promise<string[]> => {
  const res = await models(server, apiKey)
  return res.status === 200 ? (res.body.data as { id: string }[]).map((m) => m.id) : []
}

const suite = skipReason ? describe.skip : describe

suite('instances share catalog changes, plan changes and counters through Redis', () => {
  beforeAll(async () => {
    database = await createTestDatabase('postgres')
    const env = {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      JOBS_AUTORUN: 'false',
      DATABASE_URL: database.url,
      REDIS_URL: REDIS_URL!,
      PAYLOAD_SECRET: 'sync-test-secret-that-is-long-enough-0000',
      MODELGATE_ENCRYPTION_KEY: 'ef'.repeat(32),
      ADMIN_EMAIL,
      ADMIN_PASSWORD,
    }
    // A migrates and seeds the empty database; B starts on the ready schema.
    a = await startServerProcess(env)
    b = await startServerProcess(env)

    subscriber = new Redis(REDIS_URL!, { lazyConnect: true, maxRetriesPerRequest: 1 })
    await subscriber.connect()
    await subscriber.subscribe(CATALOG_CHANNEL)
    subscriber.on('message', (_channel: string, from: string) => published.push(from))

    adminToken = await login(a.baseUrl, 'admins', ADMIN_EMAIL, ADMIN_PASSWORD)
    const created = await rest(a.baseUrl, '/api/users', {
      method: 'POST',
      token: adminToken,
      body: JSON.stringify({ email: CUSTOMER_EMAIL, password: CUSTOMER_PASSWORD, _verified: true }),
    })
    expect(created.status).toBe(201)
    customerToken = await login(a.baseUrl, 'users', CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
  }, 240_000)

  afterAll(async () => {
    subscriber?.disconnect()
    await Promise.all([a?.stop(), b?.stop()])
    await database?.drop()
  }, 60_000)

  let keyId: string
  let apiKey: string

  it('both instances run on the one database', async () => {
    for (const server of [a!, b!]) {
      const ready = await rest(server.baseUrl, '/readyz')
      expect(ready.status).toBe(200)
    }
    // The seed ran once: one Demo platform, seen by both.
    const platforms = await rest(b!.baseUrl, `/api/platforms?where[name][equals]=${DEMO_PLATFORM_NAME}`, { token: adminToken })
    expect(platforms.body.totalDocs).toBe(1)
  })

  it('a key created through A is accepted by B within moments', async () => {
    const before = published.length
    const created = await rest(a!.baseUrl, '/api/api-keys', { method: 'POST', token: customerToken, body: JSON.stringify({ name: 'sync' }) })
    expect(created.status).toBe(201)
    keyId = created.body.doc.id
    apiKey = created.body.doc.key
    expect(apiKey).toMatch(/^sk-/)

    const took = await waitFor(async () => (await models(b!, apiKey)).status === 200, { timeoutMs: PROPAGATION_MS })
    expect(took).not.toBeNull()
    expect(await modelIds(b!, apiKey)).toContain(DEMO_MODEL_NAME)
    // …because A announced the change on the channel.
    expect(published.length).toBeGreaterThan(before)
    // A serves it too, of course.
    expect((await models(a!, apiKey)).status).toBe(200)
  })

  it('B answers chat requests with that key', async () => {
    const res = await rest(b!.baseUrl, '/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ model: DEMO_MODEL_NAME, messages: [{ role: 'user', content: 'Ping' }] }),
    })
    expect(res.status).toBe(200)
    expect(res.body.choices[0].message.content).toContain('Ping')
  })

  it('a plan given through A covers B’s very next request', async () => {
    const chatOnB = () =>
      rest(b!.baseUrl, '/v1/chat/completions', {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ model: DEMO_MODEL_NAME, messages: [{ role: 'user', content: 'Ping' }] }),
      })
    // B has just served this customer with no plan, and remembers that.
    expect((await chatOnB()).status).toBe(200)
    const resource = await rest(a!.baseUrl, '/api/plan-resources', {
      method: 'POST',
      token: adminToken,
      body: JSON.stringify({ name: 'Demo requests', models: [DEMO_MODEL_NAME], meter: 'requests', limit: 5 }),
    })
    const plan = await rest(a!.baseUrl, '/api/plans', {
      method: 'POST',
      token: adminToken,
      body: JSON.stringify({ name: 'Sync plan', resources: [resource.body.doc.id], periodUnit: 'months', periodLength: 1, price: 0 }),
    })
    const customerId = (await rest(a!.baseUrl, '/api/users/me', { token: customerToken })).body.user.id
    const given = await rest(a!.baseUrl, '/api/subscriptions', { method: 'POST', token: adminToken, body: JSON.stringify({ owner: customerId, plan: plan.body.doc.id }) })
    expect(given.status).toBe(201)

    expect((await chatOnB()).status).toBe(200)
    const remaining = async () => (await rest(a!.baseUrl, '/api/me/billing', { token: customerToken })).body.subscriptions?.[0]?.resources?.[0]?.remaining
    // B settles in batches, about once a second.
    expect(await waitFor(async () => (await remaining()) === 4, { timeoutMs: 3_000 })).not.toBeNull()
  })

  it('counts wrong second-factor codes across instances: three on A and two on B lock both', async () => {
    const email = 'guessed@sync.test'
    const created = await rest(a!.baseUrl, '/api/users', {
      method: 'POST',
      token: adminToken,
      body: JSON.stringify({ email, password: CUSTOMER_PASSWORD, _verified: true }),
    })
    expect(created.status).toBe(201)
    const token = await login(a!.baseUrl, 'users', email, CUSTOMER_PASSWORD)
    const setup = await rest(a!.baseUrl, '/api/users/second-factor/setup', { method: 'POST', token, body: '{}' })
    const secret = setup.body.secret as string
    const enable = (server: ServerProcess, code: string) =>
      rest(server.baseUrl, '/api/users/second-factor/enable', { method: 'POST', token, body: JSON.stringify({ code }) })
    for (const server of [a!, a!, a!, b!, b!]) expect((await enable(server, wrongCodeFor(secret))).status).toBe(400)
    for (const server of [a!, b!]) {
      const limited = await enable(server, codeAt(secret, 0))
      expect(limited.status).toBe(429)
      expect(limited.body.errors[0].message).toMatch(/Too many/)
    }
  })

  it('a model created through A appears in B’s model list and is served by B', async () => {
    const demo = await rest(a!.baseUrl, `/api/platforms?where[name][equals]=${DEMO_PLATFORM_NAME}`, { token: adminToken })
    const demoId = demo.body.docs[0].id as string
    const created = await rest(a!.baseUrl, '/api/models', {
      method: 'POST',
      token: adminToken,
      body: JSON.stringify({ name: 'sync-model', platforms: [demoId], kind: 'chat', status: 'active' }),
    })
    expect(created.status).toBe(201)
    const took = await waitFor(async () => (await modelIds(b!, apiKey)).includes('sync-model'), { timeoutMs: PROPAGATION_MS })
    expect(took).not.toBeNull()
    const chat = await rest(b!.baseUrl, '/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ model: 'sync-model', messages: [{ role: 'user', content: 'Hello' }] }),
    })
    expect(chat.status).toBe(200)

    // Deleting it through A takes it away from B as well.
    expect((await rest(a!.baseUrl, `/api/models/${created.body.doc.id}`, { method: 'DELETE', token: adminToken })).status).toBe(200)
    const gone = await waitFor(async () => !(await modelIds(b!, apiKey)).includes('sync-model'), { timeoutMs: PROPAGATION_MS })
    expect(gone).not.toBeNull()
    const refused = await rest(b!.baseUrl, '/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ model: 'sync-model', messages: [{ role: 'user', content: 'Hello' }] }),
    })
    expect(refused.status).toBe(404)
    expect(refused.body.error.code).toBe('model_not_found')
  })

  it('a key disabled through A is refused by B within moments', async () => {
    const disabled = await rest(a!.baseUrl, `/api/api-keys/${keyId}`, {
      method: 'PATCH',
      token: customerToken,
      body: JSON.stringify({ status: 'disabled' }),
    })
    expect(disabled.status).toBe(200)
    const took = await waitFor(async () => (await models(b!, apiKey)).status === 401, { timeoutMs: PROPAGATION_MS })
    expect(took).not.toBeNull()
    const refused = await models(b!, apiKey)
    expect(refused.body).toMatchObject({ error: { code: 'invalid_api_key' } })
    expect((await models(a!, apiKey)).status).toBe(401)
  })

  it('works the other way round: a key enabled again through B is accepted by A', async () => {
    const enabled = await rest(b!.baseUrl, `/api/api-keys/${keyId}`, {
      method: 'PATCH',
      token: customerToken,
      body: JSON.stringify({ status: 'active' }),
    })
    expect(enabled.status).toBe(200)
    expect(await waitFor(async () => (await models(a!, apiKey)).status === 200, { timeoutMs: PROPAGATION_MS })).not.toBeNull()
    expect(await waitFor(async () => (await models(b!, apiKey)).status === 200, { timeoutMs: PROPAGATION_MS })).not.toBeNull()
  })

  it('a key deleted through A stops working on B', async () => {
    expect((await rest(a!.baseUrl, `/api/api-keys/${keyId}`, { method: 'DELETE', token: customerToken })).status).toBe(200)
    expect(await waitFor(async () => (await models(b!, apiKey)).status === 401, { timeoutMs: PROPAGATION_MS })).not.toBeNull()
  })
})

/**
 * One instance, every database: the change is announced by the collection hook and the catalog
 * rebuilt in the same process.
 *
 * On SQLite, which runs without transactions here, the announcement is immediate; elsewhere it
 * waits for the commit.
 */
describe('catalog changes reach the relay of the instance that made them', () => {
  let server: TestServer
  let admin: string
  let customer: string
  /** Announcements seen, and changes made to what the relay serves (seeded rows included). */
  let announced = 0
  let changes = 0
  const countAnnouncement = () => void announced++

  beforeAll(async () => {
    catalogEvents.on(CATALOG_CHANGED, countAnnouncement)
    server = await startTestServer()
    for (const collection of ['platforms', 'models', 'provider-keys', 'api-keys'] as const) {
      changes += (await server.payload.count({ collection, overrideAccess: true })).totalDocs
    }
    admin = await login(server.baseUrl, 'admins', TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD)
    const created = await rest(server.baseUrl, '/api/users', {
      method: 'POST',
      token: admin,
      body: JSON.stringify({ email: 'one@sync.test', password: CUSTOMER_PASSWORD, _verified: true }),
    })
    expect(created.status).toBe(201)
    customer = await login(server.baseUrl, 'users', 'one@sync.test', CUSTOMER_PASSWORD)
  }, 120_000)

  afterAll(async () => {
    catalogEvents.off(CATALOG_CHANGED, countAnnouncement)
    await server?.close()
  })

  /** Waits until every change so far has been announced, so none lands in a measured window. */
  async function settled() {
    expect(await waitFor(async () => announced >= changes, { timeoutMs: 15_000, intervalMs: 20 })).not.toBeNull()
    await new Promise((resolve) => setTimeout(resolve, 100)) // the debounced rebuild
  }

  const modelsWith = (apiKey: string) => rest(server.baseUrl, '/v1/models', { headers: { authorization: `Bearer ${apiKey}` } })

  async function newKey(name: string) {
    changes++
    const created = await rest(server.baseUrl, '/api/api-keys', { method: 'POST', token: customer, body: JSON.stringify({ name }) })
    expect(created.status).toBe(201)
    const key = created.body.doc.key as string
    // A new key is served within moments too; the tests below start from a key that works.
    expect(await waitFor(async () => (await modelsWith(key)).status === 200, { timeoutMs: PROPAGATION_MS })).not.toBeNull()
    return { id: created.body.doc.id as string, key }
  }

  it(
    'a key created over REST is accepted within moments',
    async () => {
      await settled()
      const { key } = await newKey('fresh')
      expect(await waitFor(async () => (await modelsWith(key)).status === 200, { timeoutMs: PROPAGATION_MS })).not.toBeNull()
    },
    30_000,
  )

  it('a key disabled over REST is refused within moments', async () => {
    const { id, key } = await newKey('to-disable')
    await settled()
    changes++
    const disabled = await rest(server.baseUrl, `/api/api-keys/${id}`, { method: 'PATCH', token: customer, body: JSON.stringify({ status: 'disabled' }) })
    expect(disabled.status).toBe(200)
    expect(await waitFor(async () => (await modelsWith(key)).status === 401, { timeoutMs: PROPAGATION_MS })).not.toBeNull()
  })

  it('a model created over REST is listed within moments', async () => {
    const { key } = await newKey('lister')
    await settled()
    const demo = await rest(server.baseUrl, `/api/platforms?where[name][equals]=${DEMO_PLATFORM_NAME}`, { token: admin })
    changes++
    const created = await rest(server.baseUrl, '/api/models', {
      method: 'POST',
      token: admin,
      body: JSON.stringify({ name: 'one-instance-model', platforms: [demo.body.docs[0].id], kind: 'chat', status: 'active' }),
    })
    expect(created.status).toBe(201)
    const listed = async () => ((await modelsWith(key)).body.data as { id: string }[]).some((m) => m.id === 'one-instance-model')
    expect(await waitFor(listed, { timeoutMs: PROPAGATION_MS })).not.toBeNull()
  })
})
