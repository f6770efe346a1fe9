import { randomUUID } from 'node:crypto'

import { matchesAny } from '../relay/wildcard'
import { available, insertEntry, lockWallet, splitCharge, type EntryInput } from './ledger'
import { isFree, planUnits, priceUsage, type Meter, type ModelPrices, type Price, type Usage } from './pricing'
import type { CoverageRow } from './plan-coverage'
import { at, bool, jsonColumn, num, toDate, type Row, type Tx } from './sql'

/**
 * Reservations: before a request goes upstream, what it may cost is set aside on one plan
 * resource or on the wallet, in the same transaction that records the reservation; afterwards the
 * actual charge is taken and the rest released. Only the holder's process settles a reservation
 * while its lease runs; a reservation whose lease ran out belonged to a process that died, and
 * reconciliation settles it for what was delivered.
 */

export type Hold = {
  requestId: string
  ownerId: string
  model: string
  /** Where the request is charged; none for a free model no plan covers. */
  target: { kind: 'wallet'; walletId: string; allowanceId?: string } | { kind: 'plan'; resourceId: string; subscriptionId: string; meter: Meter; unlimited: boolean } | { kind: 'none' }
  /** Micro-units held on the wallet, or units held on the plan resource. */
  amount: number
  units: number
  /** Whether a reservations row exists (nothing is held for free models and unlimited resources). */
  recorded: boolean
}

export type ReserveInput = {
  requestId: string
  ownerId: string
  model: string
  prices: ModelPrices
  tierMultiplier: number
  /** The most the request can use, from its prompt and output allowance. */
  estimate: Usage
  leaseUntil: Date
  /** A plan's "N requests per H hours" rule; a refusal skips that plan for this request. */
  admitPlan?: (subscriptionId: string, rule: { requests: number; hours: number }) => Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }>
}

export class NoFunds extends Error {
  constructor(readonly needed: number, readonly available: number) {
    super('You have run out of balance and no plan covers this model. Top up or redeem a code to continue.')
  }
}

export class PlanRateLimited extends Error {
  constructor(readonly hours: number, readonly retryAfterSeconds: number) {
    super(`Your plan allows only so many requests per ${hours} hour(s) and you have reached it; try later or top up your balance.`)
  }
}

export type Bill = Price & {
  billedTo: 'wallet' | 'subscription' | 'none'
  subscriptionId?: string
  planUnits: number
  shortfall: number
}

const NOTHING: Bill = { billedTo: 'none', planUnits: 0, charge: 0, cost: 0, margin: 0, shortfall: 0 }

/** Nothing held: a free model that no plan covers. */
export const nothingHeld = (input: Pick<ReserveInput, 'requestId' | 'ownerId' | 'model'>): Hold => ({
  requestId: input.requestId,
  ownerId: input.ownerId,
  model: input.model,
  target: { kind: 'none' },
  amount: 0,
  units: 0,
  recorded: false,
})

/** What the wallet holds for a request: the price of its estimate. */
export const walletEstimate = (input: Pick<ReserveInput, 'prices' | 'estimate' | 'tierMultiplier'>) => priceUsage(input.prices, input.estimate, input.tierMultiplier).charge

async function recordReservation(tx: Tx, input: ReserveInput, hold: Hold, walletId: string | null, resourceId: string | null) {
  const now = at(new Date())
  await tx.query(
    `INSERT INTO reservations (id, request_id, owner_id, wallet_id, subscription_resource_id, model, amount, units, delivered, delivered_units, lease_until, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?)`,
    [randomUUID(), input.requestId, input.ownerId, walletId, resourceId, input.model, hold.amount, hold.units, at(input.leaseUntil), now, now],
  )
}

/**
 * The owner's active subscriptions' resources, earliest expiry first. Comparing the status as text
 * keeps SQLite on the owner index: without statistics it would pick the status index and read
 * every active subscription of every customer.
 */
function activeResources(query: Tx['query'], ownerId: string): Promise<Row[]> {
  const now = at(new Date())
  return query(
    `SELECT sr.id, sr.subscription_id, sr.models, sr.meter, sr."limit", sr.used, sr.reserved, s.rate_limit_requests, s.rate_limit_hours
       FROM subscription_resources sr JOIN subscriptions s ON s.id = sr.subscription_id
      WHERE s.owner_id = ? AND CAST(s.status AS TEXT) = 'active' AND s.expires_at > ? AND s.starts_at <= ?
      ORDER BY s.expires_at, s.id`,
    [ownerId, now, now],
  )
}

const room = (row: Row) => {
  const limit = num(row.limit)
  return limit === -1 ? Infinity : limit - num(row.used) - num(row.reserved)
}

/** What the owner's subscriptions that have not expired may cover, for the in-memory hint (plan-coverage.ts). */
export async function coverageRows(query: Tx['query'], ownerId: string): Promise<CoverageRow[]> {
  const rows = await query(
    `SELECT sr.models, sr."limit", sr.used, sr.reserved, s.starts_at, s.expires_at
       FROM subscription_resources sr JOIN subscriptions s ON s.id = sr.subscription_id
      WHERE s.owner_id = ? AND CAST(s.status AS TEXT) = 'active' AND s.expires_at > ?`,
    [ownerId, at(new Date())],
  )
  return rows.map((row) => ({
    models: jsonColumn<string[]>(row.models),
    startsAt: toDate(row.starts_at).getTime(),
    expiresAt: toDate(row.expires_at).getTime(),
    hasRoom: room(row) > 0,
  }))
}

