/**
 * Orders as stored: created with their price and coupon, paid exactly once whatever the gateway
 * replays, closed when unpaid, locked when suspicious. Plain SQL in the caller's transaction (see
 * src/billing/sql.ts), so the order's state and the ledger move together or not at all.
 */
import { randomInt, randomUUID } from 'node:crypto'

import { postEntry } from '../billing/ledger'
import { at, bool, jsonColumn, num, type Row, type Tx } from '../billing/sql'
import { grantPlan, readPlan } from '../billing/subscriptions'
import { applyCoupon, releaseCoupon } from './coupons'
import { rewardReferrer, type ReferralRule } from './referrals'

export type OrderKind = 'top-up' | 'plan' | 'membership'
export type PaymentChannelId = 'stripe' | 'epay' | 'wechat' | 'alipay' | 'redemption' | 'manual'
export type OrderStatus = 'pending' | 'paid' | 'failed' | 'closed' | 'refunding' | 'refunded' | 'partially-refunded'

export type OrderRow = {
  id: string
  number: string
  ownerId: string
  kind: OrderKind
  planId: string | null
  items: { description: string; quantity: number; unitAmount: number }[]
  listAmount: number
  discount: number
  payable: number
  currency: string
  channel: PaymentChannelId | null
  channelTransactionId: string | null
  status: OrderStatus
  refunded: number
  locked: boolean
  expiresAt: Date | null
}

/** A rule of ordering was broken; the message is for the customer or the staff member. */
export class OrderRejected extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message)
  }
}

const COLUMNS =
  'id, number, owner_id, kind, plan_id, items, list_amount, discount, payable, currency, channel, channel_transaction_id, status, refunded, locked, expires_at'

function toOrder(row: Row): OrderRow {
  return {
    id: String(row.id),
    number: String(row.number),
    ownerId: String(row.owner_id),
    kind: row.kind as OrderKind,
    planId: row.plan_id == null ? null : String(row.plan_id),
    items: row.items == null ? [] : jsonColumn(row.items),
    listAmount: num(row.list_amount),
    discount: num(row.discount),
    payable: num(row.payable),
    currency: String(row.currency),
    channel: (row.channel ?? null) as PaymentChannelId | null,
    channelTransactionId: row.channel_transaction_id == null ? null : String(row.channel_transaction_id),
    status: row.status as OrderStatus,
    refunded: num(row.refunded),
    locked: bool(row.locked),
    expiresAt: row.expires_at == null ? null : new Date(String(row.expires_at)),
  }
}

export async function findOrder(query: Tx['query'], where: { id: string } | { number: string }): Promise<OrderRow | undefined> {
  const [column, value] = 'id' in where ? ['id', where.id] : ['number', where.number]
  const [row] = await query(`SELECT ${COLUMNS} FROM orders WHERE ${column} = ?`, [value])
  return row ? toOrder(row) : undefined
}

/** Locks the order row for the rest of the transaction (SQLite's writer lock covers it). */
export async function lockOrder(tx: Tx, where: { id: string } | { number: string }): Promise<OrderRow | undefined> {
  const [column, value] = 'id' in where ? ['id', where.id] : ['number', where.number]
  const [row] = await tx.query(`SELECT ${COLUMNS} FROM orders WHERE ${column} = ?${tx.forUpdate}`, [value])
  return row ? toOrder(row) : undefined
}

/** `MG` + UTC date and time to the second + 6 random digits: sortable, and unguessable enough to show. */
export function orderNumber(now: Date): string {
  return `MG${now.toISOString().replace(/\D/g, '').slice(0, 14)}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`
}

export type NewOrder = {
  ownerId: string
  placedById?: string
  kind: OrderKind
  /** Top-ups: the amount in micro-units, already checked against the presets and the minimum. */
  amount?: number
  planId?: string
  channel: PaymentChannelId
  currency: string
  couponGrantId?: string
  timeoutMinutes: number
  now?: Date
}

/** What a top-up or plan lists at, and how it reads on the order. */
async function pricing(tx: Tx, input: NewOrder) {
  if (input.kind === 'top-up') {
    const amount = input.amount ?? 0
    if (!Number.isSafeInteger(amount) || amount <= 0) throw new OrderRejected('Choose how much to top up.')
    return { listAmount: amount, planId: null, description: 'Top-up' }
  }
  const plan = input.planId ? await readPlan(tx, input.planId) : undefined
  if (!plan || !plan.onSale) throw new OrderRejected('This plan does not exist or is not on sale.', 404)
  if (plan.price <= 0) throw new OrderRejected('This plan is free: nothing to pay.')
  return { listAmount: plan.price, planId: plan.id, description: plan.name }
}

