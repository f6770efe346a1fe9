import { randomUUID } from 'node:crypto'

import { at, insertRows, type Tx } from '../billing/sql'
import type { PaymentChannelId } from './orders'

export type PaymentEvent = {
  orderId?: string | null
  channel?: PaymentChannelId | null
  kind: 'created' | 'notify' | 'return' | 'paid' | 'refund' | 'confirm' | 'close' | 'lock' | 'unlock'
  verified: boolean
  outcome?: 'accepted' | 'duplicate' | 'rejected' | 'held' | 'failed'
  summary: string
  detail?: Record<string, unknown>
  ip?: string | null
}

/** One line of an order's timeline: what arrived or was done, and what came of it. */
export async function recordPaymentEvent(tx: Tx, event: PaymentEvent, now = new Date()): Promise<void> {
  await insertRows(tx, 'payment_events', [
    {
      id: randomUUID(),
      order_id: event.orderId ?? null,
      channel: event.channel ?? null,
      kind: event.kind,
      verified: event.verified,
      outcome: event.outcome ?? null,
      summary: event.summary.slice(0, 500),
      detail: event.detail ? JSON.stringify(event.detail) : null,
      ip: event.ip ?? null,
      created_at: at(now),
      updated_at: at(now),
    },
  ])
}
