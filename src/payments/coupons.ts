/**
 * Coupons on orders. A grant (a coupon in one customer's hands) is spent by the order that uses
 * it, in the order's transaction, with conditional updates: two orders racing for one grant, or
 * for a coupon's last use, cannot both win. A closed order gives its grant back.
 */
import { randomUUID } from 'node:crypto'

import { lockWallet } from '../billing/ledger'
import { at, bool, num, placeholders, type Row, type Tx } from '../billing/sql'
import { OrderRejected, type OrderKind } from './orders'

export type CouponTerms = {
  id: string
  name: string
  kind: 'fixed' | 'percent'
  amount: number
  percent: number
  maxDiscount: number
  minimumSpend: number
  orderKinds: OrderKind[]
  startsAt: Date | null
  endsAt: Date | null
  totalLimit: number | null
  perUserLimit: number
  used: number
  published: boolean
}

const dateOf = (value: unknown) => (value == null ? null : new Date(String(value)))

async function readCoupon(query: Tx['query'], where: string, value: string): Promise<CouponTerms | undefined> {
  const [row] = await query(
    `SELECT id, name, kind, amount, percent, max_discount, minimum_spend, starts_at, ends_at, total_limit, per_user_limit, used, published FROM coupons WHERE ${where} = ?`,
    [value],
  )
  if (!row) return undefined
  const kinds = await query(`SELECT value FROM coupons_order_kinds WHERE parent_id = ?`, [row.id])
  return toTerms(row, kinds.map((k) => k.value as OrderKind))
}

function toTerms(row: Row, orderKinds: OrderKind[]): CouponTerms {
  return {
    id: String(row.id),
    name: String(row.name),
    kind: row.kind as CouponTerms['kind'],
    amount: num(row.amount),
    percent: num(row.percent),
    maxDiscount: num(row.max_discount),
    minimumSpend: num(row.minimum_spend),
    orderKinds,
    startsAt: dateOf(row.starts_at),
    endsAt: dateOf(row.ends_at),
    totalLimit: row.total_limit == null ? null : num(row.total_limit),
    perUserLimit: Math.max(1, num(row.per_user_limit) || 1),
    used: num(row.used),
    published: bool(row.published),
  }
}

/** Why `coupon` cannot take money off this order, or null when it can. */
export function couponProblem(coupon: CouponTerms, order: { kind: OrderKind; listAmount: number }, now: Date): string | null {
  if (coupon.startsAt && now < coupon.startsAt) return `The coupon "${coupon.name}" cannot be used before ${coupon.startsAt.toISOString().slice(0, 10)}.`
  if (coupon.endsAt && now >= coupon.endsAt) return `The coupon "${coupon.name}" has expired.`
  if (coupon.orderKinds.length && !coupon.orderKinds.includes(order.kind)) return `The coupon "${coupon.name}" is not for ${order.kind} orders.`
  if (order.listAmount < coupon.minimumSpend) return `The coupon "${coupon.name}" needs an order of at least ${coupon.minimumSpend / 1_000_000}.`
  return null
}

/** Micro-units taken off: the fixed amount, or the percentage rounded down and capped; never more than the order. */
export function discountOf(coupon: CouponTerms, listAmount: number): number {
  const raw = coupon.kind === 'fixed' ? coupon.amount : Math.floor((listAmount * coupon.percent) / 100)
  const capped = coupon.kind === 'percent' && coupon.maxDiscount > 0 ? Math.min(raw, coupon.maxDiscount) : raw
  return Math.max(0, Math.min(capped, listAmount))
}

/** Spends the customer's grant on a new order; throws OrderRejected (rolling everything back) when it cannot. */
export async function applyCoupon(
  tx: Tx,
  input: { grantId: string; ownerId: string; orderId: string; kind: OrderKind; listAmount: number; now: Date },
): Promise<{ couponId: string; amount: number }> {
  const [grant] = await tx.query(
    `UPDATE coupon_grants SET status = 'used', order_id = ?, used_at = ?, updated_at = ? WHERE id = ? AND owner_id = ? AND status = 'available' RETURNING coupon_id`,
    [input.orderId, at(input.now), at(input.now), input.grantId, input.ownerId],
  )
  if (!grant) throw new OrderRejected('This coupon is not yours to use, or it has been used already.', 409)
  const coupon = (await readCoupon(tx.query, 'id', String(grant.coupon_id)))!
  const problem = couponProblem(coupon, input, input.now)
  if (problem) throw new OrderRejected(problem)
  const [counted] = await tx.query(
    `UPDATE coupons SET used = used + 1, updated_at = ? WHERE id = ? AND (total_limit IS NULL OR used < total_limit) RETURNING id`,
    [at(input.now), coupon.id],
  )
  if (!counted) throw new OrderRejected(`The coupon "${coupon.name}" has been used up.`, 409)
  return { couponId: coupon.id, amount: discountOf(coupon, input.listAmount) }
}

