import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { startFakeStripe, type FakeStripe } from '../helpers/fake-stripe'
import { openShop, TOP_UP, type Shop } from '../helpers/payments'
import { startTestServer, type TestServer } from '../helpers/server'

/**
 * Stripe Checkout end to end against a local Stripe API that checks our secret key and honours
 * idempotency keys: the customer is sent to a Checkout Session, and only a webhook event signed
 * with the endpoint's signing secret, for the order's amount, credits the wallet, once. Refunds go
 * back through Stripe's refunds API.
 */

const SECRET_KEY = 'sk_test_51ModelgateIntegration000000000000'
const WEBHOOK_SECRET = 'whsec_integration0123456789abcdef012345'
/** The audit summaries of refused Stripe events. */
const REFUSED = 'stripe callback refused'

let server: TestServer
let fake: FakeStripe
let shop: Shop

/** An order placed and paid through the fake, as Stripe would report it. */
async function paidOrder() {
  const order = await shop.checkout('stripe')
  const answer = await fake.deliver(fake.completedEvent(fake.sessionFor(order.number).id))
  expect(answer.status).toBe(200)
  return order
}

beforeAll(async () => {
  server = await startTestServer()
  fake = await startFakeStripe({ secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET, webhookUrl: `${server.baseUrl}/api/payments/stripe/notify` })
  await server.payload.updateGlobal({ slug: 'payment-settings', data: { stripe: { enabled: true, secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET, apiBase: fake.url } } })
  shop = await openShop(server)
}, 120_000)

afterAll(async () => {
  await fake?.close()
  await server?.close()
})

describe('paying through Stripe Checkout', () => {
  it('sends the customer to a Checkout Session and credits the wallet once when Stripe sends the signed event', async () => {
    const before = await shop.cash()
    const order = await shop.checkout('stripe')
    const session = fake.sessionFor(order.number)
    expect(order.payUrl).toBe(session.url)
    expect(session).toMatchObject({
      mode: 'payment',
      amount_total: 10_000,
      currency: order.currency.toLowerCase(),
      metadata: { order: order.number },
      success_url: `${server.baseUrl}/api/payments/stripe/return?order=${order.number}`,
    })
    expect(fake.idempotencyKeys).toContain(`checkout:${order.number}`)
    // The session ends with the 30-minute order, moved just inside Stripe's 30-minute minimum.
    const orderEnd = Date.parse((await server.payload.findByID({ collection: 'orders', id: order.id, overrideAccess: true })).expiresAt!) / 1000
    expect(session.expires_at).toBeGreaterThanOrEqual(orderEnd)
    expect(session.expires_at).toBeLessThanOrEqual(orderEnd + 2 * 60)

    const answer = await fake.deliver(fake.completedEvent(session.id))
    expect(answer.status).toBe(200)
    expect(answer.body).toEqual({ received: true })
    expect(await shop.orderStatus(order.id)).toBe('paid')
    expect(await shop.cash()).toBe(before + TOP_UP)
    expect(await shop.ledgerOf(order.id)).toEqual([expect.objectContaining({ kind: 'top-up', amount: TOP_UP })])
    const paid = (await shop.eventsOf(order.id)).find((event) => event.kind === 'notify')!
    expect(paid).toMatchObject({ verified: true, outcome: 'accepted' })
    expect(paid.detail).toMatchObject({ session: session.id, paymentIntent: fake.sessions.get(session.id)!.payment_intent })
    expect(JSON.stringify(paid.detail)).not.toContain(WEBHOOK_SECRET)

    // The browser coming back changes nothing more.
    const back = await fetch(`${server.baseUrl}/api/payments/stripe/return?order=${order.number}`, { redirect: 'manual' })
    expect(back.status).toBe(302)
    expect(await shop.cash()).toBe(before + TOP_UP)
  })

  it('credits once when the same event arrives twenty times at once', async () => {
    const before = await shop.cash()
    const order = await shop.checkout('stripe')
    const delivery = fake.completedEvent(fake.sessionFor(order.number).id)
    const answers = await Promise.all(Array.from({ length: 20 }, () => fake.deliver(delivery)))
    expect(answers.map((answer) => [answer.status, answer.body])).toEqual(Array(20).fill([200, { received: true }]))
    expect(await shop.cash()).toBe(before + TOP_UP)
    expect(await shop.ledgerOf(order.id)).toHaveLength(1)
    const outcomes = (await shop.eventsOf(order.id)).filter((event) => event.kind === 'notify').map((event) => event.outcome)
    expect(outcomes.filter((outcome) => outcome === 'accepted')).toHaveLength(1)
    expect(outcomes.filter((outcome) => outcome === 'duplicate')).toHaveLength(19)
  })
})

