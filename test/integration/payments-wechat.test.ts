import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { startFakeWechatPay, type FakeWechatPay, type Notification } from '../helpers/fake-wechat-pay'
import { openShop, TOP_UP, type PlacedOrder, type Shop } from '../helpers/payments'
import { rest } from '../helpers/rest'
import { startTestServer, type TestServer } from '../helpers/server'

/**
 * WeChat Pay Native end to end against a local API v3 gateway that checks our request signatures:
 * checkout gets a QR code, the gateway's encrypted, signed notification credits the wallet once
 * however often it comes, anything forged or for another amount changes nothing, and refunds go
 * back through the gateway's refund API.
 */

let server: TestServer
let fake: FakeWechatPay
let shop: Shop

/** Places an order and has WeChat notify us that it was paid. */
async function paidOrder(): Promise<PlacedOrder> {
  const order = await shop.checkout('wechat')
  expect((await fake.deliver(order.number, fake.notification(order.number))).status).toBe(204)
  return order
}

beforeAll(async () => {
  server = await startTestServer()
  fake = await startFakeWechatPay()
  await server.payload.updateGlobal({ slug: 'payment-settings', data: { wechat: fake.settings() } })
  shop = await openShop(server)
})

afterAll(async () => {
  await fake?.close()
  await server?.close()
})

describe('paying with WeChat Pay', () => {
  it('shows the QR code WeChat returned for a signed request, and credits the wallet once when WeChat notifies', async () => {
    const before = await shop.cash()
    const order = await shop.checkout('wechat')
    const atGateway = fake.orders.get(order.number)!
    expect(order.qrCode).toBe(atGateway.codeUrl)
    expect(fake.requests.at(-1)).toMatchObject({ path: '/v3/pay/transactions/native', verified: true })
    expect(atGateway).toMatchObject({ total: 10_000, appId: fake.appId, notifyUrl: `${server.baseUrl}/api/payments/wechat/notify` })

    const answer = await fake.deliver(order.number, fake.notification(order.number))
    expect(answer).toEqual({ status: 204, text: '' })
    expect(await shop.orderStatus(order.id)).toBe('paid')
    expect(await shop.cash()).toBe(before + TOP_UP)
    expect(await shop.ledgerOf(order.id)).toEqual([expect.objectContaining({ kind: 'top-up', amount: TOP_UP })])
    const [event] = await shop.eventsOf(order.id, 'notify')
    expect(event).toMatchObject({ verified: true, outcome: 'accepted', detail: { transaction_id: atGateway.transactionId, trade_state: 'SUCCESS' } })
    expect(JSON.stringify(event!.detail)).not.toMatch(/ciphertext|openid/)
  })

  it('credits once when the same notification arrives twenty times at once', async () => {
    const before = await shop.cash()
    const order = await shop.checkout('wechat')
    const notification = fake.notification(order.number)
    const answers = await Promise.all(Array.from({ length: 20 }, () => fake.deliver(order.number, notification)))
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(204))
    expect(await shop.cash()).toBe(before + TOP_UP)
    expect(await shop.ledgerOf(order.id)).toHaveLength(1)
    const outcomes = (await shop.eventsOf(order.id, 'notify')).map((event) => event.outcome)
    expect(outcomes.filter((outcome) => outcome === 'accepted')).toHaveLength(1)
    expect(outcomes.filter((outcome) => outcome === 'duplicate')).toHaveLength(19)
  })

  it('acknowledges a signed notification of a trade that is not SUCCESS without paying', async () => {
    const order = await shop.checkout('wechat')
    expect((await fake.deliver(order.number, fake.notification(order.number, { tradeState: 'PAYERROR' }))).status).toBe(204)
    expect(await shop.orderStatus(order.id)).toBe('pending')
  })
})

