/**
 * Refunds in two steps around the gateway call, so a crash in between loses nothing: `beginRefund`
 * takes the money out of the wallet (for a top-up) and marks the order refunding; the gateway is
 * called; `finishRefund` records success, or puts the money back on failure. A refund left
 * pending by a crash is retried with the same refund id, which gateways treat as the same refund.
 */
import { randomUUID } from 'node:crypto'

import { findWallet, InsufficientBalance, postEntry } from '../billing/ledger'
import { at, num, type Tx } from '../billing/sql'
import { unitsText } from '../lib/units'
import { findOrder, lockOrder, OrderRejected, type OrderRow } from './orders'

export type RefundStart = { refundId: string; order: OrderRow; amount: number; destination: 'channel' | 'wallet' }


export async function beginRefund(
  tx: Tx,
  input: { orderId: string; amount: number; reason: string; staffId: string; minimumRefund: number; channelRefunds: boolean; now?: Date },
): Promise<RefundStart> {
  const now = input.now ?? new Date()
  const order = await lockOrder(tx, { id: input.orderId })
  if (!order) throw new OrderRejected('No such order.', 404)
  if (!input.reason.trim()) throw new OrderRejected('Give the reason for the refund.')
  if (order.locked) throw new OrderRejected('The order is locked: unlock it first.', 409)
  if (order.status === 'refunding') throw new OrderRejected('A refund of this order is in progress.', 409)
  if (order.status !== 'paid' && order.status !== 'partially-refunded') throw new OrderRejected(`A ${order.status} order cannot be refunded.`, 409)
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) throw new OrderRejected('The refund must be a positive whole number of micro-units.')
  if (input.amount < input.minimumRefund) throw new OrderRejected(`Refunds start at ${unitsText(input.minimumRefund)}.`)
  const refundable = order.payable - order.refunded
  if (input.amount > refundable) throw new OrderRejected(`At most ${unitsText(refundable)} of this order can still be refunded.`)
  if (order.kind === 'top-up' && !input.channelRefunds) {
    throw new OrderRejected(`${order.channel} cannot send money back: pay the customer outside Modelgate and debit their wallet with an adjustment.`, 409)
  }

  const refundId = randomUUID()
  const destination = input.channelRefunds ? 'channel' : 'wallet'
  const base = { ownerId: order.ownerId, referenceType: 'order' as const, referenceId: order.id, actorId: input.staffId }
  if (order.kind === 'top-up') {
    // Only paid money that is still in the wallet goes back; gift money never does.
    const wallet = await findWallet(tx.query, order.ownerId)
    if (!wallet || wallet.cash < input.amount) {
      throw new OrderRejected(`The customer's remaining cash is ${unitsText(wallet?.cash ?? 0)}: a top-up refund cannot exceed it.`, 409)
    }
    try {
      await postEntry(tx, { ...base, kind: 'refund', bucket: 'cash', amount: -input.amount, idempotencyKey: `refund:${refundId}`, note: `Refund of order ${order.number}: ${input.reason}` })
    } catch (error) {
      if (error instanceof InsufficientBalance) throw new OrderRejected('That cash is held for requests in flight; try again in a minute.', 409)
      throw error
    }
  } else if (destination === 'wallet') {
    await postEntry(tx, { ...base, kind: 'refund', bucket: 'cash', amount: input.amount, idempotencyKey: `refund:${refundId}`, note: `Refund of order ${order.number}: ${input.reason}` })
  }
  await tx.query(
    `INSERT INTO refunds (id, order_id, owner_id, amount, reason, destination, status, staff_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
    [refundId, order.id, order.ownerId, input.amount, input.reason.trim(), destination, input.staffId, at(now), at(now)],
  )
  await tx.query(`UPDATE orders SET status = 'refunding', staff_id = ?, updated_at = ? WHERE id = ?`, [input.staffId, at(now), order.id])
  return { refundId, order, amount: input.amount, destination }
}

export type RefundOutcome = { ok: true; channelRefundId?: string } | { ok: false; reason: string }

/** Records the gateway's answer; a failed refund puts a top-up's money back in the wallet. */
export async function finishRefund(tx: Tx, input: { refundId: string; outcome: RefundOutcome; now?: Date }): Promise<OrderRow> {
  const now = input.now ?? new Date()
  const [refund] = await tx.query(`SELECT id, order_id, owner_id, amount, status FROM refunds WHERE id = ?${tx.forUpdate}`, [input.refundId])
  if (!refund) throw new OrderRejected('No such refund.', 404)
  const order = (await lockOrder(tx, { id: String(refund.order_id) }))!
  if (refund.status !== 'pending') return order
  const amount = num(refund.amount)
  if (input.outcome.ok) {
    const refunded = order.refunded + amount
    await tx.query(`UPDATE refunds SET status = 'succeeded', channel_refund_id = ?, updated_at = ? WHERE id = ?`, [input.outcome.channelRefundId ?? null, at(now), refund.id])
    await tx.query(`UPDATE orders SET status = ?, refunded = ?, updated_at = ? WHERE id = ?`, [
      refunded >= order.payable ? 'refunded' : 'partially-refunded',
      refunded,
      at(now),
      order.id,
    ])
  } else {
    if (order.kind === 'top-up') {
      await postEntry(tx, {
        ownerId: order.ownerId,
        kind: 'reversal',
        bucket: 'cash',
        amount,
        idempotencyKey: `refund:${refund.id}:reversal`,
        referenceType: 'order',
        referenceId: order.id,
        note: `Refund of order ${order.number} failed: ${input.outcome.reason}`,
      })
    }
    await tx.query(`UPDATE refunds SET status = 'failed', failure_reason = ?, updated_at = ? WHERE id = ?`, [input.outcome.reason.slice(0, 500), at(now), refund.id])
    await tx.query(`UPDATE orders SET status = ?, updated_at = ? WHERE id = ?`, [order.refunded > 0 ? 'partially-refunded' : 'paid', at(now), order.id])
  }
  return (await findOrder(tx.query, { id: order.id }))!
}

export type PendingRefund = { id: string; orderId: string; amount: number; reason: string; channelRefundId: string | null }

/** A refund still waiting for its gateway's answer (pending), or undefined. */
export async function pendingRefund(query: Tx['query'], refundId: string): Promise<PendingRefund | undefined> {
  const [row] = await query(`SELECT id, order_id, amount, reason, channel_refund_id FROM refunds WHERE id = ? AND status = 'pending'`, [refundId])
  if (!row) return undefined
  return { id: String(row.id), orderId: String(row.order_id), amount: num(row.amount), reason: String(row.reason), channelRefundId: row.channel_refund_id == null ? null : String(row.channel_refund_id) }
}

/** The gateway took the refund but has not finished it: remember its id, keep it pending. */
export async function markRefundSent(tx: Tx, refundId: string, channelRefundId: string | undefined, now = new Date()): Promise<void> {
  await tx.query('UPDATE refunds SET channel_refund_id = COALESCE(?, channel_refund_id), updated_at = ? WHERE id = ?', [channelRefundId ?? null, at(now), refundId])
}
