import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { startFakeEpay, type FakeEpay } from '../helpers/fake-epay'
import { openShop, TOP_UP, type Shop } from '../helpers/payments'
import { startTestServer, type TestServer } from '../helpers/server'

/**
 * Epay end to end against a local gateway that checks what we sign: the customer's browser goes
 * to submit.php, the gateway calls back by GET until it reads `success`, and only a correctly
 * signed notice for our merchant id and the order's amount credits the wallet, once.
 */

const PID = '1001'
const KEY = 'epay-merchant-key-0123456789abcdef'

let server: TestServer
let fake: FakeEpay
let shop: Shop

const configure = (epay: Record<string, unknown>) => server.payload.updateGlobal({ slug: 'payment-settings', data: { epay: epay as never } })

/** Places an order and follows its link to the gateway, as the customer's browser does. */
async function placeAtGateway(method?: string, order: Record<string, unknown> = { kind: 'top-up', amount: TOP_UP }) {
  const placed = await shop.checkout('epay', { ...order, method })
  const page = await fetch(placed.payUrl)
  expect(page.status).toBe(200)
  expect(await page.text()).toContain('收银台')
  return placed
}

beforeAll(async () => {
  server = await startTestServer()
  fake = await startFakeEpay({ [PID]: KEY })
  await configure({ enabled: true, gateway: fake.url, pid: PID, key: KEY, types: ['alipay', 'wxpay'] })
  shop = await openShop(server)
})

afterAll(async () => {
  await fake?.close()
  await server?.close()
})

describe('paying through Epay', () => {
  it('sends the customer to the gateway with a signed request, and credits the wallet once when the gateway calls back', async () => {
    const before = await shop.cash()
    const order = await placeAtGateway('wxpay')
    expect(order.payUrl.startsWith(`${fake.url}submit.php?`)).toBe(true)
    expect(fake.refused).toEqual([])
    expect(fake.orders.get(order.number)).toMatchObject({ pid: PID, type: 'wxpay', money: '100.00' })

    const attempts = await fake.pay(order.number)
    expect(attempts).toEqual([{ status: 200, body: 'success' }])
    expect(await shop.orderStatus(order.id)).toBe('paid')
    expect(await shop.cash()).toBe(before + TOP_UP)
    expect(await shop.ledgerOf(order.id)).toEqual([expect.objectContaining({ kind: 'top-up', amount: TOP_UP })])
    const paid = (await shop.eventsOf(order.id)).find((event) => event.kind === 'notify')!
    expect(paid).toMatchObject({ verified: true, outcome: 'accepted' })
    expect(paid.detail).toMatchObject({ trade_no: fake.orders.get(order.number)!.tradeNo, money: '100.00' })
    expect(paid.detail).not.toHaveProperty('sign')

    // The browser coming back with the same signed parameters changes nothing more.
    const back = await fetch(fake.returnUrl(order.number), { redirect: 'manual' })
    expect(back.status).toBe(302)
    expect(back.headers.get('location')).toContain(`order=${order.number}`)
    expect(await shop.cash()).toBe(before + TOP_UP)
    expect((await shop.eventsOf(order.id)).find((event) => event.kind === 'return')).toMatchObject({ outcome: 'duplicate' })
  })

  it('is refused by the gateway when the key we sign with is not the merchant key', async () => {
    const order = await shop.checkout('epay')
    const stranger = await startFakeEpay({ [PID]: 'the key the gateway really has' })
    try {
      const page = await fetch(`${stranger.url}submit.php?${new URL(order.payUrl).searchParams}`)
      expect(await page.text()).toContain('签名校验失败！')
      expect(stranger.orders.size).toBe(0)
    } finally {
      await stranger.close()
    }
  })

  it('pays an order from the signed return alone when the notify is late', async () => {
    const before = await shop.cash()
    const order = await placeAtGateway()
    expect(fake.orders.get(order.number)!.type).toBe('alipay')
    expect((await fetch(fake.returnUrl(order.number), { redirect: 'manual' })).status).toBe(302)
    expect(await shop.orderStatus(order.id)).toBe('paid')
    expect(await fake.pay(order.number)).toEqual([{ status: 200, body: 'success' }])
    expect(await shop.cash()).toBe(before + TOP_UP)
  })

  it('credits once when the same callback arrives twenty times at once', async () => {
    const before = await shop.cash()
    const order = await placeAtGateway()
    const url = fake.notifyUrl(order.number)
    const answers = await Promise.all(Array.from({ length: 20 }, async () => (await fetch(url)).text()))
    expect(answers).toEqual(Array(20).fill('success'))
    expect(await shop.cash()).toBe(before + TOP_UP)
    expect(await shop.ledgerOf(order.id)).toHaveLength(1)
    const outcomes = (await shop.eventsOf(order.id)).filter((event) => event.kind === 'notify').map((event) => event.outcome)
    expect(outcomes.filter((outcome) => outcome === 'accepted')).toHaveLength(1)
    expect(outcomes.filter((outcome) => outcome === 'duplicate')).toHaveLength(19)
  })

  it('acknowledges a signed notice of an unpaid trade without paying', async () => {
    const order = await placeAtGateway()
    expect(await fake.pay(order.number, { overrides: { trade_status: 'WAIT_BUYER_PAY' } })).toEqual([{ status: 200, body: 'success' }])
    expect(await shop.orderStatus(order.id)).toBe('pending')
  })
})