describe('notifications that must change nothing', () => {
  it('refuses forged, tampered and stale notifications with 400 FAIL, and audits each', async () => {
    const before = await shop.cash()
    const auditsBefore = (await shop.rejectedAudits()).length
    const eventsBefore = (await shop.rejectedEvents('wechat')).length
    const order = await shop.checkout('wechat')
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
    expect(await shop.orderStatus(order.id)).toBe('pending')
    expect(await shop.cash()).toBe(before)
    expect(await shop.ledgerOf(order.id)).toEqual([])
    const audits = await shop.rejectedAudits()
    expect(audits).toHaveLength(auditsBefore + forgeries.length)
    expect(audits.slice(0, forgeries.length).every((audit) => audit.summary.startsWith('wechat callback refused: '))).toBe(true)
    expect(await shop.rejectedEvents('wechat')).toHaveLength(eventsBefore + forgeries.length)
  })

  it('refuses a correctly signed notification for another amount, every time WeChat retries', async () => {
    const before = await shop.cash()
    const order = await shop.checkout('wechat')
    for (let attempt = 0; attempt < 2; attempt++) {
      const answer = await fake.deliver(order.number, fake.notification(order.number, { total: 1 }))
      expect(answer.status).toBe(400)
      expect(JSON.parse(answer.text)).toMatchObject({ code: 'FAIL' })
    }
    expect(await shop.orderStatus(order.id)).toBe('pending')
    expect(await shop.cash()).toBe(before)
    expect(await shop.ledgerOf(order.id)).toEqual([])
    expect((await shop.eventsOf(order.id, 'notify')).map((event) => event.outcome)).toEqual(['rejected', 'rejected'])
  })
})

describe('refunds through WeChat Pay', () => {
  it('refunds part of a top-up, then the rest, through the signed refund API', async () => {
    const order = await paidOrder()
    const before = await shop.cash()
    const requests = fake.requests.length

    const part = await shop.refund(order.id, 30_000_000)
    expect(part.status).toBe(200)
    expect(part.body.order.status).toBe('partially-refunded')
    expect(await shop.cash()).toBe(before - 30_000_000)
    const remainder = await shop.refund(order.id, 70_000_000, 'Closing the account')
    expect(remainder.status).toBe(200)
    expect(remainder.body.order.status).toBe('refunded')
    expect(await shop.cash()).toBe(before - TOP_UP)

    expect(fake.requests.slice(requests)).toEqual([
      expect.objectContaining({ path: '/v3/refund/domestic/refunds', verified: true }),
      expect.objectContaining({ path: '/v3/refund/domestic/refunds', verified: true }),
    ])
    const transactionId = fake.orders.get(order.number)!.transactionId
    expect(fake.refunds.filter((done) => done.transactionId === transactionId)).toEqual([
      expect.objectContaining({ refund: 3_000, total: 10_000, reason: 'Customer asked', outRefundNo: part.body.refund.id }),
      expect.objectContaining({ refund: 7_000, total: 10_000, reason: 'Closing the account', outRefundNo: remainder.body.refund.id }),
    ])
    expect((await shop.ledgerOf(order.id)).map((entry) => [entry.kind, entry.amount])).toEqual([
      ['top-up', TOP_UP],
      ['refund', -30_000_000],
      ['refund', -70_000_000],
    ])
  })

  it('keeps a refund WeChat reports PROCESSING pending until a retry finds it done, never refunding twice', async () => {
    const order = await paidOrder()
    const before = await shop.cash()
    fake.refundStatus = 'PROCESSING'
    let refundId: string
    try {
      const res = await shop.refund(order.id, TOP_UP)
      expect(res.status).toBe(202)
      expect(res.body.order.status).toBe('refunding')
      expect(res.body.refund.status).toBe('pending')
      refundId = res.body.refund.id
    } finally {
      fake.refundStatus = 'SUCCESS'
    }
    expect(await shop.cash()).toBe(before - TOP_UP)
    // WeChat finishes the refund; asking again with the same out_refund_no finds it, and makes no second one.
    fake.refunds.find((r) => r.outRefundNo === refundId)!.status = 'SUCCESS'
    const retried = await rest(server.baseUrl, `/api/refunds/${refundId}/retry`, { method: 'POST', token: shop.financeToken, body: '{}' })
    expect(retried.status).toBe(200)
    expect(retried.body.order.status).toBe('refunded')
    expect(await shop.cash()).toBe(before - TOP_UP)
    expect(fake.refunds.filter((r) => r.outRefundNo === refundId)).toHaveLength(1)
    expect((await rest(server.baseUrl, `/api/refunds/${refundId}/retry`, { method: 'POST', token: shop.financeToken, body: '{}' })).status).toBe(409)
  })

  it("puts the money back when WeChat refuses the refund, with WeChat's reason", async () => {
    const order = await paidOrder()
    const before = await shop.cash()
    // Refunded in WeChat's merchant console already: the gateway has nothing left to refund.
    fake.orders.get(order.number)!.refunded = 10_000
    const res = await shop.refund(order.id, 50_000_000)
    expect(res.status).toBe(502)
    expect(res.body.errors[0].message).toMatch(/WeChat Pay INVALID_REQUEST/)
    expect(await shop.orderStatus(order.id)).toBe('paid')
    expect(await shop.cash()).toBe(before)
  })
})
