import { generateKeyPairSync } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { rsa2Sign, signContent } from '../../src/payments/channels/alipay-signing'
import { startFakeAlipay, type FakeAlipay } from '../helpers/fake-alipay'
import { openShop, TOP_UP, type Shop } from '../helpers/payments'
import { startTestServer, type TestServer } from '../helpers/server'

/**
 * Alipay face-to-face end to end against a local gateway that checks our RSA2 signatures: the
 * precreate gives the customer a QR code, the gateway notifies until it reads `success`, only a
 * notice signed by Alipay for our app and the order's amount credits the wallet, once, and staff
 * refunds go back through the gateway.
 */

const APP_ID = '2021004100000001'

const pem = (pair: ReturnType<typeof generateKeyPairSync>) => ({
  privateKey: pair.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
  publicKey: pair.publicKey.export({ format: 'pem', type: 'spki' }) as string,
})
const app = generateKeyPairSync('rsa', { modulusLength: 2048 })
const alipay = generateKeyPairSync('rsa', { modulusLength: 2048 })
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 })

let server: TestServer
let fake: FakeAlipay
let shop: Shop

const configure = (settings: Record<string, unknown>) => server.payload.updateGlobal({ slug: 'payment-settings', data: { alipay: settings as never } })

/** A notice body re-signed with another key than Alipay's. */
function signedByStranger(body: string): string {
  const params = Object.fromEntries(new URLSearchParams(body))
  params.sign = rsa2Sign(signContent(params, ['sign', 'sign_type']), stranger.privateKey)
  return new URLSearchParams(params).toString()
}

beforeAll(async () => {
  server = await startTestServer()
  fake = await startFakeAlipay({ appId: APP_ID, appPublicKey: app.publicKey, alipayPrivateKey: alipay.privateKey })
  await configure({ enabled: true, appId: APP_ID, privateKey: pem(app).privateKey, alipayPublicKey: pem(alipay).publicKey, gateway: fake.gateway })
  shop = await openShop(server)
})

afterAll(async () => {
  await fake?.close()
  await server?.close()
})

describe('paying through Alipay', () => {
  it('precreates a signed trade, shows its QR code, and credits the wallet once when Alipay notifies', async () => {
    const before = await shop.cash()
    const order = await shop.checkout('alipay')
    const trade = fake.trades.get(order.number)!
    expect(fake.requests.at(-1)).toMatchObject({ method: 'alipay.trade.precreate', code: '10000', bizContent: { out_trade_no: order.number, total_amount: '100.00' } })
    expect(order.qrCode).toBe(`https://qr.alipay.com/bax0${trade.tradeNo.slice(-12)}`)
    expect(trade.notifyUrl).toBe(`${server.baseUrl}/api/payments/alipay/notify`)

    expect(await fake.pay(order.number)).toEqual([{ status: 200, body: 'success' }])
    expect(await shop.orderStatus(order.id)).toBe('paid')
    expect(await shop.cash()).toBe(before + TOP_UP)
    expect(await shop.ledgerOf(order.id)).toEqual([expect.objectContaining({ kind: 'top-up', amount: TOP_UP })])
    const paid = (await shop.eventsOf(order.id)).find((event) => event.kind === 'notify')!
    expect(paid).toMatchObject({ verified: true, outcome: 'accepted' })
    expect(paid.detail).toMatchObject({ trade_no: trade.tradeNo, total_amount: '100.00', app_id: APP_ID })
    expect(paid.detail).not.toHaveProperty('sign')
  })

  it('credits once when the same notice arrives twenty times at once', async () => {
    const before = await shop.cash()
    const order = await shop.checkout('alipay')
    fake.trades.get(order.number)!.status = 'TRADE_SUCCESS'
    const body = fake.notice(order.number)
    const answers = await Promise.all(Array.from({ length: 20 }, () => fake.deliver(order.number, body)))
    expect(answers).toEqual(Array(20).fill({ status: 200, body: 'success' }))
    expect(await shop.cash()).toBe(before + TOP_UP)
    expect(await shop.ledgerOf(order.id)).toHaveLength(1)
    const outcomes = (await shop.eventsOf(order.id)).filter((event) => event.kind === 'notify').map((event) => event.outcome)
    expect(outcomes.filter((outcome) => outcome === 'accepted')).toHaveLength(1)
    expect(outcomes.filter((outcome) => outcome === 'duplicate')).toHaveLength(19)
  })

  it('acknowledges a notice of a trade still waiting for the buyer without paying', async () => {
    const order = await shop.checkout('alipay')
    expect(await fake.deliver(order.number, fake.notice(order.number, { trade_status: 'WAIT_BUYER_PAY' }))).toEqual({ status: 200, body: 'success' })
    expect(await shop.orderStatus(order.id)).toBe('pending')
  })
})

