import { randomBytes, randomUUID } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { postEntry } from '../../src/billing/ledger'
import { readWelcome, welcomeCustomer } from '../../src/billing/registration'
import { insertRows, sqlRunnerOf } from '../../src/billing/sql'
import { rest, type Rest } from '../helpers/rest'
import { catalogSettled, ADMIN_EMAIL, ADMIN_PASSWORD, signIn, startTestServer, type TestServer } from '../helpers/server'

/**
 * What customers see of their billing: the welcome a new account gets, their statement, their own
 * usage and ledger over Payload's REST, and One API's balance routes for chat apps.
 */

const PASSWORD = 'billing-password-123'
const DAY = 86_400_000

let server: TestServer
let admin: Record<string, string>

type Customer = { id: string; email: string; headers: Record<string, string> }

const get = (path: string, headers: Record<string, string> = {}): Promise<Rest> => rest(server.baseUrl, path, { headers })
const runner = () => sqlRunnerOf(server.payload)

async function newCustomer(): Promise<Customer> {
  const email = `customer-${randomBytes(4).toString('hex')}@billing.test`
  const created = await rest(server.baseUrl, '/api/users', { method: 'POST', headers: admin, body: JSON.stringify({ email, password: PASSWORD, _verified: true }) })
  expect(created.status).toBe(201)
  const { headers } = await signIn(server.baseUrl, 'users', email, PASSWORD)
  return { id: created.body.doc.id, email, headers }
}

async function credit(ownerId: string, bucket: 'gift' | 'cash', amount: number) {
  await runner().transaction((tx) => postEntry(tx, { ownerId, kind: bucket === 'cash' ? 'top-up' : 'voucher', bucket, amount, idempotencyKey: randomUUID() }))
}

/** Usage rows as the relay writes them, at chosen times. */
async function usage(ownerId: string, rows: { charge: number; at: Date }[]) {
  await runner().transaction((tx) =>
    insertRows(
      tx,
      'usage_logs',
      rows.map((r) => {
        const at = r.at.toISOString()
        return { id: randomUUID(), owner_id: ownerId, model: 'gpt-test', status: 'success', charge: r.charge, created_at: at, updated_at: at }
      }),
    ),
  )
}

async function settings(data: Record<string, unknown>) {
  const res = await rest(server.baseUrl, '/api/globals/billing-settings', { method: 'POST', headers: admin, body: JSON.stringify(data) })
  expect(res.status).toBe(200)
}

async function plan(name: string, extra: Record<string, unknown> = {}) {
  const resource = await server.payload.create({ collection: 'plan-resources', data: { name: `${name} chat`, models: ['gpt-*'], meter: 'tokens', limit: 1000 } })
  return server.payload.create({
    collection: 'plans',
    data: { name, resources: [resource.id], periodUnit: 'days', periodLength: 30, price: 0, ...extra } as never,
  })
}

beforeAll(async () => {
  server = await startTestServer()
  admin = (await signIn(server.baseUrl, 'admins', ADMIN_EMAIL, ADMIN_PASSWORD)).headers
}, 120_000)

afterAll(async () => server?.close())

describe('registration', () => {
  afterAll(async () => {
    await settings({ trialRequests: 0, trialAmount: 0, giftPlan: null })
    await server.payload.update({ collection: 'plans', where: { givenOnRegistration: { equals: true } }, data: { givenOnRegistration: false } })
  })

  it('gives a new customer the trial, the trial money, the gift plan and the registration plans, once', async () => {
    const gift = await plan('Starter')
    await plan('Welcome pack', { givenOnRegistration: true })
    await settings({ trialRequests: 20, trialDays: 7, trialAmount: 3_000_000, giftPlan: gift.id })

    const customer = await newCustomer()
    const statement = (await get('/api/me/billing', customer.headers)).body
    expect(statement.balances).toMatchObject({ gift: 3_000_000, cash: 0, available: 3_000_000 })
    const bySource = Object.fromEntries(statement.subscriptions.map((s: { name: string }) => [s.name, s]))
    expect(Object.keys(bySource).sort()).toEqual(['Free trial', 'Starter', 'Welcome pack'])
    expect(bySource['Free trial']).toMatchObject({ source: 'trial', resources: [{ models: ['*'], meter: 'requests', limit: 20, used: 0, remaining: 20 }] })
    expect(Math.round((Date.parse(bySource['Free trial'].expiresAt) - Date.now()) / DAY)).toBe(7)
    expect(bySource.Starter).toMatchObject({ source: 'registration', planId: gift.id, resources: [{ models: ['gpt-*'], meter: 'tokens', limit: 1000 }] })
    expect(bySource['Welcome pack'].source).toBe('registration')

    const ledger = await runner().query('SELECT kind, bucket, amount, reference_type, idempotency_key FROM ledger_entries WHERE owner_id = ?', [customer.id])
    expect(ledger).toEqual([
      expect.objectContaining({ kind: 'trial', bucket: 'gift', reference_type: 'registration', idempotency_key: `trial:${customer.id}` }),
    ])

    // Applying the welcome again changes nothing.
    const welcome = await readWelcome(server.payload)
    await runner().transaction((tx) => welcomeCustomer(tx, customer.id, welcome))
    expect((await get('/api/me/billing', customer.headers)).body).toEqual(statement)
    expect(await runner().query('SELECT id FROM ledger_entries WHERE owner_id = ?', [customer.id])).toHaveLength(1)
  })

  it('gives nothing, and writes nothing, when nothing is set', async () => {
    await settings({ trialRequests: 0, trialAmount: 0, giftPlan: null })
    await server.payload.update({ collection: 'plans', where: { givenOnRegistration: { equals: true } }, data: { givenOnRegistration: false } })
    const customer = await newCustomer()
    expect((await get('/api/me/billing', customer.headers)).body).toMatchObject({ balances: { gift: 0, available: 0 }, subscriptions: [] })
    expect(await runner().query('SELECT id FROM wallets WHERE owner_id = ?', [customer.id])).toHaveLength(0)
  })
})