/** The first active subscription (earliest expiry) with room on a resource covering the model. */
async function reserveOnPlan(tx: Tx, input: ReserveInput): Promise<Hold | PlanRateLimited | undefined> {
  const rows = await activeResources(tx.query, input.ownerId)
  let limited: PlanRateLimited | undefined
  const verdicts = new Map<string, { ok: true } | { ok: false; retryAfterSeconds: number }>()
  for (const row of rows) {
    if (!matchesAny(jsonColumn<string[]>(row.models), input.model)) continue
    const limit = num(row.limit)
    const remaining = room(row)
    if (remaining <= 0) continue
    const subscriptionId = String(row.subscription_id)
    const requests = num(row.rate_limit_requests)
    const hours = num(row.rate_limit_hours)
    if (requests > 0 && hours > 0 && input.admitPlan) {
      if (!verdicts.has(subscriptionId)) verdicts.set(subscriptionId, await input.admitPlan(subscriptionId, { requests, hours }))
      const verdict = verdicts.get(subscriptionId)!
      if (!verdict.ok) {
        limited ??= new PlanRateLimited(hours, verdict.retryAfterSeconds)
        continue
      }
    }
    const meter = row.meter as Meter
    const target = { kind: 'plan' as const, resourceId: String(row.id), subscriptionId, meter, unlimited: limit === -1 }
    if (target.unlimited) return { requestId: input.requestId, ownerId: input.ownerId, model: input.model, target, amount: 0, units: 0, recorded: false }
    const units = Math.min(planUnits(meter, input.prices, input.estimate), remaining)
    const held = await tx.query('UPDATE subscription_resources SET reserved = reserved + ? WHERE id = ? AND used + reserved + ? <= "limit" RETURNING id', [
      units,
      target.resourceId,
      units,
    ])
    if (held.length === 0) continue
    const hold: Hold = { requestId: input.requestId, ownerId: input.ownerId, model: input.model, target, amount: 0, units, recorded: true }
    await recordReservation(tx, input, hold, null, target.resourceId)
    return hold
  }
  return limited
}

/**
 * Sets aside what the request may cost: on a plan that covers the model, else on the wallet.
 * Throws NoFunds (or PlanRateLimited, when a plan would have covered it but for its rate rule)
 * before anything is sent upstream.
 */
export async function reserve(tx: Tx, input: ReserveInput): Promise<Hold> {
  const onPlan = await reserveOnPlan(tx, input)
  if (onPlan && !(onPlan instanceof PlanRateLimited)) return onPlan
  if (isFree(input.prices)) return nothingHeld(input)
  const base = { requestId: input.requestId, ownerId: input.ownerId, model: input.model }
  const amount = walletEstimate(input)
  const wallet = await lockWallet(tx, input.ownerId)
  if (available(wallet) < amount) throw onPlan ?? new NoFunds(amount, available(wallet))
  await tx.query('UPDATE wallets SET reserved = reserved + ? WHERE id = ?', [amount, wallet.id])
  const hold: Hold = { ...base, target: { kind: 'wallet', walletId: wallet.id }, amount, units: 0, recorded: true }
  await recordReservation(tx, input, hold, wallet.id, null)
  return hold
}

/** Takes a known charge from the wallet in spending order, releasing what was held. */
async function chargeWallet(tx: Tx, hold: Hold & { target: { kind: 'wallet' } }, price: Price, usageLogId: string): Promise<Bill> {
  const wallet = await lockWallet(tx, hold.ownerId)
  const split = splitCharge(wallet, price.charge, hold.amount)
  await tx.query('UPDATE wallets SET gift = gift - ?, cash = cash - ?, credit = credit - ?, reserved = reserved - ?, updated_at = ? WHERE id = ?', [
    split.gift,
    split.cash,
    split.credit,
    hold.amount,
    at(new Date()),
    wallet.id,
  ])
  for (const entry of usageEntries(hold, split, usageLogId)) await insertEntry(tx, wallet.id, entry, wallet[entry.bucket] + entry.amount)
  return walletBill(price, split)
}

export type Split = ReturnType<typeof splitCharge>

/** The ledger entries of a request's charge: one per bucket it took money from. */
export function usageEntries(hold: Hold, split: Split, usageLogId: string): EntryInput[] {
  return (['gift', 'cash', 'credit'] as const)
    .filter((bucket) => split[bucket] !== 0)
    .map((bucket) => ({
      ownerId: hold.ownerId,
      kind: 'usage',
      bucket,
      amount: -split[bucket],
      idempotencyKey: `usage:${hold.requestId}:${bucket}`,
      referenceType: 'usage',
      referenceId: usageLogId,
      note: hold.model,
    }))
}

