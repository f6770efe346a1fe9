import { randomUUID } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import OpenAI from 'openai'

import { lockWallet, postEntry } from '../../src/billing/ledger'
import { sqlRunnerOf, type SqlRunner } from '../../src/billing/sql'
import { refreshTier } from '../../src/billing/tiers'
import { announceCatalogChange } from '../../src/relay/catalog-store'
import { DEMO_MODEL_NAME } from '../../src/seed'
import { login, rest, waitFor } from '../helpers/rest'
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server'

/**
 * Account tiers end to end: staff define them over REST, a wallet moves up when its top-ups reach
 * a threshold, the relay's catalog follows, and the tier's requests per minute hold over all the
 * owner's keys, answered with 429 `rate_limit_exceeded` and `retry-after` to the official client.
 */

const GOLD_THRESHOLD = 10_000_000
const REBUILD_MS = 5_000

let server: TestServer
let runner: SqlRunner
let admin: string

type Customer = { id: string; keys: { id: string; key: string }[] }

async function customer(email: string, keyCount: number): Promise<Customer> {
  const user = await server.payload.create({ collection: 'users', data: { email, password: 'tier-password-1' } })
  const keys = []
  for (let i = 0; i < keyCount; i++) {
    const doc = await server.payload.create({ collection: 'api-keys', data: { name: `key ${i}`, owner: user.id, status: 'active' } })
    keys.push({ id: doc.id, key: (doc as unknown as { key: string }).key })
  }
  return { id: user.id, keys }
}

/** The tier the relay's catalog holds for a key, once the debounced rebuild satisfies `check`. */
async function catalogTier(keyId: string, check: (tier: Record<string, unknown> | undefined) => boolean) {
  const tierOf = () => [...server.gateway.catalog().apiKeys.values()].find((k) => k.id === keyId)?.tier
  expect(await waitFor(async () => check(tierOf()), { timeoutMs: REBUILD_MS })).not.toBeNull()
  return tierOf()
}

const chat = (key: string) =>
  new OpenAI({ baseURL: `${server.baseUrl}/v1`, apiKey: key, maxRetries: 0 }).chat.completions.create({
    model: DEMO_MODEL_NAME,
    messages: [{ role: 'user', content: 'Hello' }],
  })

const rawChat = (key: string) =>
  rest(server.baseUrl, '/v1/chat/completions', {
    method: 'POST',
    headers: { authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: DEMO_MODEL_NAME, messages: [{ role: 'user', content: 'Hello' }] }),
  })

async function createTier(data: Record<string, unknown>): Promise<string> {
  const res = await rest(server.baseUrl, '/api/tiers', { method: 'POST', token: admin, body: JSON.stringify(data) })
  expect(res.status).toBe(201)
  return res.body.doc.id as string
}

async function walletTier(ownerId: string) {
  const [row] = await runner.query('SELECT tier_id FROM wallets WHERE owner_id = ?', [ownerId])
  return row?.tier_id == null ? null : String(row.tier_id)
}

const setTotalTopUp = (ownerId: string, total: number) =>
  runner.transaction((tx) => tx.query('UPDATE wallets SET total_top_up = ? WHERE owner_id = ?', [total, ownerId]))

let gold: string
let first: Customer
let second: Customer

beforeAll(async () => {
  server = await startTestServer()
  runner = sqlRunnerOf(server.payload)
  admin = await login(server.baseUrl, 'admins', ADMIN_EMAIL, ADMIN_PASSWORD)
  first = await customer('first@tiers.test', 2)
  second = await customer('second@tiers.test', 1)
}, 120_000)

afterAll(async () => {
  await server?.close()
})

