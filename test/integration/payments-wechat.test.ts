import { randomUUID } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { startFakeWechatPay, type FakeWechatPay, type Notification } from '../helpers/fake-wechat-pay'
import { rest } from '../helpers/rest'
import { ADMIN_EMAIL, ADMIN_PASSWORD, signIn, startTestServer, type TestServer } from '../helpers/server'

/**
 * WeChat Pay Native end to end against a local API v3 gateway that checks our request signatures:
 * checkout gets a QR code, the gateway's encrypted, signed notification credits the wallet once
 * however often it comes, anything forged or for another amount changes nothing, and refunds go
 * back through the gateway's refund API.
 */

const TOP_UP = 100_000_000

let server: TestServer
let fake: FakeWechatPay
let customerToken: string
let staffToken: string
let financeToken: string

type Placed = { id: string; number: string; payable: number; status: string; qrCode: string }

async function checkout(): Promise<Placed> {
  const res = await rest(server.baseUrl, '/api/orders/checkout', { method: 'POST', token: customerToken, body: JSON.stringify({ kind: 'top-up', amount: TOP_UP, channel: 'wechat' }) })
  expect(res.status).toBe(201)
  return res.body.order as Placed
}

async function cash() {
  const res = await rest(server.baseUrl, '/api/me/billing', { token: customerToken })
  expect(res.status).toBe(200)
  return res.body.balances.cash as number
}

async function orderStatus(id: string) {
  const res = await rest(server.baseUrl, `/api/orders/${id}`, { token: customerToken })
  expect(res.status).toBe(200)
  return res.body.status as string
}

async function ledgerOf(orderId: string) {
  const res = await rest(server.baseUrl, `/api/ledger-entries?where[referenceId][equals]=${orderId}&depth=0&sort=createdAt`, { token: staffToken })
  return res.body.docs as { kind: string; amount: number }[]
}

async function notifyOutcomes(orderId: string) {
  const res = await rest(server.baseUrl, `/api/payment-events?where[order][equals]=${orderId}&where[kind][equals]=notify&depth=0&limit=100`, { token: staffToken })
  return res.body.docs as { outcome: string | null; verified: boolean; detail: Record<string, unknown> }[]
}

async function rejectedAudits() {
  const res = await rest(server.baseUrl, '/api/audit-logs?where[action][equals]=rejected&limit=100', { token: staffToken })
  return res.body.docs as { summary: string }[]
}

async function rejectedEvents() {
  const res = await rest(server.baseUrl, '/api/payment-events?where[outcome][equals]=rejected&where[channel][equals]=wechat&limit=100', { token: staffToken })
  return res.body.docs as { summary: string }[]
}

const refund = (orderId: string, amount: number, reason = 'Customer asked') =>
  rest(server.baseUrl, `/api/orders/${orderId}/refund`, { method: 'POST', token: financeToken, body: JSON.stringify({ amount, reason }) })

/** Places an order and has WeChat notify us that it was paid. */
async function paidOrder(): Promise<Placed> {
  const order = await checkout()
  expect((await fake.deliver(order.number, fake.notification(order.number))).status).toBe(204)
  return order
}

beforeAll(async () => {
  server = await startTestServer()
  fake = await startFakeWechatPay()
  await server.payload.updateGlobal({ slug: 'payment-settings', data: { wechat: fake.settings() } })
  const email = `c-${randomUUID()}@modelgate.test`
  await server.payload.create({ collection: 'users', data: { email, password: 'customer-password-1' } })
  customerToken = (await signIn(server.baseUrl, 'users', email, 'customer-password-1')).token
  staffToken = (await signIn(server.baseUrl, 'admins', ADMIN_EMAIL, ADMIN_PASSWORD)).token
  const financeEmail = `finance-${randomUUID()}@modelgate.test`
  await server.payload.create({ collection: 'admins', data: { email: financeEmail, password: 'staff-password-123', role: 'finance' } })
  financeToken = (await signIn(server.baseUrl, 'admins', financeEmail, 'staff-password-123')).token
})

afterAll(async () => {
  await fake?.close()
  await server?.close()
})

