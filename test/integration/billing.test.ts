import { randomUUID } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import OpenAI from 'openai'

import { findWallet, ledgerTotals, postEntry } from '../../src/billing/ledger'
import { num, sqlRunnerOf, type SqlRunner } from '../../src/billing/sql'
import { grantPlan } from '../../src/billing/subscriptions'
import { addModel, platformWithKeys } from '../helpers/catalog'
import { startFakeOpenAI, type FakeUpstream } from '../helpers/fake-openai'
import { rest } from '../helpers/rest'
import { ADMIN_EMAIL, ADMIN_PASSWORD, catalogSettled, signIn, startTestServer, type TestServer } from '../helpers/server'

/**
 * Charging through the relay, driven by the official `openai` client: reservations before the
 * call, settlement after, plans before the wallet, nothing charged for failures.
 */

let server: TestServer
let upstream: FakeUpstream
let money: SqlRunner

async function customer() {
  const email = `c-${randomUUID()}@billing.test`
  const user = await server.payload.create({ collection: 'users', data: { email, password: 'billing-password-1', _verified: true } as never })
  const key = await server.payload.create({ collection: 'api-keys', data: { name: 'k', owner: user.id, status: 'active' } })
  await catalogSettled(server)
  const client = new OpenAI({ apiKey: (key as unknown as { key: string }).key, baseURL: `${server.baseUrl}/v1`, maxRetries: 0 })
  return { id: user.id, email, client }
}

const topUp = (ownerId: string, amount: number, bucket: 'cash' | 'gift' = 'cash') =>
  money.transaction((tx) => postEntry(tx, { ownerId, kind: bucket === 'cash' ? 'top-up' : 'voucher', bucket, amount, idempotencyKey: randomUUID() }))

/** The wallet after every pending settlement, checked against its ledger. */
async function settledWallet(ownerId: string) {
  await server.gateway.usage.flush()
  const wallet = (await findWallet(money.query, ownerId))!
  expect({ gift: wallet.gift, cash: wallet.cash, credit: wallet.credit }).toEqual(await ledgerTotals(money.query, wallet.id))
  const [open] = await money.query('SELECT COUNT(*) AS n FROM reservations WHERE owner_id = ?', [ownerId])
  expect(num(open!.n)).toBe(0)
  return wallet
}

async function logsOf(ownerId: string) {
  await server.gateway.usage.flush()
  const { docs } = await server.payload.find({ collection: 'usage-logs', where: { owner: { equals: ownerId } }, limit: 1000, sort: 'createdAt' })
  return docs
}

const hi = [{ role: 'user' as const, content: 'Hi' }]

beforeAll(async () => {
  upstream = await startFakeOpenAI()
  server = await startTestServer()
  money = sqlRunnerOf(server.payload)
  const p = server.payload
  const good = await platformWithKeys(p, 'Priced', upstream.baseUrl, ['sk-good'])
  const down = await platformWithKeys(p, 'Down', upstream.baseUrl, ['sk-down'])
  const slow = await platformWithKeys(p, 'Slow', upstream.baseUrl, ['sk-slow'])
  await addModel(p, 'per-request', good, { requestPrice: 1000 })
  await addModel(p, 'per-token', good, { inputPrice: 2_000_000, cachedInputPrice: 500_000, outputPrice: 8_000_000, supplierCost: 1_000_000, inputMultiplier: 1.5 })
  await addModel(p, 'broken', down, { requestPrice: 1000 })
  await addModel(p, 'slow-tokens', slow, { outputPrice: 1_000_000_000 })
  await addModel(p, 'plan-*', good, { requestPrice: 1000 })
  await catalogSettled(server)
}, 120_000)

afterAll(async () => {
  await server?.close()
  await upstream?.close()
})

