import { randomUUID } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { Redis } from 'ioredis'

import { createRateLimiter, RateLimitError, type LimitedKey } from '../../src/relay/rate-limit'
import { DEMO_MODEL_NAME } from '../../src/seed'
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '../helpers/database'
import { startServerProcess, type ServerProcess } from '../helpers/processes'
import { login, rest, waitFor } from '../helpers/rest'

/**
 * Limits hold however many instances run: counted in Redis, shared by every limiter on it. First
 * two limiters on two connections in this process, then two real server processes on one
 * Postgres database answering the official wire format with 429 and `retry-after`.
 */

const REDIS_URL = process.env.REDIS_URL
/** Every run counts under a prefix of its own, so parallel runs on one Redis never meet. */
const PREFIX = `modelgate-test:${randomUUID()}`
const connections: Redis[] = []

afterAll(async () => {
  const live = connections.find((c) => c.status === 'ready')
  const keys = live ? await live.keys(`${PREFIX}:*`) : []
  if (keys.length > 0) await live!.del(...keys)
  // Disconnecting one that already ended would leave ioredis' 2 s disconnect timer running.
  connections.filter((c) => c.status !== 'end').forEach((c) => c.disconnect())
})

async function connect(options: { port?: number } = {}) {
  const redis = new Redis(options.port ? `redis://127.0.0.1:${options.port}` : REDIS_URL!, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: () => null, // a test connection that fails stays down, leaving no reconnect timer behind
  })
  connections.push(redis)
  redis.on('error', () => undefined) // the unreachable one keeps failing; the test looks at the limiter
  await redis.connect().catch(() => undefined)
  return redis
}

/** Two limiters on two connections stand for two app instances. */
const instances = async () => Promise.all([0, 1].map(async () => createRateLimiter(await connect(), { prefix: PREFIX })))

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (e: RateLimitError) => ({ code: e.code, type: e.type, retryAfterSeconds: e.retryAfterSeconds }),
  )

const key = (limits: Partial<LimitedKey>): LimitedKey => ({ id: randomUUID(), ownerId: randomUUID(), ...limits })

;(REDIS_URL ? describe : describe.skip)('rate limits shared through Redis', () => {
  it('hold across instances: requests per minute', async () => {
    const [a, b] = await instances()
    const limited = key({ rpmLimit: 3 })
    expect(await Promise.all([a!.admit(limited), b!.admit(limited), a!.admit(limited)])).toEqual([undefined, undefined, undefined])
    const refused = await refusal(b!.admit(limited))
    expect(refused).toMatchObject({ code: 'rate_limit_exceeded', type: 'requests' })
    expect(refused!.retryAfterSeconds).toBeGreaterThanOrEqual(59)
    expect(refused!.retryAfterSeconds).toBeLessThanOrEqual(60)
  })

  it('hold across instances: tokens per minute', async () => {
    const [a, b] = await instances()
    const limited = key({ tpmLimit: 100 })
    await a!.admit(limited)
    await a!.spend(limited, 60)
    await b!.spend(limited, 50)
    expect(await refusal(b!.admit(limited))).toMatchObject({ code: 'rate_limit_exceeded', type: 'tokens' })
  })

  it("hold across instances and keys: an account's tier", async () => {
    const [a, b] = await instances()
    const tier = { id: 'gold', rpm: 2, tpm: 10, priceMultiplier: 1 }
    const ownerId = randomUUID()
    const [k1, k2] = [randomUUID(), randomUUID()].map((id) => ({ id, ownerId, tier }))
    await a!.admit(k1!)
    await b!.admit(k2!)
    expect(await refusal(a!.admit(k2!))).toMatchObject({ type: 'requests' })

    const other = { id: randomUUID(), ownerId: randomUUID(), tier }
    await a!.spend(other, 6)
    await b!.spend({ ...other, id: randomUUID() }, 4)
    expect(await refusal(b!.admit(other))).toMatchObject({ type: 'tokens' })
  })

  it("hold across instances: a plan's N requests per H hours", async () => {
    const [a, b] = await instances()
    const subscription = randomUUID()
    const rule = { requests: 2, hours: 5 }
    expect(await a!.admitPlan(subscription, rule)).toEqual({ ok: true })
    expect(await b!.admitPlan(subscription, rule)).toEqual({ ok: true })
    const refused = await a!.admitPlan(subscription, rule)
    expect(refused.ok).toBe(false)
    expect(!refused.ok && refused.retryAfterSeconds).toBeGreaterThan(5 * 3600 - 10)
    // The window lives in Redis for H hours.
    const ttl = await connections[0]!.ttl(`${PREFIX}:plan-18000s:${subscription}`)
    expect(ttl).toBeGreaterThan(5 * 3600 - 10)
  })

  it('touch nothing for keys without limits', async () => {
    const [a] = await instances()
    const free = key({})
    await a!.admit(free)
    await a!.spend(free, 1000)
    expect(await connections[0]!.keys(`${PREFIX}:*:${free.id}`)).toEqual([])
  })

  it('still limit, each instance on its own, while Redis is unreachable', async () => {
    const limiter = createRateLimiter(await connect({ port: 1 }), { prefix: PREFIX })
    const limited = key({ rpmLimit: 1 })
    await limiter.admit(limited)
    expect(await refusal(limiter.admit(limited))).toMatchObject({ code: 'rate_limit_exceeded' })
    expect(await limiter.admitPlan(randomUUID(), { requests: 1, hours: 1 })).toEqual({ ok: true })
  })
})

