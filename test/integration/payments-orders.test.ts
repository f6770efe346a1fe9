import { randomBytes } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { findWallet, ledgerTotals } from '../../src/billing/ledger'
import { sqlRunnerOf } from '../../src/billing/sql'
import { claimCoupon, issueCoupon } from '../../src/payments/coupons'
import { closeOrder, createOrder, findOrder, payOrder, type NewOrder, type OrderRow } from '../../src/payments/orders'
import { beginRefund, finishRefund } from '../../src/payments/refunds'
import { closeExpiredOrdersTask } from '../../src/jobs/close-orders'
import { rest } from '../helpers/rest'
import { startMailbox, type Mailbox } from '../helpers/smtp'
import { ADMIN_EMAIL, ADMIN_PASSWORD, signIn, startTestServer, type TestServer } from '../helpers/server'

/**
 * The order rules every channel shares, on the real database: payments credited once however
 * often they arrive, coupons (minimum, window, kinds, per-customer and total limits, races),
 * refunds (remaining cash only, minimum, partial, failures, reversal entries), referral rewards,
 * manual confirmation, closing, locking and the timeout job. Channels are tested in their own suites.
 */

const UNIT = 1_000_000
let server: TestServer
let mailbox: Mailbox
let admin: Record<string, string>
let finance: Record<string, string>
let financeId: string
const runner = () => sqlRunnerOf(server.payload)

async function customer(extra: Record<string, unknown> = {}): Promise<string> {
  const user = await server.payload.create({ collection: 'users', data: { email: `c-${randomBytes(4).toString('hex')}@orders.test`, password: 'customer-password-1', ...extra } })
  return String(user.id)
}

const order = (ownerId: string, extra: Partial<NewOrder> = {}) =>
  runner().transaction((t) => createOrder(t, { ownerId, kind: 'top-up', amount: 100 * UNIT, channel: 'epay', currency: 'CNY', timeoutMinutes: 30, ...extra }))

const pay = (o: OrderRow, transactionId = `T${o.number}`, amount = o.payable) =>
  runner().transaction((t) => payOrder(t, { orderNumber: o.number, channel: 'epay', transactionId, amount, currency: 'CNY' }))

async function balances(ownerId: string) {
  const wallet = await findWallet(runner().query, ownerId)
  if (!wallet) return { cash: 0, gift: 0, derived: { cash: 0, gift: 0, credit: 0 } }
  return { cash: wallet.cash, gift: wallet.gift, derived: await ledgerTotals(runner().query, wallet.id) }
}

async function coupon(data: Record<string, unknown>) {
  return server.payload.create({ collection: 'coupons', data: { name: `c-${randomBytes(3).toString('hex')}`, ...data } as never })
}

async function grant(couponId: string, ownerId: string): Promise<string> {
  await runner().transaction((t) => issueCoupon(t, { couponId, ownerIds: [ownerId] }))
  const { docs } = await server.payload.find({ collection: 'coupon-grants', where: { coupon: { equals: couponId }, owner: { equals: ownerId }, status: { equals: 'available' } } })
  return String(docs[0]!.id)
}

beforeAll(async () => {
  mailbox = await startMailbox()
  server = await startTestServer({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(mailbox.port) })
  admin = (await signIn(server.baseUrl, 'admins', ADMIN_EMAIL, ADMIN_PASSWORD)).headers
  financeId = String((await server.payload.create({ collection: 'admins', data: { email: 'fin@orders.test', password: 'finance-password-1', role: 'finance' } })).id)
  finance = (await signIn(server.baseUrl, 'admins', 'fin@orders.test', 'finance-password-1')).headers
})

afterAll(async () => {
  await server?.close()
  await mailbox?.close()
})