/** Creates a pending order, using the customer's coupon grant in the same transaction. */
export async function createOrder(tx: Tx, input: NewOrder): Promise<OrderRow> {
  const now = input.now ?? new Date()
  const { listAmount, planId, description } = await pricing(tx, input)
  const id = randomUUID()
  const expiresAt = new Date(now.getTime() + input.timeoutMinutes * 60_000)
  await tx.query(
    `INSERT INTO orders (id, number, owner_id, placed_by_id, kind, plan_id, items, list_amount, discount, payable, currency, channel, status, refunded, locked, expires_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, 'pending', 0, ?, ?, ?, ?)`,
    [
      id,
      orderNumber(now),
      input.ownerId,
      input.placedById ?? null,
      input.kind,
      planId,
      JSON.stringify([{ description, quantity: 1, unitAmount: listAmount }]),
      listAmount,
      listAmount,
      input.currency,
      input.channel,
      false,
      at(expiresAt),
      at(now),
      at(now),
    ],
  )
  if (input.couponGrantId) {
    // The grant points at the order, so the order row comes first; a refused coupon rolls both back.
    const discount = await applyCoupon(tx, { grantId: input.couponGrantId, ownerId: input.ownerId, orderId: id, kind: input.kind, listAmount, now })
    if (discount.amount >= listAmount) throw new OrderRejected('The coupon would make this order free; it cannot be used on it.')
    await tx.query('UPDATE orders SET coupon_id = ?, discount = ?, payable = ? WHERE id = ?', [discount.couponId, discount.amount, listAmount - discount.amount, id])
  }
  return (await findOrder(tx.query, { id }))!
}

/** Saves where the customer pays (a link or a QR code) once the channel has answered. */
export async function savePaymentStart(tx: Tx, orderId: string, start: { payUrl?: string; qrCode?: string }) {
  await tx.query('UPDATE orders SET pay_url = ?, qr_code = ?, updated_at = ? WHERE id = ?', [start.payUrl ?? null, start.qrCode ?? null, at(new Date()), orderId])
}

/**
 * Gives the customer what they paid for. A top-up credits the cash paid (refundable) and any
 * coupon discount as gift money; a plan is granted, and the money paid for it passes through the
 * wallet as a top-up and its spending, so the ledger shows every payment. Each entry's
 * idempotency key is the order's, so this can never happen twice.
 */
async function fulfil(tx: Tx, order: OrderRow, referral: ReferralRule | undefined) {
  const base = { ownerId: order.ownerId, referenceType: 'order' as const, referenceId: order.id }
  await postEntry(tx, { ...base, kind: 'top-up', bucket: 'cash', amount: order.payable, idempotencyKey: `order:${order.id}:paid`, note: `Order ${order.number}` })
  if (order.kind === 'top-up') {
    if (order.discount > 0) {
      await postEntry(tx, { ...base, kind: 'voucher', bucket: 'gift', amount: order.discount, idempotencyKey: `order:${order.id}:coupon`, note: `Coupon on order ${order.number}` })
    }
  } else {
    const granted = await grantPlan(tx, { ownerId: order.ownerId, planId: order.planId!, source: 'purchase' })
    await postEntry(tx, {
      ownerId: order.ownerId,
      kind: 'usage',
      bucket: 'cash',
      amount: -order.payable,
      idempotencyKey: `order:${order.id}:plan`,
      referenceType: 'subscription',
      referenceId: granted.subscriptionId,
      note: `Order ${order.number}`,
    })
  }
  if (referral) await rewardReferrer(tx, { order, rule: referral })
}

export type Payment = {
  orderNumber: string
  channel: PaymentChannelId
  transactionId: string
  /** Micro-units the channel says were paid. */
  amount: number
  currency?: string
  now?: Date
}

export type PaymentOutcome =
  | { outcome: 'accepted'; order: OrderRow }
  | { outcome: 'duplicate'; order: OrderRow }
  | { outcome: 'held'; order: OrderRow; reason: string }
  | { outcome: 'rejected'; order?: OrderRow; reason: string }

const PAID_STATES: OrderStatus[] = ['paid', 'refunding', 'refunded', 'partially-refunded']

/**
 * A verified payment notice. The order row is locked first, so twenty copies of one callback
 * arriving together are taken one at a time: the first pays the order, the rest find it paid by
 * the same transaction and change nothing. A notice for another amount, currency or channel pays
 * nothing. A late payment of a closed order still counts (the customer did pay); a payment of a
 * locked order is kept aside for staff.
 */