const skipReason = !REDIS_URL
  ? 'REDIS_URL is not set (locally: REDIS_URL=redis://127.0.0.1:6379)'
  : testDatabaseKind() !== 'postgres'
    ? `two instances need a shared server database; this runs in the postgres project only (now: ${testDatabaseKind()})`
    : null
if (skipReason) console.warn(`rate-limit: skipping the two-process part: ${skipReason}`)

/** Two server processes; the customer's ids are new UUIDs in a new database, so no other run shares their counters. */
;(skipReason ? describe.skip : describe)('two server processes share the limits through Redis', () => {
  let database: TestDatabase | undefined
  let a: ServerProcess | undefined
  let b: ServerProcess | undefined
  let admin: string
  let customer: string

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
      PAYLOAD_SECRET: 'limits-test-secret-that-is-long-enough-00',
      MODELGATE_ENCRYPTION_KEY: 'cd'.repeat(32),
      ADMIN_EMAIL: 'root@limits.test',
      ADMIN_PASSWORD: 'root-password-limits-1',
    }
    // A migrates and seeds the empty database; B starts on the ready schema.
    a = await startServerProcess(env)
    b = await startServerProcess(env)
    admin = await login(a.baseUrl, 'admins', env.ADMIN_EMAIL, env.ADMIN_PASSWORD)
    const created = await rest(a.baseUrl, '/api/users', { method: 'POST', token: admin, body: JSON.stringify({ email: 'dev@limits.test', password: 'customer-password-1', _verified: true }) })
    expect(created.status).toBe(201)
    customer = await login(a.baseUrl, 'users', 'dev@limits.test', 'customer-password-1')
  }, 300_000)

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()])
    await database?.drop()
  }, 60_000)

  const chat = (server: ServerProcess, apiKey: string) =>
    rest(server.baseUrl, '/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ model: DEMO_MODEL_NAME, messages: [{ role: 'user', content: 'Ping' }] }),
    })

  async function newKey(body: Record<string, unknown>) {
    const created = await rest(a!.baseUrl, '/api/api-keys', { method: 'POST', token: customer, body: JSON.stringify(body) })
    expect(created.status).toBe(201)
    const apiKey = created.body.doc.key as string
    // Both instances know the key (and so everything created before it) once it lists models on both.
    for (const server of [a!, b!]) {
      const known = async () => (await rest(server.baseUrl, '/v1/models', { headers: { authorization: `Bearer ${apiKey}` } })).status === 200
      expect(await waitFor(known, { timeoutMs: 5_000 })).not.toBeNull()
    }
    return apiKey
  }

  it("a key's requests per minute and its account's tier hold over both instances, answered 429 with retry-after", async () => {
    // Every account starts in this tier: 4 requests a minute over all its keys.
    const tier = await rest(a!.baseUrl, '/api/tiers', { method: 'POST', token: admin, body: JSON.stringify({ name: 'Starter', threshold: 0, rpm: 4 }) })
    expect(tier.status).toBe(201)
    const limitedKey = await newKey({ name: 'two a minute', rpmLimit: 2 })
    const otherKey = await newKey({ name: 'tier only' })

    expect((await chat(a!, limitedKey)).status).toBe(200)
    expect((await chat(b!, limitedKey)).status).toBe(200)
    const byKey = await chat(a!, limitedKey)
    expect(byKey.status).toBe(429)
    expect(byKey.body.error).toMatchObject({ code: 'rate_limit_exceeded', type: 'requests' })
    expect(byKey.body.error.message).toMatch(/this key allows 2 requests per minute/)
    expect(Number(byKey.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)

    // Three requests counted for the account so far (the refused one too): one more is allowed, on either instance.
    expect((await chat(b!, otherKey)).status).toBe(200)
    const byTier = await chat(a!, otherKey)
    expect(byTier.status).toBe(429)
    expect(byTier.body.error.message).toMatch(/your account's tier allows 4 requests per minute over all its keys/)
    const retryAfter = Number(byTier.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(60)
    expect((await chat(b!, otherKey)).status).toBe(429)
  })
})
