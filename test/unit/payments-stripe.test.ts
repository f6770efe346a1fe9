import { createHmac } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { createSecrets } from '../../src/lib/secrets'
import { ForgedCallback, type PayableOrder, type PaymentChannel } from '../../src/payments/channel'
import { sessionEnd, stripeChannel, stripeFromSettings } from '../../src/payments/channels/stripe'
import { OrderRejected } from '../../src/payments/orders'
import type { PaymentSettings } from '../../src/payments/settings'
import { startFakeStripe, type FakeStripe } from '../helpers/fake-stripe'

/**
 * The Stripe channel against Stripe's webhook signature scheme (computed here by hand, not with
 * the SDK) and against the fake Stripe API: the session and refund requests it sends.
 */

const SECRET_KEY = 'sk_test_51ModelgateUnitKey0000000000'
const WEBHOOK_SECRET = 'whsec_unit0123456789abcdef0123456789ab'

let fake: FakeStripe
let channel: PaymentChannel

beforeAll(async () => {
  fake = await startFakeStripe({ secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET, webhookUrl: 'http://127.0.0.1:9/unused' })
  channel = stripeChannel({ secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET, apiBase: fake.url })
})

afterAll(() => fake.close())

let sequence = 0
function order(overrides: Partial<PayableOrder> = {}): PayableOrder {
  const number = `MG20260101000000${String(++sequence).padStart(6, '0')}`
  return {
    id: `order-${sequence}`,
    number,
    payable: 12_340_000,
    currency: 'USD',
    subject: 'Top-up',
    returnUrl: `https://gate.example/api/payments/stripe/return?order=${number}`,
    notifyUrl: 'https://gate.example/api/payments/stripe/notify',
    expiresAt: new Date(Date.now() + 60 * 60_000),
    ...overrides,
  }
}

/** Stripe's scheme: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" under the signing secret>`. */
function signedByHand(payload: string, secret = WEBHOOK_SECRET, timestamp = Math.floor(Date.now() / 1000)) {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex')}`
}

function event(type: string, session: Record<string, unknown>) {
  return JSON.stringify({ id: 'evt_1', object: 'event', type, livemode: false, data: { object: { id: 'cs_test_1', object: 'checkout.session', ...session } } })
}

const paidSession = {
  amount_total: 1234,
  currency: 'usd',
  client_reference_id: 'MG1',
  metadata: { order: 'MG1' },
  payment_intent: 'pi_123',
  payment_status: 'paid',
}

const callback = (body: string, signature?: string) => ({
  method: 'POST',
  headers: new Headers(signature ? { 'stripe-signature': signature } : {}),
  query: new URLSearchParams(),
  body,
})

describe('Stripe webhook verification', () => {
  it('reads a paid checkout.session.completed signed the way Stripe signs', async () => {
    const body = event('checkout.session.completed', paidSession)
    await expect(channel.verify(callback(body, signedByHand(body)))).resolves.toEqual({
      kind: 'paid',
      orderNumber: 'MG1',
      transactionId: 'pi_123',
      amount: 12_340_000,
      currency: 'USD',
      detail: expect.objectContaining({ event: 'evt_1', session: 'cs_test_1', paymentIntent: 'pi_123' }),
    })
  })

  it('takes a delayed payment that succeeded, and an expanded PaymentIntent', async () => {
    const body = event('checkout.session.async_payment_succeeded', { ...paidSession, payment_intent: { id: 'pi_456', object: 'payment_intent' } })
    await expect(channel.verify(callback(body, signedByHand(body)))).resolves.toMatchObject({ kind: 'paid', transactionId: 'pi_456' })
  })

  it('falls back to client_reference_id for the order', async () => {
    const body = event('checkout.session.completed', { ...paidSession, metadata: {} })
    await expect(channel.verify(callback(body, signedByHand(body)))).resolves.toMatchObject({ kind: 'paid', orderNumber: 'MG1' })
  })

  it.each([
    ['a changed body', (body: string) => callback(body.replace('1234', '1'), signedByHand(body))],
    ['another secret', (body: string) => callback(body, signedByHand(body, 'whsec_someone_else'))],
    ['a signature older than five minutes', (body: string) => callback(body, signedByHand(body, WEBHOOK_SECRET, Math.floor(Date.now() / 1000) - 301))],
    ['no signature', (body: string) => callback(body)],
    ['a v0 signature only', (body: string) => callback(body, signedByHand(body).replace('v1=', 'v0='))],
  ])('refuses %s as forged', async (_, make) => {
    await expect(channel.verify(make(event('checkout.session.completed', paidSession)))).rejects.toBeInstanceOf(ForgedCallback)
  })

  it.each([
    ['a session not paid yet (delayed method)', event('checkout.session.completed', { ...paidSession, payment_status: 'unpaid' })],
    ['an event it does not use', event('checkout.session.expired', { ...paidSession, payment_status: 'unpaid' })],
    ['a session without a Modelgate order', event('checkout.session.completed', { ...paidSession, metadata: {}, client_reference_id: null })],
  ])('ignores %s', async (_, body) => {
    await expect(channel.verify(callback(body, signedByHand(body)))).resolves.toMatchObject({ kind: 'ignored' })
  })

  it('answers what stops Stripe retrying, or makes it retry', async () => {
    const ok = channel.acknowledge(true)
    expect(ok.status).toBe(200)
    await expect(ok.json()).resolves.toEqual({ received: true })
    const refused = channel.acknowledge(false)
    expect(refused.status).toBe(400)
    await expect(refused.json()).resolves.toEqual({ error: expect.any(String) })
  })
})