describe('callbacks that must change nothing', () => {
  it('does not take the unsigned return to the success URL as a payment', async () => {
    const before = await shop.cash()
    const order = await shop.checkout('stripe')
    const back = await fetch(`${server.baseUrl}/api/payments/stripe/return?order=${order.number}`, { redirect: 'manual' })
    expect(back.status).toBe(302)
    expect(await shop.orderStatus(order.id)).toBe('pending')
    expect(await shop.cash()).toBe(before)
  })

  it('refuses an event signed with another secret, tampered with, stale or unsigned with 400, and audits it', async () => {
    const before = await shop.cash()
    const auditsBefore = (await shop.rejectedAudits(REFUSED)).length
    const order = await shop.checkout('stripe')
    const sessionId = fake.sessionFor(order.number).id
    const genuine = fake.completedEvent(sessionId)
    const forgeries = [
      fake.completedEvent(sessionId, { secret: 'whsec_not_the_endpoint_secret' }),
      { payload: genuine.payload.replace(/"amount_total": \d+/, '"amount_total": 1'), signature: genuine.signature },
      fake.completedEvent(sessionId, { timestamp: Math.floor(Date.now() / 1000) - 600 }),
      { payload: genuine.payload, signature: '' },
    ]
    for (const forged of forgeries) {
      const answer = await fake.deliver(forged)
      expect(answer.status).toBe(400)
      expect(answer.body).toEqual({ error: expect.any(String) })
    }
    expect(await shop.orderStatus(order.id)).toBe('pending')
    expect(await shop.cash()).toBe(before)
    expect(await shop.ledgerOf(order.id)).toEqual([])
    expect((await shop.rejectedAudits(REFUSED)).length - auditsBefore).toBe(forgeries.length)
    expect((await shop.rejectedEvents('stripe')).length).toBeGreaterThanOrEqual(forgeries.length)
  })

  it('refuses a correctly signed event for another amount', async () => {
    const before = await shop.cash()
    const order = await shop.checkout('stripe')
    const answer = await fake.deliver(fake.completedEvent(fake.sessionFor(order.number).id, { amountTotal: 100 }))
    expect(answer.status).toBe(400)
    expect(await shop.orderStatus(order.id)).toBe('pending')
    expect(await shop.cash()).toBe(before)
    expect(await shop.ledgerOf(order.id)).toEqual([])
    expect((await shop.eventsOf(order.id)).filter((event) => event.kind === 'notify').map((event) => event.outcome)).toEqual(['rejected'])
  })
})

describe('refunds through Stripe', () => {
  it('refunds part of a top-up, then the rest, from the PaymentIntent', async () => {
    const order = await paidOrder()
    const paymentIntent = fake.sessionFor(order.number).payment_intent
    const before = await shop.cash()

    const part = await shop.refund(order.id, 40_000_000)
    expect(part.status).toBe(200)
    expect(part.body.order.status).toBe('partially-refunded')
    expect(await shop.cash()).toBe(before - 40_000_000)
    const remainder = await shop.refund(order.id, 60_000_000)
    expect(remainder.status).toBe(200)
    expect(remainder.body.order.status).toBe('refunded')
    expect(await shop.cash()).toBe(before - TOP_UP)

    const made = fake.refunds.filter((one) => one.payment_intent === paymentIntent)
    expect(made.map((one) => [one.amount, one.metadata.refund])).toEqual([
      [4_000, part.body.refund.id],
      [6_000, remainder.body.refund.id],
    ])
    expect(fake.idempotencyKeys).toEqual(expect.arrayContaining([part.body.refund.id, remainder.body.refund.id]))
  })

  it('puts the money back in the wallet when Stripe fails the refund', async () => {
    const order = await paidOrder()
    const before = await shop.cash()
    fake.refundStatus = 'failed'
    try {
      const res = await shop.refund(order.id, 50_000_000)
      expect(res.status).toBe(502)
    } finally {
      fake.refundStatus = 'succeeded'
    }
    expect(await shop.orderStatus(order.id)).toBe('paid')
    expect(await shop.cash()).toBe(before)
  })
})