describe('the wallet', () => {
  it('serves exactly 100 of 500 parallel requests when it affords 100, never going below zero', async () => {
    const { id, client } = await customer()
    await topUp(id, 100_000)
    let lowest = Infinity
    let sampling = true
    const sampler = (async () => {
      while (sampling) {
        const w = (await findWallet(money.query, id))!
        lowest = Math.min(lowest, w.cash, w.gift + w.cash + w.creditLimit + w.credit - w.reserved)
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    })()
    const results = await Promise.allSettled(Array.from({ length: 500 }, () => client.chat.completions.create({ model: 'per-request', messages: hi })))
    sampling = false
    await sampler
    const served = results.filter((r) => r.status === 'fulfilled')
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as InstanceType<typeof OpenAI.APIError>] : []))
    expect(served).toHaveLength(100)
    expect(refused.every((e) => e.status === 429 && e.code === 'insufficient_quota')).toBe(true)
    expect(lowest).toBeGreaterThanOrEqual(0)
    const wallet = await settledWallet(id)
    expect(wallet).toMatchObject({ cash: 0, reserved: 0 })
    const logs = await logsOf(id)
    expect(logs.filter((l) => l.status === 'success')).toHaveLength(100)
    expect(logs.reduce((sum, l) => sum + (l.charge ?? 0), 0)).toBe(100_000)
  }, 120_000)

  it('prices tokens with cached input and multipliers, and records prices, cost and margin', async () => {
    const { id, client } = await customer()
    await topUp(id, 1_000_000)
    await client.chat.completions.create({ model: 'per-token', messages: hi })
    // The fake reports 11 prompt tokens (3 cached) and 9 completion tokens; input counts × 1.5.
    const expected = Math.ceil((12 * 2_000_000 + 5 * 500_000 + 9 * 8_000_000) / 1_000_000)
    const [log] = await logsOf(id)
    expect(log).toMatchObject({ billedTo: 'wallet', charge: expected, cost: 20, margin: expected - 20, shortfall: 0 })
    expect(log!.prices).toMatchObject({ input: 2_000_000, inputMultiplier: 1.5 })
    const wallet = await settledWallet(id)
    expect(wallet.cash).toBe(1_000_000 - expected)
  })

  it('refuses with 429 insufficient_quota before calling upstream when the wallet is empty', async () => {
    const { id, client } = await customer()
    const before = upstream.requests.length
    await expect(client.chat.completions.create({ model: 'per-request', messages: hi })).rejects.toMatchObject({ status: 429, code: 'insufficient_quota' })
    expect(upstream.requests.length).toBe(before)
    await server.gateway.usage.flush()
    // A refused first request leaves no wallet behind, or an empty one.
    const wallet = await findWallet(money.query, id)
    expect([wallet?.cash ?? 0, wallet?.gift ?? 0, wallet?.reserved ?? 0]).toEqual([0, 0, 0])
  })

  it('charges nothing for a request every provider failed, and spends gift before cash', async () => {
    const { id, client } = await customer()
    await topUp(id, 600, 'gift')
    await topUp(id, 5_000)
    await expect(client.chat.completions.create({ model: 'broken', messages: hi })).rejects.toMatchObject({ status: 502 })
    expect(await settledWallet(id)).toMatchObject({ gift: 600, cash: 5_000 })
    await client.chat.completions.create({ model: 'per-request', messages: hi })
    expect(await settledWallet(id)).toMatchObject({ gift: 0, cash: 4_600 })
  })

  it('charges an aborted stream for what was delivered', async () => {
    const { id, client } = await customer()
    await topUp(id, 100_000_000)
    const controller = new AbortController()
    const stream = await client.chat.completions.create({ model: 'slow-tokens', messages: hi, stream: true, max_tokens: 50 }, { signal: controller.signal })
    let pieces = 0
    try {
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta?.content) pieces += 1
        if (pieces === 2) controller.abort()
      }
    } catch {
      // The client's own abort.
    }
    expect(pieces).toBe(2)
    await new Promise((resolve) => setTimeout(resolve, 300))
    const [log] = await logsOf(id)
    expect(log).toMatchObject({ status: 'client-aborted', billedTo: 'wallet' })
    expect(log!.completionTokens).toBeGreaterThan(0)
    expect(log!.completionTokens).toBeLessThan(9)
    expect(log!.charge).toBe(log!.completionTokens! * 1000)
    const wallet = await settledWallet(id)
    expect(wallet.cash).toBe(100_000_000 - log!.charge!)
  })
})