describe('paying with WeChat Pay', () => {
  it('shows the QR code WeChat returned for a signed request, and credits the wallet once when WeChat notifies', async () => {
    const before = await cash()
    const order = await checkout()
    const atGateway = fake.orders.get(order.number)!
    expect(order.qrCode).toBe(atGateway.codeUrl)
    expect(fake.requests.at(-1)).toMatchObject({ path: '/v3/pay/transactions/native', verified: true })
    expect(atGateway).toMatchObject({ total: 10_000, appId: fake.appId, notifyUrl: `${server.baseUrl}/api/payments/wechat/notify` })

    const answer = await fake.deliver(order.number, fake.notification(order.number))
    expect(answer).toEqual({ status: 204, text: '' })
    expect(await orderStatus(order.id)).toBe('paid')
    expect(await cash()).toBe(before + TOP_UP)
    expect(await ledgerOf(order.id)).toEqual([expect.objectContaining({ kind: 'top-up', amount: TOP_UP })])
    const [event] = await notifyOutcomes(order.id)
    expect(event).toMatchObject({ verified: true, outcome: 'accepted', detail: { transaction_id: atGateway.transactionId, trade_state: 'SUCCESS' } })
    expect(JSON.stringify(event!.detail)).not.toMatch(/ciphertext|openid/)
  })

  it('credits once when the same notification arrives twenty times at once', async () => {
    const before = await cash()
    const order = await checkout()
    const notification = fake.notification(order.number)
    const answers = await Promise.all(Array.from({ length: 20 }, () => fake.deliver(order.number, notification)))
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(204))
    expect(await cash()).toBe(before + TOP_UP)
    expect(await ledgerOf(order.id)).toHaveLength(1)
    const outcomes = (await notifyOutcomes(order.id)).map((event) => event.outcome)
    expect(outcomes.filter((outcome) => outcome === 'accepted')).toHaveLength(1)
    expect(outcomes.filter((outcome) => outcome === 'duplicate')).toHaveLength(19)
  })

  it('acknowledges a signed notification of a trade that is not SUCCESS without paying', async () => {
    const order = await checkout()
    expect((await fake.deliver(order.number, fake.notification(order.number, { tradeState: 'PAYERROR' }))).status).toBe(204)
    expect(await orderStatus(order.id)).toBe('pending')
  })
})

describe('notifications that must change nothing', () => {
  it('refuses forged, tampered and stale notifications with 400 FAIL, and audits each', async () => {
    const before = await cash()
    const auditsBefore = (await rejectedAudits()).length
    const eventsBefore = (await rejectedEvents()).length
    const order = await checkout()
    const genuine = fake.notification(order.number)
    const forgeries: Notification[] = [
      { ...genuine, headers: { ...genuine.headers, 'wechatpay-signature': Buffer.alloc(256, 1).toString('base64') } },
      { ...genuine, body: genuine.body.replace('"TRANSACTION.SUCCESS"', '"TRANSACTION.SUCCESS" ') },
      fake.notification(order.number, { timestamp: Math.floor(Date.now() / 1000) - 600 }),
      fake.notification(order.number, { apiV3Key: 'ffffffffffffffffffffffffffffffff' }),
      fake.notification(order.number, { mchId: '1230000109' }),
    ]
    for (const forgery of forgeries) {
      const answer = await fake.deliver(order.number, forgery)
      expect(answer.status).toBe(400)
      expect(JSON.parse(answer.text)).toMatchObject({ code: 'FAIL' })
    }
    expect(await orderStatus(order.id)).toBe('pending')
    expect(await cash()).toBe(before)
    expect(await ledgerOf(order.id)).toEqual([])
    const audits = await rejectedAudits()
    expect(audits).toHaveLength(auditsBefore + forgeries.length)
    expect(audits.slice(0, forgeries.length).every((audit) => audit.summary.startsWith('wechat callback refused: '))).toBe(true)
    expect(await rejectedEvents()).toHaveLength(eventsBefore + forgeries.length)
  })

  it('refuses a correctly signed notification for another amount, every time WeChat retries', async () => {
    const before = await cash()
    const order = await checkout()
    for (let attempt = 0; attempt < 2; attempt++) {
      const answer = await fake.deliver(order.number, fake.notification(order.number, { total: 1 }))
      expect(answer.status).toBe(400)
      expect(JSON.parse(answer.text)).toMatchObject({ code: 'FAIL' })
    }
    expect(await orderStatus(order.id)).toBe('pending')
    expect(await cash()).toBe(before)
    expect(await ledgerOf(order.id)).toEqual([])
    expect((await notifyOutcomes(order.id)).map((event) => event.outcome)).toEqual(['rejected', 'rejected'])
  })
})