describe('Stripe Checkout sessions', () => {
  it('creates one payment-mode session for the order and links to it', async () => {
    const placed = order()
    const start = await channel.start(placed)
    const session = fake.sessionFor(placed.number)
    expect(start).toEqual({ payUrl: session.url, channelOrderId: session.id })
    expect(session).toMatchObject({
      mode: 'payment',
      currency: 'usd',
      amount_total: 1234,
      line_items: [{ name: 'Top-up', unit_amount: 1234, quantity: 1 }],
      metadata: { order: placed.number },
      success_url: placed.returnUrl,
      cancel_url: `${placed.returnUrl}&cancelled=1`,
      expires_at: Math.floor(placed.expiresAt.getTime() / 1000),
    })
  })

  it('gets the same session back when the start is retried', async () => {
    const placed = order()
    const first = await channel.start(placed)
    await expect(channel.start(placed)).resolves.toEqual(first)
    expect([...fake.sessions.values()].filter((session) => session.client_reference_id === placed.number)).toHaveLength(1)
    expect(fake.idempotencyKeys.filter((key) => key === `checkout:${placed.number}`)).toHaveLength(2)
  })

  it("moves an expiry under Stripe's 30 minutes just past them, which Stripe accepts", async () => {
    const placed = order({ expiresAt: new Date(Date.now() + 29 * 60_000) })
    await channel.start(placed)
    const end = fake.sessionFor(placed.number).expires_at
    expect(end).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 30 * 60)
    expect(end).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 32 * 60)
  })

  it('refuses currencies Stripe counts without decimals', async () => {
    await expect(channel.start(order({ currency: 'JPY' }))).rejects.toBeInstanceOf(OrderRejected)
  })

  it('fails with a wrong secret key', async () => {
    const stranger = stripeChannel({ secretKey: 'sk_test_wrong000000000000', webhookSecret: WEBHOOK_SECRET, apiBase: fake.url })
    await expect(stranger.start(order())).rejects.toThrow(/Invalid API Key/)
  })
})

describe('Stripe refunds', () => {
  async function paidOrder() {
    const placed = order({ payable: 50_000_000 })
    const { channelOrderId } = await channel.start(placed)
    fake.completedEvent(channelOrderId!)
    return { placed, paymentIntent: fake.sessions.get(channelOrderId!)!.payment_intent! }
  }

  const refund = (paymentIntent: string, refundId: string, amount: number) =>
    channel.refund!({ orderNumber: 'MG', transactionId: paymentIntent, refundId, amount, total: 50_000_000, reason: 'asked', currency: 'USD' })

  it('refunds part, then the rest, of the PaymentIntent in cents, once per refund id', async () => {
    const { paymentIntent } = await paidOrder()
    const part = await refund(paymentIntent, 'refund-a', 20_000_000)
    expect(part.status).toBe('succeeded')
    await expect(refund(paymentIntent, 'refund-a', 20_000_000)).resolves.toEqual(part)
    await refund(paymentIntent, 'refund-b', 30_000_000)
    const made = fake.refunds.filter((one) => one.payment_intent === paymentIntent)
    expect(made.map((one) => [one.amount, one.metadata.refund])).toEqual([
      [2000, 'refund-a'],
      [3000, 'refund-b'],
    ])
    await expect(refund(paymentIntent, 'refund-c', 10_000_000)).rejects.toThrow(/already been refunded/)
  })

  it('reports a refund Stripe has not settled as pending and a failed one as an error', async () => {
    const { paymentIntent } = await paidOrder()
    fake.refundStatus = 'pending'
    try {
      await expect(refund(paymentIntent, 'refund-p', 10_000_000)).resolves.toMatchObject({ status: 'pending' })
      fake.refundStatus = 'failed'
      await expect(refund(paymentIntent, 'refund-f', 10_000_000)).rejects.toThrow(/failed/)
    } finally {
      fake.refundStatus = 'succeeded'
    }
  })
})

describe('Stripe settings', () => {
  const secrets = createSecrets(undefined, 'unit-test-secret')
  const settings = (stripe: PaymentSettings['stripe']) => ({ stripe }) as PaymentSettings

  it('is off until enabled with both credentials', () => {
    expect(stripeFromSettings(settings({ enabled: false, secretKey: secrets.seal(SECRET_KEY), webhookSecret: secrets.seal(WEBHOOK_SECRET) }), secrets)).toBeUndefined()
    expect(stripeFromSettings(settings({ enabled: true, secretKey: secrets.seal(SECRET_KEY) }), secrets)).toBeUndefined()
  })

  it('opens the sealed credentials and uses the API base', async () => {
    const built = stripeFromSettings(settings({ enabled: true, secretKey: secrets.seal(SECRET_KEY), webhookSecret: secrets.seal(WEBHOOK_SECRET), apiBase: fake.url }), secrets)!
    await expect(built.start(order())).resolves.toMatchObject({ channelOrderId: expect.stringMatching(/^cs_test_/) })
    const body = event('checkout.session.completed', paidSession)
    await expect(built.verify(callback(body, signedByHand(body)))).resolves.toMatchObject({ kind: 'paid' })
  })
})

describe('the Checkout Session end', () => {
  const now = Date.UTC(2026, 10, 30, 12, 0, 0)
  const seconds = (ms: number) => Math.floor(ms / 1000)

  it("is the order's own end inside Stripe's window of 30 minutes to a day", () => {
    expect(sessionEnd(new Date(now + 2 * 3600_000), now)).toBe(seconds(now + 2 * 3600_000))
  })

  it('moves a shorter order (the default 30 minutes) just past the minimum, and a longer one just before a day', () => {
    expect(sessionEnd(new Date(now + 30 * 60_000), now)).toBe(seconds(now + 31 * 60_000))
    expect(sessionEnd(new Date(now + 3 * 24 * 3600_000), now)).toBe(seconds(now + 24 * 3600_000 - 60_000))
  })
})
