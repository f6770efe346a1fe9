import { randomUUID } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { startFakeStripe, type FakeStripe } from '../helpers/fake-stripe'
import { rest } from '../helpers/rest'
import { ADMIN_EMAIL, ADMIN_PASSWORD, signIn, startTestServer, type TestServer } from '../helpers/server'

/**
 * Stripe Checkout end to end against a local Stripe API that checks our secret key and honours
 * idempotency keys: the customer is sent to a Checkout Session, and only a webhook event signed
 * with the endpoint's signing secret, for the order's amount, credits the wallet, once. Refunds go
 * back through Stripe's refunds API.
 */

const SECRET_KEY = 'sk_test_51ModelgateIntegration000000000000'
const WEBHOOK_SECRET = 'whsec_integration0123456789abcdef012345'
const TOP_UP = 100_000_000

let server: TestServer
let fake: FakeStripe
let customerToken: string
let staffToken: string
let financeToken: string

async function checkout() {
  const res = await rest(server.baseUrl, '/api/orders/checkout', { method: 'POST', token: customerToken, body: JSON.stringify({ kind: 'top-up', amount: TOP_UP, channel: 'stripe' }) })
  expect(res.status).toBe(201)
  return res.body.order as { id: string; number: string; payable: number; currency: string; status: string; payUrl: string }
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
  const res = await rest(server.baseUrl, `/api/ledger-entries?where[referenceId][equals]=${orderId}&depth=0&limit=100`, { token: staffToken })
  return res.body.docs as { kind: string; amount: number }[]
}

async function eventsOf(orderId: string) {
  const res = await rest(server.baseUrl, `/api/payment-events?where[order][equals]=${orderId}&depth=0&limit=100`, { token: staffToken })
  return res.body.docs as { kind: string; outcome: string | null; verified: boolean; detail: Record<string, unknown> }[]
}

async function rejectedAudits() {
  const res = await rest(server.baseUrl, '/api/audit-logs?where[action][equals]=rejected&limit=100', { token: staffToken })
  return (res.body.docs as { summary: string }[]).filter((audit) => audit.summary.startsWith('stripe callback refused'))
}

const refund = (orderId: string, amount: number) =>
  rest(server.baseUrl, `/api/orders/${orderId}/refund`, { method: 'POST', token: financeToken, body: JSON.stringify({ amount, reason: 'Customer asked' }) })

/** An order placed and paid through the fake, as Stripe would report it. */
async function paidOrder() {
  const order = await checkout()
  const answer = await fake.deliver(fake.completedEvent(fake.sessionFor(order.number).id))
  expect(answer.status).toBe(200)
  return order
}

beforeAll(async () => {
  server = await startTestServer()
  fake = await startFakeStripe({ secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET, webhookUrl: `${server.baseUrl}/api/payments/stripe/notify` })
  await server.payload.updateGlobal({ slug: 'payment-settings', data: { stripe: { enabled: true, secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET, apiBase: fake.url } } })
  const email = `c-${randomUUID()}@modelgate.test`
  await server.payload.create({ collection: 'users', data: { email, password: 'customer-password-1' } })
  customerToken = (await signIn(server.baseUrl, 'users', email, 'customer-password-1')).token
  staffToken = (await signIn(server.baseUrl, 'admins', ADMIN_EMAIL, ADMIN_PASSWORD)).token
  const financeEmail = `finance-${randomUUID()}@modelgate.test`
  await server.payload.create({ collection: 'admins', data: { email: financeEmail, password: 'staff-password-123', role: 'finance' } })
  financeToken = (await signIn(server.baseUrl, 'admins', financeEmail, 'staff-password-123')).token
}, 120_000)

afterAll(async () => {
  await fake?.close()
  await server?.close()
})