export async function payOrder(tx: Tx, payment: Payment, referral?: ReferralRule): Promise<PaymentOutcome> {
  const now = payment.now ?? new Date()
  const order = await lockOrder(tx, { number: payment.orderNumber })
  if (!order) return { outcome: 'rejected', reason: `No order ${payment.orderNumber}.` }
  if (order.channel !== payment.channel) return { outcome: 'rejected', order, reason: `The order is paid through ${order.channel}, not ${payment.channel}.` }
  if (payment.amount !== order.payable) return { outcome: 'rejected', order, reason: `Paid ${payment.amount} micro-units but the order is for ${order.payable}.` }
  if (payment.currency && payment.currency.toUpperCase() !== order.currency.toUpperCase()) {
    return { outcome: 'rejected', order, reason: `Paid in ${payment.currency} but the order is in ${order.currency}.` }
  }
  if (PAID_STATES.includes(order.status)) {
    if (order.channelTransactionId === payment.transactionId) return { outcome: 'duplicate', order }
    return { outcome: 'held', order, reason: `Already paid by transaction ${order.channelTransactionId}: this second payment (${payment.transactionId}) must be refunded by hand.` }
  }
  if (order.locked) {
    await tx.query('UPDATE orders SET channel_transaction_id = ?, failure_reason = ?, updated_at = ? WHERE id = ?', [
      payment.transactionId,
      'Paid while locked: confirm it by hand once the order is cleared.',
      at(now),
      order.id,
    ])
    return { outcome: 'held', order, reason: 'The order is locked; the payment waits for staff.' }
  }
  await tx.query(`UPDATE orders SET status = 'paid', channel_transaction_id = ?, paid_at = ?, failure_reason = NULL, updated_at = ? WHERE id = ?`, [
    payment.transactionId,
    at(now),
    at(now),
    order.id,
  ])
  // A late payment of a closed order gave its coupon back; it is the customer's again to use.
  await fulfil(tx, order, referral)
  const paid = (await findOrder(tx.query, { id: order.id }))!
  return { outcome: 'accepted', order: paid }
}

/**
 * Staff mark an order paid by hand (money received outside the channels). The order must be
 * pending, closed or failed and not locked; the reason is kept on the order.
 */
export async function confirmOrder(tx: Tx, input: { orderId: string; staffId: string; reason: string; transactionId?: string; now?: Date }, referral?: ReferralRule): Promise<OrderRow> {
  const now = input.now ?? new Date()
  const order = await lockOrder(tx, { id: input.orderId })
  if (!order) throw new OrderRejected('No such order.', 404)
  if (!input.reason.trim()) throw new OrderRejected('Give the reason for confirming by hand.')
  if (order.locked) throw new OrderRejected('The order is locked: unlock it first.', 409)
  if (PAID_STATES.includes(order.status)) throw new OrderRejected('The order is already paid.', 409)
  await tx.query(
    `UPDATE orders SET status = 'paid', channel_transaction_id = COALESCE(?, channel_transaction_id, ?), paid_at = ?, staff_id = ?, staff_reason = ?, failure_reason = NULL, updated_at = ? WHERE id = ?`,
    [input.transactionId ?? null, `manual:${randomUUID()}`, at(now), input.staffId, input.reason.trim(), at(now), order.id],
  )
  await fulfil(tx, order, referral)
  return (await findOrder(tx.query, { id: order.id }))!
}

/** Closes a pending order (timeout, the customer, or staff) and gives its coupon back. */
export async function closeOrder(tx: Tx, input: { orderId: string; reason: string; staffId?: string; now?: Date }): Promise<OrderRow | undefined> {
  const now = input.now ?? new Date()
  const [closed] = await tx.query(
    `UPDATE orders SET status = 'closed', closed_at = ?, failure_reason = ?, staff_id = COALESCE(?, staff_id), updated_at = ? WHERE id = ? AND status = 'pending' RETURNING id`,
    [at(now), input.reason, input.staffId ?? null, at(now), input.orderId],
  )
  if (!closed) return undefined
  await releaseCoupon(tx, input.orderId, now)
  return findOrder(tx.query, { id: input.orderId })
}

/** Pending orders whose time ran out, oldest first. */
export async function expiredOrders(query: Tx['query'], now: Date, limit = 500): Promise<string[]> {
  const rows = await query(`SELECT id FROM orders WHERE status = 'pending' AND expires_at <= ? ORDER BY expires_at LIMIT ${limit}`, [at(now)])
  return rows.map((row) => String(row.id))
}

/** Locks or unlocks a suspicious order: a locked order is neither credited nor refunded. */
export async function setOrderLock(tx: Tx, input: { orderId: string; locked: boolean; reason: string; staffId: string; now?: Date }): Promise<OrderRow> {
  const now = input.now ?? new Date()
  if (input.locked && !input.reason.trim()) throw new OrderRejected('Give the reason for locking the order.')
  const [row] = await tx.query('UPDATE orders SET locked = ?, lock_reason = ?, staff_id = ?, updated_at = ? WHERE id = ? RETURNING id', [
    input.locked,
    input.locked ? input.reason.trim() : null,
    input.staffId,
    at(now),
    input.orderId,
  ])
  if (!row) throw new OrderRejected('No such order.', 404)
  return (await findOrder(tx.query, { id: input.orderId }))!
}