describe('paying an order', () => {
  it('credits a top-up once, however many copies of the payment arrive at once', async () => {
    const owner = await customer()
    const o = await order(owner)
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => pay(o)))
    expect(outcomes.filter((r) => r.outcome === 'accepted')).toHaveLength(1)
    expect(outcomes.filter((r) => r.outcome === 'duplicate')).toHaveLength(19)
    const b = await balances(owner)
    expect(b.cash).toBe(100 * UNIT)
    expect(b.derived.cash).toBe(b.cash)
    expect((await findOrder(runner().query, { id: o.id }))!.status).toBe('paid')
  })

  it('refuses a payment of another amount, currency or channel, and changes nothing', async () => {
    const owner = await customer()
    const o = await order(owner)
    expect(await pay(o, 'T1', o.payable - 10_000)).toMatchObject({ outcome: 'rejected', reason: expect.stringMatching(/order is for/) })
    expect(await runner().transaction((t) => payOrder(t, { orderNumber: o.number, channel: 'epay', transactionId: 'T1', amount: o.payable, currency: 'USD' }))).toMatchObject({ outcome: 'rejected' })
    expect(await runner().transaction((t) => payOrder(t, { orderNumber: o.number, channel: 'alipay', transactionId: 'T1', amount: o.payable }))).toMatchObject({ outcome: 'rejected' })
    expect(await runner().transaction((t) => payOrder(t, { orderNumber: 'MG-none', channel: 'epay', transactionId: 'T1', amount: 1 }))).toMatchObject({ outcome: 'rejected' })
    expect((await balances(owner)).cash).toBe(0)
    expect((await findOrder(runner().query, { id: o.id }))!.status).toBe('pending')
  })

  it('holds a second, different payment of a paid order for staff instead of crediting it again', async () => {
    const owner = await customer()
    const o = await order(owner)
    await pay(o, 'FIRST')
    expect(await pay(o, 'SECOND')).toMatchObject({ outcome: 'held', reason: expect.stringContaining('SECOND') })
    expect((await balances(owner)).cash).toBe(100 * UNIT)
  })

  it('still credits a payment that arrives after the order closed', async () => {
    const owner = await customer()
    const o = await order(owner)
    await runner().transaction((t) => closeOrder(t, { orderId: o.id, reason: 'test' }))
    expect((await pay(o)).outcome).toBe('accepted')
    expect((await balances(owner)).cash).toBe(100 * UNIT)
  })

  it('grants a plan, with the payment passing through the wallet in the ledger', async () => {
    const owner = await customer()
    const resource = await server.payload.create({ collection: 'plan-resources', data: { name: 'r', models: ['gpt-*'], meter: 'requests', limit: 100 } })
    const plan = await server.payload.create({ collection: 'plans', data: { name: 'Pro', resources: [resource.id], periodUnit: 'months', periodLength: 1, price: 30 * UNIT, onSale: true } as never })
    const o = await order(owner, { kind: 'plan', planId: String(plan.id), amount: undefined })
    expect(o.payable).toBe(30 * UNIT)
    expect((await pay(o)).outcome).toBe('accepted')
    const subs = await server.payload.find({ collection: 'subscriptions', where: { owner: { equals: owner } }, depth: 0 })
    expect(subs.docs.map((s) => s.plan)).toEqual([plan.id])
    const entries = await server.payload.find({ collection: 'ledger-entries', where: { owner: { equals: owner } }, sort: 'createdAt' })
    expect(entries.docs.map((e) => [e.kind, e.amount])).toEqual([
      ['top-up', 30 * UNIT],
      ['usage', -30 * UNIT],
    ])
  })

  it('is closed by the timeout job when unpaid, and a closed order cannot be closed again', async () => {
    const owner = await customer()
    const o = await order(owner, { timeoutMinutes: 1, now: new Date(Date.now() - 2 * 60_000) })
    const { output } = await (closeExpiredOrdersTask.handler as (args: { req: { payload: typeof server.payload } }) => Promise<{ output: { closed: number } }>)({ req: { payload: server.payload } })
    expect(output.closed).toBeGreaterThanOrEqual(1)
    expect((await findOrder(runner().query, { id: o.id }))!.status).toBe('closed')
    expect((await rest(server.baseUrl, `/api/orders/${o.id}/close`, { method: 'POST', headers: finance, body: '{}' })).status).toBe(409)
  })
})

