import type { PaymentChannelId } from './orders'

/** What a channel needs to start collecting an order. */
export type PayableOrder = {
  id: string
  number: string
  /** Micro-units; a whole number of cents. */
  payable: number
  currency: string
  subject: string
  /** Where the customer's browser goes back to after paying (Stripe, Epay). */
  returnUrl: string
  /** Where the channel sends its asynchronous notification. */
  notifyUrl: string
  /** The customer's address, for channels that want it (Epay). */
  clientIp?: string
  expiresAt: Date
  /** Epay's payment type, Alipay or WeChat for Epay gateways. */
  method?: string
}

/** How the customer pays: a page to open, or a QR code to scan (content to render as a QR). */
export type PaymentStart = { payUrl?: string; qrCode?: string; channelOrderId?: string }

/** An incoming callback as the HTTP layer received it. */
export type IncomingCallback = {
  method: string
  headers: Headers
  query: URLSearchParams
  /** The raw body: signatures are computed over the exact bytes. */
  body: string
}

/** A verified callback saying an order was paid. */
export type PaidNotice = {
  kind: 'paid'
  orderNumber: string
  transactionId: string
  /** What the channel says was paid, in micro-units. */
  amount: number
  currency?: string
  /** What the gateway sent, minus anything secret, for the order's timeline. */
  detail: Record<string, unknown>
}

/** A verified callback that needs no action (a pending or closed trade, an event we do not use). */
export type IgnoredNotice = { kind: 'ignored'; orderNumber?: string; reason: string; detail: Record<string, unknown> }

export type Notice = PaidNotice | IgnoredNotice

/** The callback failed verification: nothing may change. */
export class ForgedCallback extends Error {}

export type RefundResult = { channelRefundId: string; status: 'succeeded' | 'pending' }

/**
 * The gateway definitely refused a refund, so the money can go back to the wallet. Any other
 * error leaves the outcome unknown: the refund stays pending and is retried with the same id,
 * since treating it as failed could pay the customer twice.
 */
export class RefundRefused extends Error {}

/**
 * One payment channel. Channels only speak their gateway's protocol: signing what we send,
 * verifying what they send; orders, money and the ledger are src/payments/orders.ts's job.
 */
export type PaymentChannel = {
  id: PaymentChannelId
  start(order: PayableOrder): Promise<PaymentStart>
  /** Verifies and reads a callback; throws ForgedCallback when its signature is wrong. */
  verify(callback: IncomingCallback): Promise<Notice>
  /** The answer the gateway expects, so it stops retrying (or retries, when we failed). */
  acknowledge(ok: boolean): Response
  /** Sends money back through the gateway; absent when the channel cannot refund. */
  refund?(input: { orderNumber: string; transactionId: string; refundId: string; amount: number; total: number; reason: string; currency: string }): Promise<RefundResult>
}