describe('account tiers', () => {
  it('a tier created over REST is known to the relay, but only wallets in it get it', async () => {
    gold = await createTier({ name: 'Gold', threshold: GOLD_THRESHOLD, rpm: 3, priceMultiplier: 0.9 })
    await new Promise((resolve) => setTimeout(resolve, 200))
    await server.gateway.store.refresh()
    expect(await catalogTier(first.keys[0]!.id, (tier) => tier === undefined)).toBeUndefined()
  })

  it('refreshTier moves a wallet up once its total top-ups reach the threshold, and says so once', async () => {
    expect(await runner.transaction((tx) => refreshTier(tx, first.id))).toBe(false) // no wallet yet
    await runner.transaction((tx) => lockWallet(tx, first.id))
    await setTotalTopUp(first.id, GOLD_THRESHOLD - 1)
    expect(await runner.transaction((tx) => refreshTier(tx, first.id))).toBe(false)
    expect(await walletTier(first.id)).toBeNull()

    await setTotalTopUp(first.id, GOLD_THRESHOLD)
    expect(await runner.transaction((tx) => refreshTier(tx, first.id))).toBe(true)
    expect(await walletTier(first.id)).toBe(gold)
    expect(await runner.transaction((tx) => refreshTier(tx, first.id))).toBe(false)
  })

  it('announced after the commit, the tier reaches every key of the owner in the catalog', async () => {
    announceCatalogChange('wallets')
    for (const { id } of first.keys) {
      expect(await catalogTier(id, (tier) => tier?.id === gold)).toEqual({ id: gold, rpm: 3, tpm: undefined, priceMultiplier: 0.9 })
    }
    expect(await catalogTier(second.keys[0]!.id, (tier) => tier === undefined)).toBeUndefined()
  })

  it("enforces the tier's requests per minute over all the owner's keys: 429 rate_limit_exceeded with retry-after", async () => {
    const [a, b] = first.keys.map((k) => k.key)
    await chat(a!)
    await chat(b!)
    await chat(a!)

    const refused = await chat(b!).then(
      () => null,
      (error: unknown) => error,
    )
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError)
    const error = refused as InstanceType<typeof OpenAI.RateLimitError>
    expect(error.status).toBe(429)
    expect(error.code).toBe('rate_limit_exceeded')
    expect(error.message).toMatch(/your account's tier allows 3 requests per minute/)
    const retryAfter = Number(error.headers?.get('retry-after'))
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(60)

    const raw = await rawChat(a!)
    expect(raw.status).toBe(429)
    expect(raw.body).toMatchObject({ error: { code: 'rate_limit_exceeded', type: 'requests' } })
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)

    // Another account is not held back by this one's minute.
    expect((await chat(second.keys[0]!.key)).choices[0]!.message.content).toContain('Hello')
  })

  it('a top-up moves the customer up and the relay follows', async () => {
    await runner.transaction((tx) =>
      postEntry(tx, { ownerId: second.id, kind: 'top-up', bucket: 'cash', amount: GOLD_THRESHOLD, idempotencyKey: randomUUID(), referenceType: 'staff' }),
    )
    expect(await walletTier(second.id)).toBe(gold)
    expect(await catalogTier(second.keys[0]!.id, (tier) => tier?.id === gold)).toMatchObject({ rpm: 3 })
  })

  it("a tier edited over REST changes the relay's limits within moments", async () => {
    const res = await rest(server.baseUrl, `/api/tiers/${gold}`, { method: 'PATCH', token: admin, body: JSON.stringify({ rpm: 100 }) })
    expect(res.status).toBe(200)
    expect(await catalogTier(first.keys[0]!.id, (tier) => tier?.rpm === 100)).toMatchObject({ id: gold })
    expect((await rawChat(first.keys[0]!.key)).status).toBe(200)
  })

  it('a tier with threshold 0 holds for every account not in another tier, before any top-up', async () => {
    const starter = await createTier({ name: 'Starter', threshold: 0, rpm: 1 })
    const third = await customer('third@tiers.test', 1)
    const key = third.keys[0]!
    expect(await catalogTier(key.id, (tier) => tier?.id === starter)).toMatchObject({ rpm: 1 })
    expect((await rawChat(key.key)).status).toBe(200)
    const refused = await rawChat(key.key)
    expect(refused.status).toBe(429)
    expect(refused.body.error.message).toMatch(/your account's tier allows 1 requests per minute/)
    // Accounts in a tier of their own keep it.
    expect(await catalogTier(first.keys[0]!.id, (tier) => tier?.id === gold)).toBeDefined()
  })

  it('tiers take whole numbers of requests and tokens', async () => {
    const res = await rest(server.baseUrl, '/api/tiers', { method: 'POST', token: admin, body: JSON.stringify({ name: 'Odd', rpm: 1.5 }) })
    expect(res.status).toBe(400)
  })
})