describe('notices that must change nothing', () => {
  it('refuses a tampered, unsigned or foreign-signed notice with 400 and audits it', async () => {
    const before = await shop.cash()
    const auditsBefore = (await shop.rejectedAudits()).length
    const order = await shop.checkout('alipay')
    fake.trades.get(order.number)!.status = 'TRADE_SUCCESS'
    const signed = fake.notice(order.number)
    const tampered = new URLSearchParams(signed)
    tampered.set('trade_no', '2099010122001400000000000000')
    const unsigned = new URLSearchParams(signed)
    unsigned.delete('sign')
    const otherApp = fake.notice(order.number, { app_id: '2021004100000999' })

    for (const body of [tampered.toString(), unsigned.toString(), signedByStranger(signed), otherApp]) {
      expect(await fake.deliver(order.number, body)).toEqual({ status: 400, body: 'failure' })
    }
    expect(await shop.orderStatus(order.id)).toBe('pending')
    expect(await shop.cash()).toBe(before)
    expect(await shop.ledgerOf(order.id)).toEqual([])
    const audits = await shop.rejectedAudits()
    expect(audits).toHaveLength(auditsBefore + 4)
    expect(audits.slice(0, 4).every((audit) => audit.summary.startsWith('alipay callback refused:'))).toBe(true)
    expect(await shop.rejectedEvents('alipay')).toHaveLength(4)
  })

  it('refuses a correctly signed notice for another amount, every time Alipay retries', async () => {
    const before = await shop.cash()
    const order = await shop.checkout('alipay')
    fake.trades.get(order.number)!.status = 'TRADE_SUCCESS'
    const body = fake.notice(order.number, { total_amount: '1.00' })
    expect(await fake.deliver(order.number, body)).toEqual({ status: 400, body: 'failure' })
    expect(await fake.deliver(order.number, body)).toEqual({ status: 400, body: 'failure' })
    expect(await shop.orderStatus(order.id)).toBe('pending')
    expect(await shop.cash()).toBe(before)
    expect(await shop.ledgerOf(order.id)).toEqual([])
    expect((await shop.eventsOf(order.id)).filter((event) => event.kind === 'notify').map((event) => event.outcome)).toEqual(['rejected', 'rejected'])
  })
})

describe('refunds through Alipay', () => {
  it('refunds part, then the rest, each under its own refund id', async () => {
    const order = await shop.checkout('alipay')
    await fake.pay(order.number)
    const before = await shop.cash()

    const first = await shop.refund(order.id, 30_000_000)
    expect(first.status).toBe(200)
    expect(first.body.refund).toMatchObject({ amount: 30_000_000, destination: 'channel' })
    expect(first.body.order.status).toBe('partially-refunded')
    const trade = fake.trades.get(order.number)!
    expect([...trade.refunds.entries()]).toEqual([[first.body.refund.id, 30_000_000]])
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'alipay.trade.refund',
      code: '10000',
      bizContent: { out_trade_no: order.number, trade_no: trade.tradeNo, refund_amount: '30.00', out_request_no: first.body.refund.id, refund_reason: 'Customer asked' },
    })
    expect(await shop.cash()).toBe(before - 30_000_000)

    const remainder = await shop.refund(order.id, 70_000_000)
    expect(remainder.status).toBe(200)
    expect(remainder.body.order.status).toBe('refunded')
    expect(trade.status).toBe('TRADE_CLOSED')
    expect(await shop.cash()).toBe(before - TOP_UP)
    expect((await shop.ledgerOf(order.id)).map((entry) => [entry.kind, entry.amount])).toEqual([
      ['top-up', TOP_UP],
      ['refund', -30_000_000],
      ['refund', -70_000_000],
    ])
  })

  it('refunds a whole order in one go', async () => {
    const order = await shop.checkout('alipay')
    await fake.pay(order.number)
    const before = await shop.cash()
    const res = await shop.refund(order.id, TOP_UP)
    expect(res.status).toBe(200)
    expect(res.body.order.status).toBe('refunded')
    expect(fake.trades.get(order.number)!.status).toBe('TRADE_CLOSED')
    expect(await shop.cash()).toBe(before - TOP_UP)
  })

  it('puts the money back when Alipay refuses the refund, or our signature', async () => {
    const order = await shop.checkout('alipay')
    await fake.pay(order.number)
    const before = await shop.cash()

    await configure({ privateKey: pem(stranger).privateKey })
    try {
      const badSignature = await shop.refund(order.id, 20_000_000)
      expect(badSignature.status).toBe(502)
      expect(badSignature.body.errors[0].message).toMatch(/isv\.invalid-signature/)
    } finally {
      await configure({ privateKey: pem(app).privateKey })
    }
    expect(fake.trades.get(order.number)!.refunds.size).toBe(0)

    const trade = fake.trades.get(order.number)!
    fake.trades.delete(order.number)
    try {
      const unknown = await shop.refund(order.id, 20_000_000)
      expect(unknown.status).toBe(502)
      expect(unknown.body.errors[0].message).toMatch(/ACQ\.TRADE_NOT_EXIST/)
    } finally {
      fake.trades.set(order.number, trade)
    }

    expect(await shop.orderStatus(order.id)).toBe('paid')
    expect(await shop.cash()).toBe(before)
    expect((await shop.ledgerOf(order.id)).reduce((sum, entry) => sum + entry.amount, 0)).toBe(TOP_UP)
  })
})