describe('GET /api/me/billing', () => {
  it('shows balances, what is available, the tier and plans with what is left', async () => {
    const customer = await newCustomer()
    const tier = await server.payload.create({ collection: 'tiers', data: { name: 'Gold', threshold: 100_000_000, rpm: 600, priceMultiplier: 0.8 } as never })
    await credit(customer.id, 'cash', 10_000_000)
    await credit(customer.id, 'gift', 2_000_000)
    await runner().transaction((tx) =>
      tx.query('UPDATE wallets SET credit_limit = 5000000, credit = -500000, reserved = 1500000, tier_id = ? WHERE owner_id = ?', [tier.id, customer.id]),
    )
    const unlimited = await server.payload.create({ collection: 'plan-resources', data: { name: 'Free mini', models: ['gpt-mini'], meter: 'requests', limit: -1 } })
    const pro = await server.payload.create({ collection: 'plans', data: { name: 'Pro', resources: [unlimited.id], periodUnit: 'months', periodLength: 1, price: 0 } as never })
    const codes = await rest(server.baseUrl, '/api/redemption-codes/generate', {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ count: 1, kind: 'plan', plan: pro.id }),
    })
    expect((await rest(server.baseUrl, '/api/redeem', { method: 'POST', headers: customer.headers, body: JSON.stringify({ code: codes.body.codes[0] }) })).status).toBe(200)

    const res = await get('/api/me/billing', customer.headers)
    expect(res.status).toBe(200)
    expect(res.body.balances).toEqual({
      gift: 2_000_000,
      cash: 10_000_000,
      credit: -500_000,
      creditLimit: 5_000_000,
      reserved: 1_500_000,
      totalTopUp: 10_000_000,
      // gift + cash + creditLimit + credit − reserved
      available: 15_000_000,
    })
    expect(res.body.tier).toMatchObject({ id: tier.id, name: 'Gold', rpm: 600, tpm: null, priceMultiplier: 0.8 })
    expect(res.body.subscriptions).toEqual([
      expect.objectContaining({ name: 'Pro', source: 'code', planId: pro.id, resources: [expect.objectContaining({ models: ['gpt-mini'], limit: -1, remaining: -1 })] }),
    ])
    expect(Date.parse(res.body.subscriptions[0].expiresAt)).toBeGreaterThan(Date.now() + 27 * DAY)
  })

  it('answers 401 to strangers and 403 to staff', async () => {
    expect((await get('/api/me/billing')).status).toBe(401)
    expect((await get('/api/me/billing', admin)).status).toBe(403)
  })
})