describe('who sees an order', () => {
  it('shows an order to its customer and finance, never to another customer, over REST and GraphQL', async () => {
    const owner = await customer()
    const o = await order(owner)
    const emailOf = async (id: string) => (await server.payload.findByID({ collection: 'users', id })).email!
    const mine = (await signIn(server.baseUrl, 'users', await emailOf(owner), 'customer-password-1')).headers
    const stranger = (await signIn(server.baseUrl, 'users', await emailOf(await customer()), 'customer-password-1')).headers
    expect((await rest(server.baseUrl, `/api/orders/${o.id}`, { headers: mine })).body.number).toBe(o.number)
    expect((await rest(server.baseUrl, `/api/orders/${o.id}`, { headers: finance })).status).toBe(200)
    expect([403, 404]).toContain((await rest(server.baseUrl, `/api/orders/${o.id}`, { headers: stranger })).status)
    expect((await rest(server.baseUrl, `/api/orders?where[id][equals]=${o.id}`, { headers: stranger })).body.totalDocs).toBe(0)
    const graphql = await rest(server.baseUrl, '/api/graphql', { method: 'POST', headers: stranger, body: JSON.stringify({ query: `{ Order(id: "${o.id}") { number } }` }) })
    expect(JSON.stringify(graphql.body)).not.toContain(o.number)
    // Nobody changes an order's fields through REST; they move only through the order endpoints.
    expect((await rest(server.baseUrl, `/api/orders/${o.id}`, { method: 'PATCH', headers: mine, body: JSON.stringify({ status: 'paid' }) })).status).toBe(403)
    expect((await findOrder(runner().query, { id: o.id }))!.status).toBe('pending')
  })
})