/** An unpaid order closed: its grant is the customer's to use again, and the coupon's count goes back. */
export async function releaseCoupon(tx: Tx, orderId: string, now: Date): Promise<void> {
  const [grant] = await tx.query(
    `UPDATE coupon_grants SET status = 'available', order_id = NULL, used_at = NULL, updated_at = ? WHERE order_id = ? AND status = 'used' RETURNING coupon_id`,
    [at(now), orderId],
  )
  if (grant) await tx.query('UPDATE coupons SET used = used - 1, updated_at = ? WHERE id = ? AND used > 0', [at(now), grant.coupon_id])
}

/** Grants a customer may still receive of a coupon, counting the ones they hold or used. */
async function grantsLeft(tx: Tx, coupon: CouponTerms, ownerId: string): Promise<number> {
  const [row] = await tx.query(`SELECT count(*) AS n FROM coupon_grants WHERE coupon_id = ? AND owner_id = ? AND status <> 'void'`, [coupon.id, ownerId])
  return coupon.perUserLimit - num(row?.n)
}

async function insertGrants(tx: Tx, couponId: string, ownerIds: string[], now: Date): Promise<string[]> {
  const ids = ownerIds.map(() => randomUUID())
  if (!ids.length) return ids
  const values = ids.map(() => `(${placeholders(6)})`).join(', ')
  await tx.query(
    `INSERT INTO coupon_grants (id, coupon_id, owner_id, status, created_at, updated_at) VALUES ${values}`,
    ids.flatMap((id, i) => [id, couponId, ownerIds[i], 'available', at(now), at(now)]),
  )
  return ids
}

/** A customer claims a published coupon by its code, within its per-customer limit. */
export async function claimCoupon(tx: Tx, input: { code: string; ownerId: string; now?: Date }): Promise<{ grantId: string; coupon: CouponTerms }> {
  const now = input.now ?? new Date()
  const coupon = await readCoupon(tx.query, 'code', input.code.trim())
  if (!coupon || !coupon.published) throw new OrderRejected('No coupon has this code.', 404)
  if (coupon.endsAt && now >= coupon.endsAt) throw new OrderRejected(`The coupon "${coupon.name}" has expired.`)
  if (coupon.totalLimit !== null && coupon.used >= coupon.totalLimit) throw new OrderRejected(`The coupon "${coupon.name}" has been used up.`, 409)
  // The wallet lock queues this customer's claims, so two at once cannot both pass the limit.
  await lockWallet(tx, input.ownerId)
  if ((await grantsLeft(tx, coupon, input.ownerId)) <= 0) throw new OrderRejected(`You already have the coupon "${coupon.name}".`, 409)
  const [grantId] = await insertGrants(tx, coupon.id, [input.ownerId], now)
  return { grantId: grantId!, coupon }
}

/** Staff issue a coupon to chosen customers; those at their limit are skipped. Answers how many got one. */
export async function issueCoupon(tx: Tx, input: { couponId: string; ownerIds: string[]; now?: Date }): Promise<{ issued: string[]; skipped: string[] }> {
  const now = input.now ?? new Date()
  const coupon = await readCoupon(tx.query, 'id', input.couponId)
  if (!coupon) throw new OrderRejected('No such coupon.', 404)
  const issued: string[] = []
  const skipped: string[] = []
  for (const ownerId of [...new Set(input.ownerIds)]) {
    await lockWallet(tx, ownerId)
    if ((await grantsLeft(tx, coupon, ownerId)) > 0) issued.push(ownerId)
    else skipped.push(ownerId)
  }
  await insertGrants(tx, coupon.id, issued, now)
  return { issued, skipped }
}

export type HeldCoupon = { grantId: string; coupon: Pick<CouponTerms, 'id' | 'name' | 'kind' | 'amount' | 'percent' | 'maxDiscount' | 'minimumSpend' | 'orderKinds' | 'endsAt'> }

/** The grants a customer can still use, with what each takes off, soonest to expire first. */
export async function heldCoupons(query: Tx['query'], ownerId: string, now = new Date()): Promise<HeldCoupon[]> {
  const grants = await query(`SELECT id, coupon_id FROM coupon_grants WHERE owner_id = ? AND status = 'available' ORDER BY created_at`, [ownerId])
  const held: HeldCoupon[] = []
  for (const grant of grants) {
    const coupon = await readCoupon(query, 'id', String(grant.coupon_id))
    if (!coupon || (coupon.endsAt && now >= coupon.endsAt)) continue
    const { id, name, kind, amount, percent, maxDiscount, minimumSpend, orderKinds, endsAt } = coupon
    held.push({ grantId: String(grant.id), coupon: { id, name, kind, amount, percent, maxDiscount, minimumSpend, orderKinds, endsAt } })
  }
  return held.sort((a, b) => (a.coupon.endsAt?.getTime() ?? Infinity) - (b.coupon.endsAt?.getTime() ?? Infinity))
}