describe('refunds through WeChat Pay', () => {
  it('refunds part of a top-up, then the rest, through the signed refund API', async () => {
    const order = await paidOrder()
    const before = await cash()
    const requests = fake.requests.length

    const part = await refund(order.id, 30_000_000)
    expect(part.status).toBe(200)
    expect(part.body.order.status).toBe('partially-refunded')
    expect(await cash()).toBe(before - 30_000_000)
    const remainder = await refund(order.id, 70_000_000, 'Closing the account')
    expect(remainder.status).toBe(200)
    expect(remainder.body.order.status).toBe('refunded')
    expect(await cash()).toBe(before - TOP_UP)

    expect(fake.requests.slice(requests)).toEqual([
      expect.objectContaining({ path: '/v3/refund/domestic/refunds', verified: true }),
      expect.objectContaining({ path: '/v3/refund/domestic/refunds', verified: true }),
    ])
    const transactionId = fake.orders.get(order.number)!.transactionId
    expect(fake.refunds.filter((done) => done.transactionId === transactionId)).toEqual([
      expect.objectContaining({ refund: 3_000, total: 10_000, reason: 'Customer asked', outRefundNo: part.body.refund.id }),
      expect.objectContaining({ refund: 7_000, total: 10_000, reason: 'Closing the account', outRefundNo: remainder.body.refund.id }),
    ])
    expect((await ledgerOf(order.id)).map((entry) => [entry.kind, entry.amount])).toEqual([
      ['top-up', TOP_UP],
      ['refund', -30_000_000],
      ['refund', -70_000_000],
    ])
  })

  it('keeps a refund WeChat reports PROCESSING pending until a retry finds it done, never refunding twice', async () => {
    const order = await paidOrder()
    const before = await cash()
    fake.refundStatus = 'PROCESSING'
    let refundId: string
    try {
      const res = await refund(order.id, TOP_UP)
      expect(res.status).toBe(202)
      expect(res.body.order.status).toBe('refunding')
      expect(res.body.refund.status).toBe('pending')
      refundId = res.body.refund.id
    } finally {
      fake.refundStatus = 'SUCCESS'
    }
    expect(await cash()).toBe(before - TOP_UP)
    // WeChat finishes the refund; asking again with the same out_refund_no finds it, and makes no second one.
    fake.refunds.find((r) => r.outRefundNo === refundId)!.status = 'SUCCESS'
    const retried = await rest(server.baseUrl, `/api/refunds/${refundId}/retry`, { method: 'POST', token: financeToken, body: '{}' })
    expect(retried.status).toBe(200)
    expect(retried.body.order.status).toBe('refunded')
    expect(await cash()).toBe(before - TOP_UP)
    expect(fake.refunds.filter((r) => r.outRefundNo === refundId)).toHaveLength(1)
    expect((await rest(server.baseUrl, `/api/refunds/${refundId}/retry`, { method: 'POST', token: financeToken, body: '{}' })).status).toBe(409)
  })

  it("puts the money back when WeChat refuses the refund, with WeChat's reason", async () => {
    const order = await paidOrder()
    const before = await cash()
    // Refunded in WeChat's merchant console already: the gateway has nothing left to refund.
    fake.orders.get(order.number)!.refunded = 10_000
    const res = await refund(order.id, 50_000_000)
    expect(res.status).toBe(502)
    expect(res.body.errors[0].message).toMatch(/WeChat Pay INVALID_REQUEST/)
    expect(await orderStatus(order.id)).toBe('paid')
    expect(await cash()).toBe(before)
  })
})