describe('coupons', () => {
  it('take a fixed amount or a capped percentage off, paid cash plus the discount as gift on a top-up', async () => {
    const owner = await customer()
    const fixed = await coupon({ kind: 'fixed', amount: 10 * UNIT })
    const o = await order(owner, { couponGrantId: await grant(String(fixed.id), owner) })
    expect([o.listAmount, o.discount, o.payable]).toEqual([100 * UNIT, 10 * UNIT, 90 * UNIT])
    await pay(o)
    expect(await balances(owner)).toMatchObject({ cash: 90 * UNIT, gift: 10 * UNIT })

    const percent = await coupon({ kind: 'percent', percent: 50, maxDiscount: 20 * UNIT })
    const capped = await order(owner, { couponGrantId: await grant(String(percent.id), owner) })
    expect(capped.discount).toBe(20 * UNIT)
  })

  it('refuse an order under the minimum spend, outside the validity window or of another kind, and stay unused', async () => {
    const owner = await customer()
    const cases = [
      { minimumSpend: 200 * UNIT, message: /at least 200/ },
      { endsAt: new Date(Date.now() - 1000).toISOString(), message: /expired/ },
      { startsAt: new Date(Date.now() + 86_400_000).toISOString(), message: /before/ },
      { orderKinds: ['plan'], message: /not for top-up/ },
    ]
    for (const { message, ...terms } of cases) {
      const c = await coupon({ kind: 'fixed', amount: UNIT, ...terms })
      const grantId = await grant(String(c.id), owner)
      await expect(order(owner, { couponGrantId: grantId })).rejects.toThrow(message)
      expect((await server.payload.findByID({ collection: 'coupon-grants', id: grantId })).status).toBe('available')
    }
  })

  it('are used once per grant, even by two orders at the same moment, and come back when the order closes', async () => {
    const owner = await customer()
    const c = await coupon({ kind: 'fixed', amount: UNIT })
    const grantId = await grant(String(c.id), owner)
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => order(owner, { couponGrantId: grantId })))
    const made = results.filter((r): r is PromiseFulfilledResult<OrderRow> => r.status === 'fulfilled')
    expect(made).toHaveLength(1)
    expect((await server.payload.findByID({ collection: 'coupons', id: c.id })).used).toBe(1)
    await runner().transaction((t) => closeOrder(t, { orderId: made[0]!.value.id, reason: 'test' }))
    expect((await server.payload.findByID({ collection: 'coupon-grants', id: grantId })).status).toBe('available')
    expect((await server.payload.findByID({ collection: 'coupons', id: c.id })).used).toBe(0)
  })

  it('stop at their total limit when many customers use them at once', async () => {
    const c = await coupon({ kind: 'fixed', amount: UNIT, totalLimit: 3 })
    const owners = await Promise.all(Array.from({ length: 8 }, () => customer()))
    const grants = await Promise.all(owners.map((o) => grant(String(c.id), o)))
    const results = await Promise.allSettled(owners.map((o, i) => order(o, { couponGrantId: grants[i] })))
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3)
    expect((await server.payload.findByID({ collection: 'coupons', id: c.id })).used).toBe(3)
  })

  it('are claimed by code within the per-customer limit, and only when published', async () => {
    const owner = await customer()
    const code = `SPRING${randomBytes(2).toString('hex').toUpperCase()}`
    const c = await coupon({ kind: 'fixed', amount: UNIT, code, perUserLimit: 2, published: true })
    const claims = await Promise.allSettled(Array.from({ length: 4 }, () => runner().transaction((t) => claimCoupon(t, { code, ownerId: owner }))))
    expect(claims.filter((r) => r.status === 'fulfilled')).toHaveLength(2)
    const hidden = await coupon({ kind: 'fixed', amount: UNIT, code: `${code}X` })
    await expect(runner().transaction((t) => claimCoupon(t, { code: `${code}X`, ownerId: owner }))).rejects.toThrow(/No coupon/)
    expect(hidden.published).toBe(false)

    const { headers } = await signIn(server.baseUrl, 'users', (await server.payload.findByID({ collection: 'users', id: owner })).email!, 'customer-password-1')
    const other = await coupon({ kind: 'fixed', amount: UNIT, code: `${code}Y`, published: true })
    const claimed = await rest(server.baseUrl, '/api/coupons/claim', { method: 'POST', headers, body: JSON.stringify({ code: `${code}Y` }) })
    expect(claimed.status).toBe(201)
    expect(claimed.body.coupon.id).toBe(other.id)
    // What the wallet offers at checkout: the customer's usable grants with their terms.
    const mine = await rest(server.baseUrl, '/api/coupons/mine', { headers })
    expect(mine.status).toBe(200)
    expect(mine.body.coupons).toHaveLength(3)
    expect(mine.body.coupons).toContainEqual(expect.objectContaining({ grantId: claimed.body.grant, coupon: expect.objectContaining({ id: other.id, kind: 'fixed', amount: UNIT }) }))
    expect((await rest(server.baseUrl, '/api/coupons/mine')).status).toBe(401)
    expect(c.id).toBeTruthy()
  })
})

