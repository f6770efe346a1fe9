import Stripe from 'stripe'

import type { Secrets } from '../../lib/secrets'
import { ForgedCallback, RefundRefused, type IncomingCallback, type Notice, type PayableOrder, type PaymentChannel, type PaymentStart, type RefundResult } from '../channel'
import { fromCents, toCents } from '../money'
import { OrderRejected } from '../orders'
import type { PaymentSettings } from '../settings'

/**
 * Stripe Checkout through the official SDK: a hosted Checkout Session per order, its signed
 * `checkout.session.*` webhook events as the only proof of payment, refunds of the PaymentIntent.
 */

/** Stripe refuses a session that expires sooner than this… */
const MIN_SESSION_LIFETIME_MS = 30 * 60_000
/** …or later than this (its default). */
const MAX_SESSION_LIFETIME_MS = 24 * 60 * 60_000
/** Kept inside that window, for the time the request takes and clocks that differ. */
const SESSION_MARGIN_MS = 60_000

/**
 * When the Checkout Session ends, in Unix seconds: with the order, moved into Stripe's window. An
 * order of the default 30 minutes therefore gets a session of 31: a payment in its last minute is
 * credited as a late payment, like any other channel's.
 */
export function sessionEnd(orderEnd: Date, now = Date.now()): number {
  const earliest = now + MIN_SESSION_LIFETIME_MS + SESSION_MARGIN_MS
  const latest = now + MAX_SESSION_LIFETIME_MS - SESSION_MARGIN_MS
  return Math.floor(Math.min(Math.max(orderEnd.getTime(), earliest), latest) / 1000)
}

const PAID_EVENTS = new Set(['checkout.session.completed', 'checkout.session.async_payment_succeeded'])

// Stripe counts these in whole units, not hundredths: toCents would charge a hundred times too much.
const ZERO_DECIMAL = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF'])

/** SDK options pointing at another API host (a test double or a proxy); none for Stripe's own. */
function apiHostOptions(apiBase: string | null | undefined) {
  if (!apiBase?.trim()) return {}
  const url = new URL(apiBase.trim())
  const protocol = url.protocol === 'http:' ? 'http' : 'https'
  return { protocol, host: url.hostname, port: url.port || (protocol === 'http' ? 80 : 443) } as const
}

/** Stripe may send the PaymentIntent as an id or, when expanded, as the object. */
const idOf = (value: string | { id: string } | null) => (typeof value === 'string' ? value : (value?.id ?? undefined))

export function stripeChannel(config: { secretKey: string; webhookSecret: string; apiBase?: string | null }): PaymentChannel {
  const stripe = new Stripe(config.secretKey, apiHostOptions(config.apiBase))

  async function start(order: PayableOrder): Promise<PaymentStart> {
    const currency = order.currency.toUpperCase()
    if (ZERO_DECIMAL.has(currency)) throw new OrderRejected(`Stripe counts ${currency} without decimals, which this channel does not support.`)
    const session = await stripe.checkout.sessions.create(
      {
        mode: 'payment',
        line_items: [{ price_data: { currency: currency.toLowerCase(), unit_amount: toCents(order.payable), product_data: { name: order.subject } }, quantity: 1 }],
        client_reference_id: order.number,
        metadata: { order: order.number },
        success_url: order.returnUrl,
        cancel_url: `${order.returnUrl}&cancelled=1`,
        expires_at: sessionEnd(order.expiresAt),
      },
      // A retried checkout gets the session already made instead of a second one to pay.
      { idempotencyKey: `checkout:${order.number}` },
    )
    if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without a payment page.`)
    return { payUrl: session.url, channelOrderId: session.id }
  }

  async function verify(callback: IncomingCallback): Promise<Notice> {
    let event: Stripe.Event
    try {
      event = stripe.webhooks.constructEvent(callback.body, callback.headers.get('stripe-signature') ?? '', config.webhookSecret)
    } catch (error) {
      throw new ForgedCallback(error instanceof Error ? error.message : 'The Stripe signature does not verify.')
    }
    if (!PAID_EVENTS.has(event.type)) return { kind: 'ignored', reason: `Stripe event ${event.type} is not used.`, detail: { event: event.id, type: event.type } }

    const session = event.data.object as Stripe.Checkout.Session
    const orderNumber = session.metadata?.order ?? session.client_reference_id ?? undefined
    const transactionId = idOf(session.payment_intent)
    const detail = {
      event: event.id,
      type: event.type,
      session: session.id,
      paymentIntent: transactionId,
      paymentStatus: session.payment_status,
      amountTotal: session.amount_total,
      currency: session.currency,
      livemode: event.livemode,
    }
    if (session.payment_status !== 'paid') return { kind: 'ignored', orderNumber, reason: `Checkout session ${session.id} is ${session.payment_status}.`, detail }
    // A session another integration made on the same Stripe account: not ours to credit.
    if (!orderNumber || !transactionId || session.amount_total == null || !session.currency) {
      return { kind: 'ignored', orderNumber, reason: `Checkout session ${session.id} carries no Modelgate order.`, detail }
    }
    return { kind: 'paid', orderNumber, transactionId, amount: fromCents(session.amount_total), currency: session.currency.toUpperCase(), detail }
  }

  function acknowledge(ok: boolean): Response {
    // Stripe retries anything but a 2xx for up to three days.
    return ok ? Response.json({ received: true }) : Response.json({ error: 'The webhook was not accepted.' }, { status: 400 })
  }

  async function refund(input: { transactionId: string; refundId: string; amount: number }): Promise<RefundResult> {
    const refunded = await stripe.refunds
      .create(
        { payment_intent: input.transactionId, amount: toCents(input.amount), metadata: { refund: input.refundId } },
        // Our refund id: a refund retried after a crash is the same refund to Stripe.
        { idempotencyKey: input.refundId },
      )
      .catch((error: unknown) => {
        // Stripe answered and said no (4xx); a connection or server error says nothing about the refund.
        if (error instanceof Stripe.errors.StripeInvalidRequestError || error instanceof Stripe.errors.StripeCardError) throw new RefundRefused(error.message)
        throw error
      })
    if (refunded.status === 'succeeded') return { channelRefundId: refunded.id, status: 'succeeded' }
    if (refunded.status === 'pending' || refunded.status === 'requires_action') return { channelRefundId: refunded.id, status: 'pending' }
    throw new RefundRefused(`Stripe refund ${refunded.id} is ${refunded.status}${refunded.failure_reason ? `: ${refunded.failure_reason}` : ''}.`)
  }

  return { id: 'stripe', start, verify, acknowledge, refund }
}

/** The channel from Billing → Payment settings, or undefined while it is off or missing a credential. */
export function stripeFromSettings(settings: PaymentSettings, secrets: Secrets): PaymentChannel | undefined {
  const group = settings.stripe
  if (!group?.enabled || !group.secretKey || !group.webhookSecret) return undefined
  return stripeChannel({ secretKey: secrets.open(group.secretKey), webhookSecret: secrets.open(group.webhookSecret), apiBase: group.apiBase })
}