describe('plans', () => {
  async function subscribe(ownerId: string, resource: { models: string[]; meter: 'requests' | 'tokens'; limit: number }, rateLimit = {}) {
    const planResource = await server.payload.create({ collection: 'plan-resources', data: { name: 'r', ...resource } })
    const plan = await server.payload.create({
      collection: 'plans',
      data: { name: `Plan ${randomUUID()}`, resources: [planResource.id], periodUnit: 'months', periodLength: 1, quantityMultiplier: 1, ...rateLimit },
    })
    const { subscriptionId } = await money.transaction((tx) => grantPlan(tx, { ownerId, planId: plan.id, source: 'staff' }))
    return subscriptionId
  }

  it('serves covered models from the plan first, marks it exhausted, then falls back to the wallet', async () => {
    const { id, client } = await customer()
    await topUp(id, 1_000)
    const subscription = await subscribe(id, { models: ['plan-*'], meter: 'requests', limit: 2 })
    for (let i = 0; i < 3; i++) await client.chat.completions.create({ model: 'plan-a', messages: hi })
    await expect(client.chat.completions.create({ model: 'plan-a', messages: hi })).rejects.toMatchObject({ status: 429, code: 'insufficient_quota' })
    const logs = await logsOf(id)
    expect(logs.filter((l) => l.status === 'success').map((l) => l.billedTo)).toEqual(['subscription', 'subscription', 'wallet'])
    expect((await settledWallet(id)).cash).toBe(0)
    const doc = await server.payload.findByID({ collection: 'subscriptions', id: subscription })
    expect(doc.status).toBe('exhausted')
  })

  it('makes a model free for the holder of an unlimited plan, and ignores other models', async () => {
    const { id, client } = await customer()
    await subscribe(id, { models: ['plan-*'], meter: 'tokens', limit: -1 })
    for (let i = 0; i < 3; i++) await client.chat.completions.create({ model: 'plan-b', messages: hi })
    await expect(client.chat.completions.create({ model: 'per-request', messages: hi })).rejects.toMatchObject({ status: 429 })
    const logs = await logsOf(id)
    expect(logs.filter((l) => l.status === 'success').every((l) => l.billedTo === 'subscription' && l.charge === 0 && l.planUnits === 20)).toBe(true)
  })

  it("respects a plan's N requests per H hours, then says when to come back", async () => {
    const { id, client } = await customer()
    await subscribe(id, { models: ['plan-*'], meter: 'requests', limit: -1 }, { rateLimitRequests: 2, rateLimitHours: 5 })
    for (let i = 0; i < 2; i++) await client.chat.completions.create({ model: 'plan-c', messages: hi })
    const refused = await client.chat.completions.create({ model: 'plan-c', messages: hi }).catch((error: InstanceType<typeof OpenAI.APIError>) => error)
    expect(refused).toMatchObject({ status: 429, code: 'rate_limit_exceeded' })
    const retryAfter = Number((refused as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after'))
    expect(retryAfter).toBeGreaterThan(4 * 3600)
    expect(retryAfter).toBeLessThanOrEqual(5 * 3600)
    // With money in the wallet the request is served from it instead.
    await topUp(id, 1_000)
    await client.chat.completions.create({ model: 'plan-c', messages: hi })
    expect((await settledWallet(id)).cash).toBe(0)
  })

  it('a plan given after wallet requests covers the very next request: given by staff in the admin, or redeemed', async () => {
    const admin = await signIn(server.baseUrl, 'admins', ADMIN_EMAIL, ADMIN_PASSWORD)
    const planResource = await server.payload.create({ collection: 'plan-resources', data: { name: 'r', models: ['plan-*'], meter: 'requests', limit: 5 } })
    const plan = await server.payload.create({
      collection: 'plans',
      data: { name: `Plan ${randomUUID()}`, resources: [planResource.id], periodUnit: 'months', periodLength: 1, quantityMultiplier: 1 },
    })
    const billedTo = async (id: string) => (await logsOf(id)).filter((l) => l.status === 'success').map((l) => l.billedTo)
    const staffGives = async (ownerId: string) => {
      const res = await rest(server.baseUrl, '/api/subscriptions', { method: 'POST', token: admin.token, body: JSON.stringify({ owner: ownerId, plan: plan.id }) })
      expect(res.status).toBe(201)
    }
    const customerRedeems = async (ownerId: string, headers: Record<string, string>) => {
      const codes = await rest(server.baseUrl, '/api/redemption-codes/generate', { method: 'POST', headers: admin.headers, body: JSON.stringify({ count: 1, kind: 'plan', plan: plan.id }) })
      const redeemed = await rest(server.baseUrl, '/api/redeem', { method: 'POST', headers, body: JSON.stringify({ code: codes.body.codes[0] }) })
      expect(redeemed.status).toBe(200)
    }
    for (const give of ['staff', 'code'] as const) {
      const { id, client, email } = await customer()
      await topUp(id, 10_000)
      // The relay learns here that no plan of this customer covers the model.
      await client.chat.completions.create({ model: 'plan-d', messages: hi })
      if (give === 'staff') await staffGives(id)
      else await customerRedeems(id, (await signIn(server.baseUrl, 'users', email, 'billing-password-1')).headers)
      await client.chat.completions.create({ model: 'plan-d', messages: hi })
      expect(await billedTo(id)).toEqual(['wallet', 'subscription'])
      expect((await settledWallet(id)).cash).toBe(10_000 - 1000)
    }
  })

  it('counts tokens with the model multipliers against a token plan', async () => {
    const { id, client } = await customer()
    const subscription = await subscribe(id, { models: ['per-token'], meter: 'tokens', limit: 1_000 })
    await client.chat.completions.create({ model: 'per-token', messages: hi })
    await server.gateway.usage.flush()
    const [resource] = await money.query('SELECT used, reserved FROM subscription_resources WHERE subscription_id = ?', [subscription])
    // 11 prompt tokens × 1.5 rounded up, plus 9 completion tokens.
    expect({ used: num(resource!.used), reserved: num(resource!.reserved) }).toEqual({ used: 17 + 9, reserved: 0 })
  })
})
