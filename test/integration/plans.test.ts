import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { addMonths } from '../../src/billing/plans'
import { findWallet, postEntry } from '../../src/billing/ledger'
import { num, sqlRunnerOf, type Row, type Tx } from '../../src/billing/sql'
import { expireSubscriptions, grantPlan, grantRequests, syncPlan } from '../../src/billing/subscriptions'
import { ADMIN_EMAIL, ADMIN_PASSWORD, signIn, startTestServer, type Session, type TestServer } from '../helpers/server'

const PASSWORD = 'customer-password-123'
const DAY = 24 * 60 * 60 * 1000

let server: TestServer
let admin: Session

type Reply = { status: number; body: Record<string, any> }

async function api(path: string, session: Session | null, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(`${server.baseUrl}/api${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string>), ...session?.headers },
  })
  return { status: res.status, body: (await res.json()) as Record<string, any> }
}

const post = (path: string, session: Session | null, data: unknown, headers: Record<string, string> = {}) =>
  api(path, session, { method: 'POST', body: JSON.stringify(data), headers })
const patch = (path: string, session: Session | null, data: unknown) => api(path, session, { method: 'PATCH', body: JSON.stringify(data) })

async function created(reply: Promise<Reply>): Promise<string> {
  const { status, body } = await reply
  if (status !== 201) throw new Error(`create failed: ${status} ${JSON.stringify(body)}`)
  return body.doc.id as string
}

let customers = 0
async function customer(): Promise<string> {
  customers += 1
  return created(post('/users', admin, { email: `customer${customers}@plans.test`, password: PASSWORD, _verified: true }))
}

const resource = (data: { name: string; models: string[]; meter: string; limit: number }) => created(post('/plan-resources', admin, data))

const plan = (data: Record<string, unknown>) =>
  created(post('/plans', admin, { periodUnit: 'months', periodLength: 1, price: 0, quantityMultiplier: 1, ...data }))

const transaction = <T>(work: (tx: Tx) => Promise<T>) => sqlRunnerOf(server.payload).transaction(work)

const query = (text: string, params: unknown[] = []) => sqlRunnerOf(server.payload).query(text, params)

const asDate = (value: unknown) => (value instanceof Date ? value : new Date(String(value)))

async function subscription(id: string) {
  const [row] = await query('SELECT * FROM subscriptions WHERE id = ?', [id])
  if (!row) throw new Error(`no subscription ${id}`)
  return {
    planId: row.plan_id == null ? null : String(row.plan_id),
    planName: row.plan_name,
    status: row.status,
    source: row.source,
    startsAt: asDate(row.starts_at),
    expiresAt: asDate(row.expires_at),
    rateLimitRequests: row.rate_limit_requests == null ? null : num(row.rate_limit_requests),
    rateLimitHours: row.rate_limit_hours == null ? null : num(row.rate_limit_hours),
  }
}

async function resourcesOf(subscriptionId: string) {
  const rows = await query('SELECT * FROM subscription_resources WHERE subscription_id = ? ORDER BY created_at, name', [subscriptionId])
  return rows.map((row: Row) => ({
    planResourceId: row.plan_resource_id == null ? null : String(row.plan_resource_id),
    name: row.name,
    models: typeof row.models === 'string' ? JSON.parse(row.models) : row.models,
    meter: row.meter,
    limit: num(row.limit),
    used: num(row.used),
    reserved: num(row.reserved),
  }))
}

const setUsed = (subscriptionId: string, used: number) =>
  transaction((tx) => tx.query('UPDATE subscription_resources SET used = ? WHERE subscription_id = ?', [used, subscriptionId]))
const setStatus = (subscriptionId: string, status: string) =>
  transaction((tx) => tx.query('UPDATE subscriptions SET status = ? WHERE id = ?', [status, subscriptionId]))

beforeAll(async () => {
  server = await startTestServer()
  admin = await signIn(server.baseUrl, 'admins', ADMIN_EMAIL, ADMIN_PASSWORD)
}, 120_000)

afterAll(async () => server?.close())

describe('granting a plan', () => {
  it('writes a snapshot: later edits of the plan and its resources do not reach it', async () => {
    const tokens = await resource({ name: 'GPT-4o tokens', models: ['gpt-4o*', 'o1-mini'], meter: 'tokens', limit: 1000 })
    const unlimited = await resource({ name: 'Mini for free', models: ['*-mini'], meter: 'requests', limit: -1 })
    const pro = await plan({ name: 'Pro', resources: [tokens, unlimited], quantityMultiplier: 10, rateLimitRequests: 100, rateLimitHours: 5 })
    const owner = await customer()
    const now = new Date()

    const granted = await transaction((tx) => grantPlan(tx, { ownerId: owner, planId: pro, source: 'staff', now }))
    expect(granted.extended).toBe(false)
    const before = await subscription(granted.subscriptionId)
    expect(before).toMatchObject({ planId: pro, planName: 'Pro', status: 'active', source: 'staff', rateLimitRequests: 100, rateLimitHours: 5 })
    expect(before.expiresAt.getTime()).toBe(addMonths(now, 1).getTime())
    expect(await resourcesOf(granted.subscriptionId)).toEqual(
      expect.arrayContaining([
        { planResourceId: tokens, name: 'GPT-4o tokens', models: ['gpt-4o*', 'o1-mini'], meter: 'tokens', limit: 10_000, used: 0, reserved: 0 },
        { planResourceId: unlimited, name: 'Mini for free', models: ['*-mini'], meter: 'requests', limit: -1, used: 0, reserved: 0 },
      ]),
    )
    const resourcesBefore = await resourcesOf(granted.subscriptionId)

    expect((await patch(`/plans/${pro}`, admin, { name: 'Pro 2', quantityMultiplier: 3, rateLimitRequests: 1, periodUnit: 'days' })).status).toBe(200)
    expect((await patch(`/plan-resources/${tokens}`, admin, { limit: 5, models: ['claude-*'], meter: 'characters' })).status).toBe(200)
    expect(await subscription(granted.subscriptionId)).toEqual(before)
    expect(await resourcesOf(granted.subscriptionId)).toEqual(resourcesBefore)
  })

  it('renews an active subscription of the same plan: a period on from its end, amounts added, usage kept', async () => {
    const requests = await resource({ name: 'Requests', models: ['*'], meter: 'requests', limit: 100 })
    const basic = await plan({ name: 'Basic', resources: [requests], quantityMultiplier: 2 })
    const owner = await customer()
    const may30 = new Date(Date.UTC(new Date().getUTCFullYear() + 1, 4, 30, 12))
    const bought = new Date(may30.getTime() - 30 * DAY)

    // Bought on 30 April, so it runs to 30 May; renewed on 10 May it runs to 30 June.
    const first = await transaction((tx) => grantPlan(tx, { ownerId: owner, planId: basic, source: 'purchase', now: bought }))
    expect((await subscription(first.subscriptionId)).expiresAt.toISOString()).toBe(may30.toISOString())
    await setUsed(first.subscriptionId, 150)
    const renewedOn = new Date(may30.getTime() - 20 * DAY)
    const second = await transaction((tx) => grantPlan(tx, { ownerId: owner, planId: basic, source: 'purchase', now: renewedOn }))
    expect(second).toEqual({ subscriptionId: first.subscriptionId, extended: true })
    expect((await subscription(first.subscriptionId)).expiresAt.toISOString()).toBe(new Date(Date.UTC(may30.getUTCFullYear(), 5, 30, 12)).toISOString())
    expect(await resourcesOf(first.subscriptionId)).toEqual([expect.objectContaining({ limit: 400, used: 150 })])

    // Once it has expired, buying again starts a new subscription from then.
    await setStatus(first.subscriptionId, 'expired')
    const third = await transaction((tx) => grantPlan(tx, { ownerId: owner, planId: basic, source: 'purchase', now: renewedOn }))
    expect(third.extended).toBe(false)
    expect(third.subscriptionId).not.toBe(first.subscriptionId)
    expect(await resourcesOf(third.subscriptionId)).toEqual([expect.objectContaining({ limit: 200, used: 0 })])
  })

  it('adds recharge-card requests to the active card and extends it from its end', async () => {
    const owner = await customer()
    const now = new Date()
    const card = await transaction((tx) => grantRequests(tx, { ownerId: owner, requests: 100, days: 30, source: 'recharge-card', name: 'Card', now }))
    expect(card.extended).toBe(false)
    await setUsed(card.subscriptionId, 40)
    const again = await transaction((tx) => grantRequests(tx, { ownerId: owner, requests: 50, days: 10, source: 'recharge-card', name: 'Card', now }))
    expect(again).toEqual({ subscriptionId: card.subscriptionId, extended: true })
    const sub = await subscription(card.subscriptionId)
    expect(sub).toMatchObject({ planId: null, planName: 'Card', source: 'recharge-card', status: 'active' })
    expect(sub.expiresAt.getTime()).toBe(now.getTime() + 40 * DAY)
    expect(await resourcesOf(card.subscriptionId)).toEqual([
      { planResourceId: null, name: 'Card', models: ['*'], meter: 'requests', limit: 150, used: 40, reserved: 0 },
    ])
    const trial = await transaction((tx) => grantRequests(tx, { ownerId: owner, requests: 10, days: 7, source: 'trial', name: 'Free trial', now }))
    expect(trial.extended).toBe(false)
    expect(trial.subscriptionId).not.toBe(card.subscriptionId)
  })
})

describe('syncing a changed plan', () => {
  it('adds only the resources a subscription lacks, keeps usage and expiry, skips expired and used-up ones', async () => {
    const chat = await resource({ name: 'Chat', models: ['gpt-4o*'], meter: 'requests', limit: 10 })
    const team = await plan({ name: 'Team', resources: [chat], quantityMultiplier: 3 })
    const [active, exhausted, expired] = [await customer(), await customer(), await customer()]
    const grant = (ownerId: string, now = new Date()) => transaction((tx) => grantPlan(tx, { ownerId, planId: team, source: 'staff', now }))
    const a = (await grant(active)).subscriptionId
    const b = (await grant(exhausted)).subscriptionId
    const c = (await grant(expired, new Date(Date.now() - 60 * DAY))).subscriptionId
    await setUsed(a, 7)
    await setStatus(b, 'exhausted')
    const before = await subscription(a)

    // A new resource is added and the existing one raised; the sync adds the new one only.
    const images = await resource({ name: 'Images', models: ['dall-e-3'], meter: 'requests', limit: 5 })
    expect((await patch(`/plan-resources/${chat}`, admin, { limit: 1000 })).status).toBe(200)
    const saved = await patch(`/plans/${team}`, admin, { resources: [chat, images], applyToSubscriptions: true })
    expect(saved.status).toBe(200)
    expect(saved.body.doc.applyToSubscriptions).toBeUndefined()

    expect(await resourcesOf(a)).toEqual([
      expect.objectContaining({ planResourceId: chat, limit: 30, used: 7 }),
      expect.objectContaining({ planResourceId: images, name: 'Images', models: ['dall-e-3'], limit: 15, used: 0 }),
    ])
    expect(await subscription(a)).toEqual(before)
    expect(await resourcesOf(b)).toEqual([expect.objectContaining({ planResourceId: chat })])
    expect(await resourcesOf(c)).toEqual([expect.objectContaining({ planResourceId: chat })])

    const { docs } = await server.payload.find({ collection: 'audit-logs', where: { documentId: { equals: team } }, limit: 10 })
    expect(docs.map((d) => d.summary)).toContain('synced 1 subscription (2 expired or used up, skipped)')

    // Nothing left to add: a second sync changes nothing.
    expect(await transaction((tx) => syncPlan(tx, { planId: team }))).toEqual({ updated: 0, skipped: 2 })
    expect(await resourcesOf(a)).toHaveLength(2)
  })

  it('saving without the checkbox changes no subscription; a plan resource saved with it reaches every plan holding it', async () => {
    const base = await resource({ name: 'Base', models: ['*'], meter: 'tokens', limit: 100 })
    const first = await plan({ name: 'First', resources: [base] })
    const second = await plan({ name: 'Second', resources: [base], quantityMultiplier: 2 })
    const owner = await customer()
    const s1 = (await transaction((tx) => grantPlan(tx, { ownerId: owner, planId: first, source: 'staff' }))).subscriptionId
    const s2 = (await transaction((tx) => grantPlan(tx, { ownerId: owner, planId: second, source: 'staff' }))).subscriptionId

    const extra = await resource({ name: 'Extra', models: ['deepseek-*'], meter: 'characters', limit: 50 })
    expect((await patch(`/plans/${first}`, admin, { resources: [base, extra] })).status).toBe(200)
    expect((await patch(`/plans/${second}`, admin, { resources: [base, extra] })).status).toBe(200)
    expect(await resourcesOf(s1)).toHaveLength(1)

    expect((await patch(`/plan-resources/${extra}`, admin, { limit: 60, applyToSubscriptions: true })).status).toBe(200)
    expect((await resourcesOf(s1)).map((r) => [r.planResourceId, r.limit])).toEqual([[base, 100], [extra, 60]])
    expect((await resourcesOf(s2)).map((r) => [r.planResourceId, r.limit])).toEqual([[base, 200], [extra, 120]])
    const { docs } = await server.payload.find({ collection: 'audit-logs', where: { documentId: { equals: extra } }, limit: 10 })
    expect(docs.map((d) => d.summary)).toContain('synced 2 subscriptions (0 expired or used up, skipped)')
  })
})

describe('expiry', () => {
  it('the expireSubscriptions job ends subscriptions past their end and leaves the rest', async () => {
    const requests = await resource({ name: 'Weekly requests', models: ['*'], meter: 'requests', limit: 10 })
    const weekly = await plan({ name: 'Weekly', resources: [requests], periodUnit: 'days', periodLength: 7 })
    const owner = await customer()
    const over = (await transaction((tx) => grantPlan(tx, { ownerId: owner, planId: weekly, source: 'staff', now: new Date(Date.now() - 8 * DAY) }))).subscriptionId
    const usedUp = (await transaction((tx) => grantRequests(tx, { ownerId: owner, requests: 5, days: 1, source: 'trial', name: 'Trial', now: new Date(Date.now() - 2 * DAY) }))).subscriptionId
    await setStatus(usedUp, 'exhausted')
    const running = (await transaction((tx) => grantPlan(tx, { ownerId: owner, planId: weekly, source: 'staff' }))).subscriptionId

    const task = server.payload.config.jobs.tasks?.find((t) => t.slug === 'expireSubscriptions')
    expect(task?.schedule).toEqual([expect.objectContaining({ queue: 'maintenance' })])
    const job = await server.payload.jobs.queue({ task: 'expireSubscriptions', input: {}, queue: 'maintenance' })
    await server.payload.jobs.run({ queue: 'maintenance' })
    // Payload deletes a job that completed; one that failed would stay, marked hasError.
    await expect(server.payload.findByID({ collection: 'payload-jobs', id: job.id })).rejects.toThrow('Not Found')

    expect((await subscription(over)).status).toBe('expired')
    expect((await subscription(usedUp)).status).toBe('expired')
    expect((await subscription(running)).status).toBe('active')
    expect(await transaction((tx) => expireSubscriptions(tx, new Date()))).toBe(0)
  })
})

describe('buying a plan from the wallet', () => {
  let price12: string
  let owner: string
  let session: Session

  beforeAll(async () => {
    const requests = await resource({ name: 'Shop requests', models: ['*'], meter: 'requests', limit: 500 })
    price12 = await plan({ name: 'Shop', resources: [requests], price: 12_000_000 })
    owner = await customer()
    session = await signIn(server.baseUrl, 'users', `customer${customers}@plans.test`, PASSWORD)
    await transaction(async (tx) => {
      await postEntry(tx, { ownerId: owner, kind: 'voucher', bucket: 'gift', amount: 5_000_000, idempotencyKey: `test-gift-${owner}` })
      await postEntry(tx, { ownerId: owner, kind: 'top-up', bucket: 'cash', amount: 10_000_000, idempotencyKey: `test-cash-${owner}` })
    })
  })

  it('takes the price gift first, then cash, and grants the plan in one go; a retry with the same key changes nothing', async () => {
    const bought = await post(`/plans/${price12}/purchase`, session, {}, { 'idempotency-key': 'order-1' })
    expect(bought.status).toBe(201)
    expect(bought.body).toMatchObject({ extended: false, charged: 12_000_000, replayed: false })
    const subscriptionId = bought.body.subscriptionId as string
    expect(await subscription(subscriptionId)).toMatchObject({ planId: price12, source: 'purchase', status: 'active' })
    expect(await resourcesOf(subscriptionId)).toEqual([expect.objectContaining({ limit: 500 })])
    expect(await findWallet(query, owner)).toMatchObject({ gift: 0, cash: 3_000_000, credit: 0 })
    const entries = await query(`SELECT bucket, amount, kind, reference_type, reference_id FROM ledger_entries WHERE owner_id = ? AND kind = 'usage'`, [owner])
    const byBucket = entries.map((e) => [e.bucket, num(e.amount), e.reference_type, e.reference_id]).sort()
    expect(byBucket).toEqual([
      ['cash', -7_000_000, 'subscription', subscriptionId],
      ['gift', -5_000_000, 'subscription', subscriptionId],
    ])

    const retried = await post(`/plans/${price12}/purchase`, session, {}, { 'idempotency-key': 'order-1' })
    expect(retried.status).toBe(200)
    expect(retried.body).toMatchObject({ subscriptionId, replayed: true })
    expect(await findWallet(query, owner)).toMatchObject({ gift: 0, cash: 3_000_000 })
    expect(await resourcesOf(subscriptionId)).toEqual([expect.objectContaining({ limit: 500 })])
  })

  it('answers 402 and changes nothing when the balance cannot cover the price', async () => {
    const [before] = await query('SELECT expires_at FROM subscriptions WHERE owner_id = ?', [owner])
    const refused = await post(`/plans/${price12}/purchase`, session, {})
    expect(refused.status).toBe(402)
    expect(refused.body.errors[0].message).toBe('Your balance cannot cover this plan: it costs 12.00 and 3.00 is available.')
    expect(await findWallet(query, owner)).toMatchObject({ gift: 0, cash: 3_000_000 })
    const after = await query('SELECT expires_at FROM subscriptions WHERE owner_id = ?', [owner])
    expect(after).toEqual([before])
    const [subscriptionRow] = await query('SELECT id FROM subscriptions WHERE owner_id = ?', [owner])
    expect(await resourcesOf(String(subscriptionRow!.id))).toEqual([expect.objectContaining({ limit: 500 })])
  })

  it('sells only plans on sale, only to customers; customers see plans on sale and their resources', async () => {
    const hiddenResource = await resource({ name: 'Hidden', models: ['*'], meter: 'requests', limit: 1 })
    const hidden = await plan({ name: 'Internal', resources: [hiddenResource], onSale: false })
    expect((await post(`/plans/${hidden}/purchase`, session, {})).status).toBe(404)
    expect((await post('/plans/not-a-plan/purchase', session, {})).status).toBe(404)
    expect((await post(`/plans/${price12}/purchase`, admin, {})).status).toBe(403)
    expect((await post(`/plans/${price12}/purchase`, null, {})).status).toBe(401)

    const plans = await api('/plans?limit=100', session)
    expect(plans.status).toBe(200)
    const names = plans.body.docs.map((p: { name: string }) => p.name)
    expect(names).toContain('Shop')
    expect(names).not.toContain('Internal')
    const resources = await api('/plan-resources?limit=100', session)
    const resourceNames = resources.body.docs.map((r: { name: string }) => r.name)
    expect(resourceNames).toContain('Shop requests')
    expect(resourceNames).not.toContain('Hidden')
    expect((await api(`/plans/${hidden}`, session)).status).not.toBe(200)
    expect((await patch(`/plans/${price12}`, session, { price: 0 })).status).toBe(403)
  })
})

describe('subscriptions staff manage in the admin', () => {
  it('a subscription created from a customer and a plan gets the plan resources, name, rate limit and expiry', async () => {
    const tokens = await resource({ name: 'Staff tokens', models: ['qwen-*'], meter: 'tokens', limit: 2000 })
    const gift = await plan({ name: 'Gift', resources: [tokens], quantityMultiplier: 5, rateLimitRequests: 20, rateLimitHours: 1, periodUnit: 'days', periodLength: 10 })
    const owner = await customer()
    const made = await post('/subscriptions', admin, { owner, plan: gift })
    expect(made.status).toBe(201)
    const id = made.body.doc.id as string
    const sub = await subscription(id)
    expect(sub).toMatchObject({ planId: gift, planName: 'Gift', status: 'active', source: 'staff', rateLimitRequests: 20, rateLimitHours: 1 })
    expect(sub.expiresAt.getTime() - sub.startsAt.getTime()).toBe(10 * DAY)
    expect(await resourcesOf(id)).toEqual([
      { planResourceId: tokens, name: 'Staff tokens', models: ['qwen-*'], meter: 'tokens', limit: 10_000, used: 0, reserved: 0 },
    ])
    const shown = await api(`/subscriptions/${id}`, admin)
    expect(shown.body.resources.docs).toHaveLength(1)

    expect((await post('/subscriptions', admin, { owner })).status).toBe(400)
  })

  it('reset counters sets usage to zero and reactivates a used-up subscription; expiry and plan edits follow through', async () => {
    const a = await resource({ name: 'Shared', models: ['*'], meter: 'requests', limit: 10 })
    const b = await resource({ name: 'Only old', models: ['gpt-4o'], meter: 'requests', limit: 10 })
    const c = await resource({ name: 'Only new', models: ['claude-*'], meter: 'requests', limit: 10 })
    const oldPlan = await plan({ name: 'Old', resources: [a, b] })
    const newPlan = await plan({ name: 'New', resources: [a, c], rateLimitRequests: 9, rateLimitHours: 2 })
    const owner = await customer()
    const id = await created(post('/subscriptions', admin, { owner, plan: oldPlan }))
    await setUsed(id, 7)
    await setStatus(id, 'exhausted')

    const reset = await patch(`/subscriptions/${id}`, admin, { resetCounters: true })
    expect(reset.status).toBe(200)
    expect(reset.body.doc.status).toBe('active')
    expect((await subscription(id)).status).toBe('active')
    expect((await resourcesOf(id)).map((r) => r.used)).toEqual([0, 0])

    await setUsed(id, 3)
    const moved = await patch(`/subscriptions/${id}`, admin, { plan: newPlan })
    expect(moved.status).toBe(200)
    expect(await subscription(id)).toMatchObject({ planId: newPlan, planName: 'New', rateLimitRequests: 9, rateLimitHours: 2 })
    expect((await resourcesOf(id)).map((r) => [r.planResourceId, r.used])).toEqual([[a, 3], [c, 0]])

    const ended = await patch(`/subscriptions/${id}`, admin, { expiresAt: new Date(Date.now() - DAY).toISOString() })
    expect(ended.body.doc.status).toBe('expired')
    const back = await patch(`/subscriptions/${id}`, admin, { expiresAt: new Date(Date.now() + DAY).toISOString() })
    expect(back.body.doc.status).toBe('active')
    // Only a new subscription takes its dates from the plan; an existing one cannot lose them.
    expect((await patch(`/subscriptions/${id}`, admin, { expiresAt: null })).status).toBe(400)
  })
})