describe('paying through Stripe Checkout', () => {
  it('sends the customer to a Checkout Session and credits the wallet once when Stripe sends the signed event', async () => {
    const before = await cash()
    const order = await checkout()
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

    const answer = await fake.deliver(fake.completedEvent(session.id))
    expect(answer.status).toBe(200)
    expect(answer.body).toEqual({ received: true })
    expect(await orderStatus(order.id)).toBe('paid')
    expect(await cash()).toBe(before + TOP_UP)
    expect(await ledgerOf(order.id)).toEqual([expect.objectContaining({ kind: 'top-up', amount: TOP_UP })])
    const paid = (await eventsOf(order.id)).find((event) => event.kind === 'notify')!
    expect(paid).toMatchObject({ verified: true, outcome: 'accepted' })
    expect(paid.detail).toMatchObject({ session: session.id, paymentIntent: fake.sessions.get(session.id)!.payment_intent })
    expect(JSON.stringify(paid.detail)).not.toContain(WEBHOOK_SECRET)

    // The browser coming back changes nothing more.
    const back = await fetch(`${server.baseUrl}/api/payments/stripe/return?order=${order.number}`, { redirect: 'manual' })
    expect(back.status).toBe(302)
    expect(await cash()).toBe(before + TOP_UP)
  })

  it('credits once when the same event arrives twenty times at once', async () => {
    const before = await cash()
    const order = await checkout()
    const delivery = fake.completedEvent(fake.sessionFor(order.number).id)
    const answers = await Promise.all(Array.from({ length: 20 }, () => fake.deliver(delivery)))
    expect(answers.map((answer) => [answer.status, answer.body])).toEqual(Array(20).fill([200, { received: true }]))
    expect(await cash()).toBe(before + TOP_UP)
    expect(await ledgerOf(order.id)).toHaveLength(1)
    const outcomes = (await eventsOf(order.id)).filter((event) => event.kind === 'notify').map((event) => event.outcome)
    expect(outcomes.filter((outcome) => outcome === 'accepted')).toHaveLength(1)
    expect(outcomes.filter((outcome) => outcome === 'duplicate')).toHaveLength(19)
  })
})

describe('callbacks that must change nothing', () => {
  it('does not take the unsigned return to the success URL as a payment', async () => {
    const before = await cash()
    const order = await checkout()
    const back = await fetch(`${server.baseUrl}/api/payments/stripe/return?order=${order.number}`, { redirect: 'manual' })
    expect(back.status).toBe(302)
    expect(await orderStatus(order.id)).toBe('pending')
    expect(await cash()).toBe(before)
  })

  it('refuses an event signed with another secret, tampered with, stale or unsigned with 400, and audits it', async () => {
    const before = await cash()
    const auditsBefore = (await rejectedAudits()).length
    const order = await checkout()
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
    expect(await orderStatus(order.id)).toBe('pending')
    expect(await cash()).toBe(before)
    expect(await ledgerOf(order.id)).toEqual([])
    expect((await rejectedAudits()).length - auditsBefore).toBe(forgeries.length)
    const rejected = await rest(server.baseUrl, '/api/payment-events?where[outcome][equals]=rejected&where[channel][equals]=stripe&limit=100', { token: staffToken })
    expect(rejected.body.docs.length).toBeGreaterThanOrEqual(forgeries.length)
  })

  it('refuses a correctly signed event for another amount', async () => {
    const before = await cash()
    const order = await checkout()
    const answer = await fake.deliver(fake.completedEvent(fake.sessionFor(order.number).id, { amountTotal: 100 }))
    expect(answer.status).toBe(400)
    expect(await orderStatus(order.id)).toBe('pending')
    expect(await cash()).toBe(before)
    expect(await ledgerOf(order.id)).toEqual([])
    expect((await eventsOf(order.id)).filter((event) => event.kind === 'notify').map((event) => event.outcome)).toEqual(['rejected'])
  })
})

describe('refunds through Stripe', () => {
  it('refunds part of a top-up, then the rest, from the PaymentIntent', async () => {
    const order = await paidOrder()
    const paymentIntent = fake.sessionFor(order.number).payment_intent
    const before = await cash()

    const part = await refund(order.id, 40_000_000)
    expect(part.status).toBe(200)
    expect(part.body.order.status).toBe('partially-refunded')
    expect(await cash()).toBe(before - 40_000_000)
    const remainder = await refund(order.id, 60_000_000)
    expect(remainder.status).toBe(200)
    expect(remainder.body.order.status).toBe('refunded')
    expect(await cash()).toBe(before - TOP_UP)

    const made = fake.refunds.filter((one) => one.payment_intent === paymentIntent)
    expect(made.map((one) => [one.amount, one.metadata.refund])).toEqual([
      [4_000, part.body.refund.id],
      [6_000, remainder.body.refund.id],
    ])
    expect(fake.idempotencyKeys).toEqual(expect.arrayContaining([part.body.refund.id, remainder.body.refund.id]))
  })

  it('puts the money back in the wallet when Stripe fails the refund', async () => {
    const order = await paidOrder()
    const before = await cash()
    fake.refundStatus = 'failed'
    try {
      const res = await refund(order.id, 50_000_000)
      expect(res.status).toBe(502)
    } finally {
      fake.refundStatus = 'succeeded'
    }
    expect(await orderStatus(order.id)).toBe('paid')
    expect(await cash()).toBe(before)
  })
})