describe("a customer's own usage and ledger over REST", () => {
  let mine: Customer
  let theirs: Customer
  const start = Date.parse('2026-10-01T00:00:00Z')

  beforeAll(async () => {
    ;[mine, theirs] = [await newCustomer(), await newCustomer()]
    await usage(mine.id, Array.from({ length: 15 }, (_, i) => ({ charge: 1000 * (i + 1), at: new Date(start + i * DAY) })))
    await usage(theirs.id, Array.from({ length: 3 }, (_, i) => ({ charge: 7, at: new Date(start + i * DAY) })))
    for (let i = 0; i < 4; i++) await credit(mine.id, 'cash', 1_000_000)
    await credit(theirs.id, 'cash', 9_000_000)
  })

  it('lists only their usage, by page and by date', async () => {
    const page = await get('/api/usage-logs?limit=5&page=2&sort=createdAt', mine.headers)
    expect(page.status).toBe(200)
    expect(page.body).toMatchObject({ totalDocs: 15, totalPages: 3, page: 2 })
    expect(page.body.docs.map((d: { charge: number }) => d.charge)).toEqual([6000, 7000, 8000, 9000, 10000])
    expect(page.body.docs.every((d: { owner: unknown }) => (typeof d.owner === 'object' ? (d.owner as { id: string }).id : d.owner) === mine.id)).toBe(true)

    const from = new Date(start + 3 * DAY).toISOString()
    const to = new Date(start + 6 * DAY).toISOString()
    const window = await get(`/api/usage-logs?where[createdAt][greater_than_equal]=${from}&where[createdAt][less_than]=${to}&limit=100`, mine.headers)
    expect(window.body.totalDocs).toBe(3)

    const snooping = await get(`/api/usage-logs?where[owner][equals]=${theirs.id}`, mine.headers)
    expect(snooping.body.totalDocs).toBe(0)
  })

  it("answers 403 or 404 for another customer's usage and ledger rows", async () => {
    const [theirUsage] = await runner().query('SELECT id FROM usage_logs WHERE owner_id = ?', [theirs.id])
    const [theirEntry] = await runner().query('SELECT id FROM ledger_entries WHERE owner_id = ?', [theirs.id])
    expect([403, 404]).toContain((await get(`/api/usage-logs/${theirUsage!.id}`, mine.headers)).status)
    expect([403, 404]).toContain((await get(`/api/ledger-entries/${theirEntry!.id}`, mine.headers)).status)
    const [myEntry] = await runner().query('SELECT id FROM ledger_entries WHERE owner_id = ?', [mine.id])
    expect((await get(`/api/ledger-entries/${myEntry!.id}`, mine.headers)).status).toBe(200)
  })

  it('lists only their ledger entries, by page and by date', async () => {
    const list = await get('/api/ledger-entries?limit=3&page=1', mine.headers)
    expect(list.body).toMatchObject({ totalDocs: 4, totalPages: 2 })
    expect(list.body.docs).toHaveLength(3)
    const future = await get(`/api/ledger-entries?where[createdAt][greater_than_equal]=${new Date(Date.now() + DAY).toISOString()}`, mine.headers)
    expect(future.body.totalDocs).toBe(0)
    const today = await get(`/api/ledger-entries?where[createdAt][greater_than_equal]=${new Date(Date.now() - DAY).toISOString()}`, mine.headers)
    expect(today.body.totalDocs).toBe(4)
  })
})

describe('One API balance routes', () => {
  let customer: Customer
  let key: string

  async function createKey(body: Record<string, unknown> = {}): Promise<string> {
    const res = await rest(server.baseUrl, '/api/api-keys', { method: 'POST', headers: customer.headers, body: JSON.stringify({ name: 'chat app', ...body }) })
    expect(res.status).toBe(201)
    await catalogSettled(server)
    return res.body.doc.key ?? res.body.key
  }

  const withKey = (path: string, apiKey = key) => rest(server.baseUrl, path, { headers: { authorization: `Bearer ${apiKey}` } })

  beforeAll(async () => {
    customer = await newCustomer()
    key = await createKey()
    await credit(customer.id, 'cash', 20_000_000)
    await usage(customer.id, [
      { charge: 1_250_000, at: new Date('2026-11-01T10:00:00Z') },
      { charge: 250_000, at: new Date('2026-11-15T23:59:59Z') },
      { charge: 500_000, at: new Date('2026-11-16T00:00:00Z') },
    ])
  })

  it('reports the total (spent + available) as every limit, like One API', async () => {
    for (const path of ['/v1/dashboard/billing/subscription', '/dashboard/billing/subscription']) {
      const res = await withKey(path)
      expect(res.status).toBe(200)
      // 2 spent + 20 available
      expect(res.body).toEqual({
        object: 'billing_subscription',
        has_payment_method: true,
        soft_limit_usd: 22,
        hard_limit_usd: 22,
        system_hard_limit_usd: 22,
        access_until: 0,
      })
    }
    const expiring = await createKey({ expiresAt: '2099-01-01T00:00:00.000Z' })
    expect((await withKey('/v1/dashboard/billing/subscription', expiring)).body.access_until).toBe(Date.parse('2099-01-01T00:00:00Z') / 1000)
  })

  it('reports usage in cents over [start_date, end_date)', async () => {
    const window = await withKey('/v1/dashboard/billing/usage?start_date=2026-11-01&end_date=2026-11-16')
    expect(window.body).toEqual({ object: 'list', total_usage: 150 })
    expect((await withKey('/dashboard/billing/usage?start_date=2026-11-16&end_date=2026-12-01')).body.total_usage).toBe(50)
    expect((await withKey('/v1/dashboard/billing/usage')).body.total_usage).toBe(200)
    const bad = await withKey('/v1/dashboard/billing/usage?start_date=yesterday')
    expect(bad.status).toBe(400)
    expect(bad.body.error).toMatchObject({ type: 'invalid_request_error', param: 'start_date' })
  })

  it("answers an unknown key in OpenAI's shape", async () => {
    for (const path of ['/v1/dashboard/billing/subscription', '/v1/dashboard/billing/usage']) {
      const res = await withKey(path, 'sk-not-a-key')
      expect(res.status).toBe(401)
      expect(res.body.error).toMatchObject({ code: 'invalid_api_key', type: 'invalid_request_error' })
    }
    expect((await rest(server.baseUrl, '/v1/dashboard/billing/subscription')).status).toBe(401)
  })
})