describe('refunds', () => {
  async function paidTopUp(amount = 100 * UNIT) {
    const owner = await customer()
    const o = await order(owner, { amount })
    await pay(o)
    return { owner, o }
  }
  const refund = (o: OrderRow, amount: number, channelRefunds = true) =>
    runner().transaction((t) => beginRefund(t, { orderId: o.id, amount, reason: 'asked', staffId: financeId, minimumRefund: 10 * UNIT, channelRefunds }))

  it('take a top-up back out of the remaining cash only, in parts, with ledger entries that add up', async () => {
    const { owner, o } = await paidTopUp()
    const first = await refund(o, 30 * UNIT)
    await runner().transaction((t) => finishRefund(t, { refundId: first.refundId, outcome: { ok: true, channelRefundId: 'R1' } }))
    expect(await findOrder(runner().query, { id: o.id })).toMatchObject({ status: 'partially-refunded', refunded: 30 * UNIT })
    const second = await refund(o, 70 * UNIT)
    await runner().transaction((t) => finishRefund(t, { refundId: second.refundId, outcome: { ok: true } }))
    expect(await findOrder(runner().query, { id: o.id })).toMatchObject({ status: 'refunded', refunded: 100 * UNIT })
    const b = await balances(owner)
    expect(b.cash).toBe(0)
    expect(b.derived.cash).toBe(0)
    await expect(refund(o, 10 * UNIT)).rejects.toThrow(/cannot be refunded/)
  })

  it('refuse more than the cash still in the wallet (gift money never refunds), and under the minimum', async () => {
    const { owner, o } = await paidTopUp()
    // The customer spent 95 of the 100 they paid; a gift of 50 does not make it refundable.
    await runner().transaction(async (t) => {
      const { postEntry } = await import('../../src/billing/ledger')
      await postEntry(t, { ownerId: owner, kind: 'usage', bucket: 'cash', amount: -95 * UNIT, idempotencyKey: `spend:${owner}` })
      await postEntry(t, { ownerId: owner, kind: 'voucher', bucket: 'gift', amount: 50 * UNIT, idempotencyKey: `gift:${owner}` })
    })
    await expect(refund(o, 10 * UNIT)).rejects.toThrow(/remaining cash is 5.00/)
    await expect(refund(o, 5 * UNIT)).rejects.toThrow(/Refunds start at 10.00/)
    expect(await findOrder(runner().query, { id: o.id })).toMatchObject({ status: 'paid', refunded: 0 })
    expect((await balances(owner)).cash).toBe(5 * UNIT)
  })

  it('put the money back with a reversal entry when the gateway refuses', async () => {
    const { owner, o } = await paidTopUp()
    const started = await refund(o, 40 * UNIT)
    expect((await balances(owner)).cash).toBe(60 * UNIT)
    await expect(refund(o, 10 * UNIT)).rejects.toThrow(/in progress/)
    await runner().transaction((t) => finishRefund(t, { refundId: started.refundId, outcome: { ok: false, reason: 'gateway said no' } }))
    expect(await findOrder(runner().query, { id: o.id })).toMatchObject({ status: 'paid', refunded: 0 })
    const b = await balances(owner)
    expect(b.cash).toBe(100 * UNIT)
    expect(b.derived.cash).toBe(100 * UNIT)
    const kinds = (await server.payload.find({ collection: 'ledger-entries', where: { owner: { equals: owner } }, sort: 'createdAt' })).docs.map((e) => [e.kind, e.amount])
    expect(kinds).toEqual([
      ['top-up', 100 * UNIT],
      ['refund', -40 * UNIT],
      ['reversal', 40 * UNIT],
    ])
  })

  it('are refused for a top-up through a channel that cannot send money back', async () => {
    const { o } = await paidTopUp()
    await expect(refund(o, 20 * UNIT, false)).rejects.toThrow(/cannot send money back/)
  })

  it('give a plan bought through a channel that cannot refund back to the wallet, and tell the customer by mail', async () => {
    const email = `refund-${randomBytes(3).toString('hex')}@orders.test`
    const owner = String((await server.payload.create({ collection: 'users', data: { email, password: 'customer-password-1' } })).id)
    const resource = await server.payload.create({ collection: 'plan-resources', data: { name: 'r2', models: ['gpt-*'], meter: 'requests', limit: 10 } })
    const plan = await server.payload.create({ collection: 'plans', data: { name: 'Lite', resources: [resource.id], periodUnit: 'months', periodLength: 1, price: 20 * UNIT, onSale: true } as never })
    const o = await order(owner, { kind: 'plan', planId: String(plan.id), amount: undefined })
    await pay(o)
    const res = await rest(server.baseUrl, `/api/orders/${o.id}/refund`, { method: 'POST', headers: finance, body: JSON.stringify({ amount: 15 * UNIT, reason: 'unused' }) })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ order: { status: 'partially-refunded' }, refund: { destination: 'wallet', status: 'succeeded', amount: 15 * UNIT } })
    const b = await balances(owner)
    expect(b.cash).toBe(15 * UNIT)
    expect(b.derived.cash).toBe(b.cash)
    const mail = await mailbox.mailTo(email, /Refund of order/)
    expect(mail.text).toContain(`15.00 CNY of your order ${o.number}`)
  })

  it('go through staff endpoints for finance only, audited, and a locked order is neither refunded nor confirmed', async () => {
    const owner = await customer()
    const o = await order(owner, { channel: 'manual' })
    const post = (path: string, body: unknown, headers = finance) => rest(server.baseUrl, `/api/orders/${o.id}/${path}`, { method: 'POST', headers, body: JSON.stringify(body) })
    const { headers: customerHeaders } = await signIn(server.baseUrl, 'users', (await server.payload.findByID({ collection: 'users', id: owner })).email!, 'customer-password-1')
    expect((await post('confirm', { reason: 'bank transfer' }, customerHeaders)).status).toBe(403)
    expect((await post('lock', { locked: true, reason: 'card testing' })).status).toBe(200)
    expect((await post('confirm', { reason: 'bank transfer' })).status).toBe(409)
    expect((await post('lock', { locked: false })).status).toBe(200)
    expect((await post('confirm', { reason: '' })).status).toBe(400)
    const confirmed = await post('confirm', { reason: 'bank transfer', transactionId: 'BANK-1' })
    expect(confirmed.status).toBe(200)
    expect(confirmed.body.order.status).toBe('paid')
    expect((await balances(owner)).cash).toBe(100 * UNIT)
    // Manual payments have no gateway to send money back through.
    expect((await post('refund', { amount: 20 * UNIT, reason: 'asked' })).status).toBe(409)
    const audit = await server.payload.find({ collection: 'audit-logs', where: { collectionSlug: { equals: 'orders' }, documentId: { equals: o.id } } })
    expect(audit.docs.map((d) => d.summary)).toEqual(expect.arrayContaining([expect.stringContaining('confirmed order'), expect.stringContaining('locked order')]))
    const timeline = await rest(server.baseUrl, `/api/payment-events?where[order][equals]=${o.id}&sort=createdAt`, { headers: finance })
    expect(timeline.body.docs.map((e: { kind: string }) => e.kind)).toEqual(['lock', 'unlock', 'confirm'])
  })
})