describe('callbacks that must change nothing', () => {
  it('refuses a tampered or unsigned notice, by GET or POST, with 400, and audits it', async () => {
    const before = await shop.cash()
    const auditsBefore = (await shop.rejectedAudits()).length
    const order = await placeAtGateway()
    const signed = new URL(fake.notifyUrl(order.number))
    const tampered = new URL(signed)
    tampered.searchParams.set('money', '1000.00')
    const unsigned = new URL(signed)
    unsigned.searchParams.delete('sign')

    for (const url of [tampered, unsigned]) {
      const answer = await fetch(url)
      expect(answer.status).toBe(400)
      expect(await answer.text()).toBe('fail')
    }
    // A POSTed form is checked the same way.
    const posted = await fetch(`${signed.origin}${signed.pathname}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: tampered.searchParams.toString() })
    expect(posted.status).toBe(400)

    expect(await shop.orderStatus(order.id)).toBe('pending')
    expect(await shop.cash()).toBe(before)
    const audits = await shop.rejectedAudits()
    expect(audits).toHaveLength(auditsBefore + 3)
    expect(audits.slice(0, 3).map((audit) => audit.summary)).toEqual(Array(3).fill('epay callback refused: The Epay signature does not match.'))
    expect(await shop.rejectedEvents('epay')).toHaveLength(3)
  })

  it('refuses a notice signed with another key or for another merchant id', async () => {
    const before = await shop.cash()
    const order = await placeAtGateway()
    const other = await startFakeEpay({ [PID]: 'another merchant key', '1002': KEY })
    try {
      // The same order, signed by a gateway that holds another key for our pid, then by our key under another pid.
      other.orders.set(order.number, { ...fake.orders.get(order.number)! })
      expect((await fetch(other.notifyUrl(order.number))).status).toBe(400)
      other.orders.set(order.number, { ...fake.orders.get(order.number)!, pid: '1002' })
      expect((await fetch(other.notifyUrl(order.number))).status).toBe(400)
    } finally {
      await other.close()
    }
    expect(await shop.orderStatus(order.id)).toBe('pending')
    expect(await shop.cash()).toBe(before)
  })

  it('refuses a correctly signed notice for another amount, every time the gateway retries', async () => {
    const before = await shop.cash()
    const order = await placeAtGateway()
    const attempts = await fake.pay(order.number, { overrides: { money: '1.00' }, attempts: 2 })
    expect(attempts).toEqual([
      { status: 400, body: 'fail' },
      { status: 400, body: 'fail' },
    ])
    expect(await shop.orderStatus(order.id)).toBe('pending')
    expect(await shop.cash()).toBe(before)
    expect(await shop.ledgerOf(order.id)).toEqual([])
    expect((await shop.eventsOf(order.id)).filter((event) => event.kind === 'notify').map((event) => event.outcome)).toEqual(['rejected', 'rejected'])
  })

  it('sends a browser with a forged return home without paying', async () => {
    const order = await placeAtGateway()
    const url = new URL(fake.returnUrl(order.number))
    url.searchParams.set('sign', '0'.repeat(32))
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(302)
    expect(await shop.orderStatus(order.id)).toBe('pending')
  })
})

describe('refunds', () => {
  it('refuses a staff refund of an Epay top-up with 409, changing nothing', async () => {
    const order = await placeAtGateway()
    await fake.pay(order.number)
    const before = await shop.cash()
    const res = await shop.refund(order.id, 50_000_000)
    expect(res.status).toBe(409)
    expect(res.body.errors[0].message).toMatch(/epay cannot send money back/)
    expect(await shop.orderStatus(order.id)).toBe('paid')
    expect(await shop.cash()).toBe(before)
    expect(await shop.ledgerOf(order.id)).toHaveLength(1)
    const refunds = await server.payload.find({ collection: 'refunds', where: { order: { equals: order.id } }, overrideAccess: true })
    expect(refunds.totalDocs).toBe(0)
  })

  it('pays for a plan through Epay and refunds part of it to the wallet', async () => {
    const resource = await server.payload.create({ collection: 'plan-resources', data: { name: 'Epay chat', models: ['gpt-*'], meter: 'tokens', limit: 1000 } })
    const plan = await server.payload.create({ collection: 'plans', data: { name: 'Epay plan', resources: [resource.id], periodUnit: 'days', periodLength: 30, price: 30_000_000 } as never })
    const before = await shop.cash()
    const order = await placeAtGateway(undefined, { kind: 'plan', plan: plan.id })
    expect(fake.orders.get(order.number)!.money).toBe('30.00')
    expect(await fake.pay(order.number)).toEqual([{ status: 200, body: 'success' }])
    expect(await shop.orderStatus(order.id)).toBe('paid')
    expect(await shop.cash()).toBe(before)

    const res = await shop.refund(order.id, 10_000_000, 'Goodwill')
    expect(res.status).toBe(200)
    expect(res.body.refund).toMatchObject({ amount: 10_000_000, destination: 'wallet' })
    expect(res.body.order.status).toBe('partially-refunded')
    expect(await shop.cash()).toBe(before + 10_000_000)
  })
})