/** The bill of a charge taken from the wallet: what the buckets could not cover is the shortfall. */
export function walletBill(price: Price, split: Split): Bill {
  const charged = price.charge - split.shortfall
  return { billedTo: 'wallet', planUnits: 0, charge: charged, cost: price.cost, margin: charged - price.cost, shortfall: split.shortfall }
}

/** Counts units against the plan resource and marks the subscription exhausted once nothing is left. */
async function chargePlan(tx: Tx, hold: Hold & { target: { kind: 'plan' } }, units: number, cost: number): Promise<Bill> {
  const [row] = await tx.query('UPDATE subscription_resources SET reserved = reserved - ?, used = used + ? WHERE id = ? RETURNING subscription_id, used, "limit"', [
    hold.units,
    units,
    hold.target.resourceId,
  ])
  if (row && num(row.limit) !== -1 && num(row.used) >= num(row.limit)) {
    await tx.query(
      `UPDATE subscriptions SET status = 'exhausted', updated_at = ? WHERE id = ? AND status = 'active'
         AND NOT EXISTS (SELECT 1 FROM subscription_resources WHERE subscription_id = ? AND ("limit" = -1 OR used < "limit"))`,
      [at(new Date()), hold.target.subscriptionId, hold.target.subscriptionId],
    )
  }
  return { billedTo: 'subscription', subscriptionId: hold.target.subscriptionId, planUnits: units, charge: 0, cost, margin: -cost, shortfall: 0 }
}

/** Removes the reservation row; false when reconciliation already settled it. */
async function claim(tx: Tx, hold: Hold): Promise<boolean> {
  if (!hold.recorded) return true
  return (await tx.query('DELETE FROM reservations WHERE request_id = ? RETURNING id', [hold.requestId])).length > 0
}

export type Outcome = { usage: Usage | null; prices: ModelPrices; tierMultiplier: number }

/** What the customer pays for an outcome: nothing when nothing was delivered. */
export const priceOf = (outcome: Outcome): Price =>
  outcome.usage ? priceUsage(outcome.prices, outcome.usage, outcome.tierMultiplier) : { charge: 0, cost: 0, margin: 0 }

/**
 * Settles a request: the actual charge for what was delivered (null usage: nothing delivered,
 * nothing charged) and the rest of the hold released. `usageLogId` is the usage record the
 * ledger entries point to.
 */
export async function settle(tx: Tx, hold: Hold, outcome: Outcome, usageLogId: string): Promise<Bill> {
  if (!(await claim(tx, hold))) return NOTHING
  const { target } = hold
  const usage = outcome.usage
  if (target.kind === 'wallet') return chargeWallet(tx, { ...hold, target }, priceOf(outcome), usageLogId)
  if (target.kind === 'plan') {
    const units = usage ? planUnits(target.meter, outcome.prices, usage) : 0
    const cost = usage ? priceUsage(outcome.prices, usage).cost : 0
    return chargePlan(tx, { ...hold, target }, units, cost)
  }
  const cost = usage ? priceUsage(outcome.prices, usage).cost : 0
  return { ...NOTHING, cost, margin: -cost }
}

export type Interrupted = { hold: Hold; deliveredCharge: number; deliveredUnits: number; allowance: boolean }

/** Reservations whose holder stopped renewing them, rebuilt into holds with what they delivered. */
export async function expiredReservations(query: Tx['query'], now: Date): Promise<Interrupted[]> {
  const rows = await query(
    `SELECT r.request_id, r.owner_id, r.wallet_id, r.subscription_resource_id, r.model, r.amount, r.units, r.delivered, r.delivered_units, r.allowance,
            sr.subscription_id, sr.meter
       FROM reservations r LEFT JOIN subscription_resources sr ON sr.id = r.subscription_resource_id
      WHERE r.lease_until < ?`,
    [at(now)],
  )
  return rows.map((row) => ({
    hold: {
      requestId: String(row.request_id),
      ownerId: String(row.owner_id),
      model: String(row.model ?? ''),
      target: row.wallet_id
        ? { kind: 'wallet', walletId: String(row.wallet_id) }
        : { kind: 'plan', resourceId: String(row.subscription_resource_id), subscriptionId: String(row.subscription_id), meter: row.meter as Meter, unlimited: false },
      amount: num(row.amount),
      units: num(row.units),
      recorded: true,
    },
    deliveredCharge: num(row.delivered),
    deliveredUnits: num(row.delivered_units),
    allowance: bool(row.allowance),
  }))
}

/** Settles an interrupted request for what it had delivered when its process last reported. */
export async function settleInterrupted(tx: Tx, item: Interrupted, usageLogId: string): Promise<Bill> {
  if (!(await claim(tx, item.hold))) return NOTHING
  const { target } = item.hold
  if (target.kind === 'wallet') {
    return chargeWallet(tx, { ...item.hold, target }, { charge: item.deliveredCharge, cost: 0, margin: item.deliveredCharge }, usageLogId)
  }
  if (target.kind === 'plan') return chargePlan(tx, { ...item.hold, target }, item.deliveredUnits, 0)
  return NOTHING
}