describe('referral rewards', () => {
  it('pay the referrer once, on the referee’s first payment, into the gift balance', async () => {
    await server.payload.updateGlobal({ slug: 'payment-settings', data: { referral: { kind: 'percent', percent: 10, requireApproval: false } } })
    const referrer = await customer()
    const code = (await server.payload.findByID({ collection: 'users', id: referrer })).referralCode!
    const referee = await customer({ referral: code })
    const rule = { kind: 'percent' as const, amount: 0, percent: 10, requireApproval: false }
    for (let i = 0; i < 2; i++) {
      const o = await order(referee)
      await runner().transaction((t) => payOrder(t, { orderNumber: o.number, channel: 'epay', transactionId: `R${i}${o.number}`, amount: o.payable }, rule))
    }
    expect((await balances(referrer)).gift).toBe(10 * UNIT)
    const rewards = await server.payload.find({ collection: 'referral-rewards', where: { referee: { equals: referee } } })
    expect(rewards.docs.map((r) => [r.status, r.amount])).toEqual([['paid', 10 * UNIT]])
  })

  it('wait for staff approval when the settings ask for it', async () => {
    const referrer = await customer()
    const referee = await customer({ referral: (await server.payload.findByID({ collection: 'users', id: referrer })).referralCode! })
    const o = await order(referee)
    await runner().transaction((t) => payOrder(t, { orderNumber: o.number, channel: 'epay', transactionId: `A${o.number}`, amount: o.payable }, { kind: 'fixed', amount: 5 * UNIT, percent: 0, requireApproval: true }))
    expect((await balances(referrer)).gift).toBe(0)
    const [reward] = (await server.payload.find({ collection: 'referral-rewards', where: { referee: { equals: referee } } })).docs
    const decide = (approve: boolean) => rest(server.baseUrl, `/api/referral-rewards/${reward!.id}/decide`, { method: 'POST', headers: finance, body: JSON.stringify({ approve }) })
    expect((await decide(true)).status).toBe(200)
    expect((await decide(true)).status).toBe(409)
    expect((await balances(referrer)).gift).toBe(5 * UNIT)
    expect(admin).toBeTruthy()
  })
})
