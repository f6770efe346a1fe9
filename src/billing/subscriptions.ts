/**
 * Subscriptions as stored: granting plans and request packs, renewals, syncs, expiry and resets.
 * Every function runs in the caller's transaction (see sql.ts) with plain SQL on SQLite and
 * Postgres; the rules themselves are in plans.ts.
 */
import { randomUUID } from 'node:crypto'

import { unitsText } from '../lib/units'
import { announceSubscriptionChange } from './plan-coverage'
import { available, lockWallet, postEntry, splitCharge, type Bucket } from './ledger'
import {
  acceptsSync,
  addDays,
  grantOf,
  missingResources,
  renewedExpiry,
  renewedLimit,
  statusAfterReset,
  termsOf,
  type Grant,
  type PeriodUnit,
  type PlanResourceTerms,
  type PlanTerms,
  type SubscriptionStatus,
} from './plans'
import type { Meter } from './pricing'
import { at, bool, num, placeholders, toDate, type Row, type Tx } from './sql'

export type SubscriptionSource = 'purchase' | 'registration' | 'trial' | 'code' | 'recharge-card' | 'staff'

export type Granted = { subscriptionId: string; extended: boolean }

export type PlanRow = PlanTerms & {
  id: string
  price: number
  quantityMultiplier: number
  onSale: boolean
  resources: PlanResourceTerms[]
}

type SubscriptionRef = { id: string; ownerId: string; status: SubscriptionStatus; expiresAt: Date }

export class PlanNotFound extends Error {
  constructor(readonly planId: string) {
    super('This plan does not exist or is not on sale.')
  }
}

export class InsufficientFunds extends Error {
  constructor(readonly price: number, readonly available: number) {
    super(`Your balance cannot cover this plan: it costs ${unitsText(price)} and ${unitsText(Math.max(0, available))} is available.`)
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const nullableNum = (value: unknown): number | null => (value == null ? null : num(value))

function toSubscription(row: Row): SubscriptionRef {
  return { id: String(row.id), ownerId: String(row.owner_id), status: row.status as SubscriptionStatus, expiresAt: toDate(row.expires_at) }
}

/** A plan with its resources in the plan's order, read in the transaction; undefined when there is none. */
export async function readPlan(tx: Tx, planId: string): Promise<PlanRow | undefined> {
  // Ids are UUIDs on both SQL adapters; anything else names no plan (and is a type error on Postgres).
  if (!UUID.test(planId)) return undefined
  const [plan] = await tx.query(
    `SELECT id, name, period_unit, period_length, price, quantity_multiplier, rate_limit_requests, rate_limit_hours, on_sale
     FROM plans WHERE id = ?`,
    [planId],
  )
  if (!plan) return undefined
  const rows = await tx.query(
    `SELECT r.id, r.name, r.meter, r."limit" FROM plans_rels p JOIN plan_resources r ON r.id = p.plan_resources_id
     WHERE p.parent_id = ? AND p.path = 'resources' ORDER BY p."order"`,
    [planId],
  )
  const ids = rows.map((row) => String(row.id))
  const texts = ids.length
    ? await tx.query(`SELECT parent_id, text FROM plan_resources_texts WHERE path = 'models' AND parent_id IN (${placeholders(ids.length)}) ORDER BY "order"`, ids)
    : []
  const resources = rows.map((row) => ({
    id: String(row.id),
    name: String(row.name),
    meter: row.meter as Meter,
    limit: num(row.limit),
    models: texts.filter((t) => String(t.parent_id) === String(row.id)).map((t) => String(t.text)),
  }))
  return {
    id: String(plan.id),
    name: String(plan.name),
    periodUnit: plan.period_unit as PeriodUnit,
    periodLength: num(plan.period_length),
    price: num(plan.price),
    quantityMultiplier: num(plan.quantity_multiplier),
    rateLimitRequests: nullableNum(plan.rate_limit_requests),
    rateLimitHours: nullableNum(plan.rate_limit_hours),
    onSale: bool(plan.on_sale),
    resources,
  }
}

/** Every grant, renewal and sync passes here, so the relay's plan hints learn of it (plan-coverage.ts). */
async function insertGrants(tx: Tx, subscription: Pick<SubscriptionRef, 'id' | 'ownerId'>, grants: Grant[], now: Date) {
  announceSubscriptionChange()
  for (const grant of grants) {
    await tx.query(
      `INSERT INTO subscription_resources (id, owner_id, subscription_id, plan_resource_id, name, models, meter, "limit", used, reserved, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?)`,
      [randomUUID(), subscription.ownerId, subscription.id, grant.planResourceId, grant.name, JSON.stringify(grant.models), grant.meter, grant.limit, at(now), at(now)],
    )
  }
}

type NewSubscription = {
  ownerId: string
  planId: string | null
  planName: string
  startsAt: Date
  expiresAt: Date
  rateLimitRequests: number | null
  rateLimitHours: number | null
  source: SubscriptionSource
}

async function insertSubscription(tx: Tx, sub: NewSubscription, grants: Grant[], now: Date): Promise<string> {
  const id = randomUUID()
  await tx.query(
    `INSERT INTO subscriptions (id, owner_id, plan_id, plan_name, status, starts_at, expires_at, rate_limit_requests, rate_limit_hours, source, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?)`,
    [id, sub.ownerId, sub.planId, sub.planName, at(sub.startsAt), at(sub.expiresAt), sub.rateLimitRequests, sub.rateLimitHours, sub.source, at(now), at(now)],
  )
  await insertGrants(tx, { id, ownerId: sub.ownerId }, grants, now)
  return id
}

/** The owner's subscription still in use that a new grant renews, locked for the transaction. */
async function renewable(tx: Tx, ownerId: string, by: 'plan_id' | 'source', value: string, now: Date) {
  const [row] = await tx.query(
    `SELECT id, owner_id, status, expires_at FROM subscriptions
     WHERE owner_id = ? AND ${by} = ? AND status = 'active' AND expires_at > ? ORDER BY expires_at DESC LIMIT 1${tx.forUpdate}`,
    [ownerId, value, at(now)],
  )
  return row ? toSubscription(row) : undefined
}

/**
 * Adds each grant to the matching resource the subscription holds (same plan resource and meter),
 * or adds the resource when it holds none; usage so far is kept.
 */
async function topUp(tx: Tx, subscription: SubscriptionRef, grants: Grant[], now: Date) {
  const held = await tx.query(`SELECT id, plan_resource_id, meter, "limit" FROM subscription_resources WHERE subscription_id = ?${tx.forUpdate}`, [
    subscription.id,
  ])
  const fresh: Grant[] = []
  for (const grant of grants) {
    const match = held.find((r) => (r.plan_resource_id == null ? null : String(r.plan_resource_id)) === grant.planResourceId && r.meter === grant.meter)
    if (!match) {
      fresh.push(grant)
      continue
    }
    await tx.query(`UPDATE subscription_resources SET "limit" = ?, updated_at = ? WHERE id = ?`, [renewedLimit(num(match.limit), grant.limit), at(now), match.id])
  }
  await insertGrants(tx, subscription, fresh, now)
}

async function extendTo(tx: Tx, subscriptionId: string, expiresAt: Date, now: Date) {
  await tx.query('UPDATE subscriptions SET expires_at = ?, updated_at = ? WHERE id = ?', [at(expiresAt), at(now), subscriptionId])
}

/**
 * Gives the owner a plan. While a subscription of the same plan is still active it is renewed:
 * its expiry moves one period on from its current end and each resource gets the new period's
 * amount on top of what is left (as New API and One API renewals refill). Otherwise a new
 * subscription starts now, a copy of the plan and its resources as they are at this moment.
 */
export async function grantPlan(
  tx: Tx,
  input: { ownerId: string; planId: string; source: SubscriptionSource; now?: Date },
): Promise<Granted> {
  const now = input.now ?? new Date()
  const plan = await readPlan(tx, input.planId)
  if (!plan) throw new PlanNotFound(input.planId)
  const grants = plan.resources.map((resource) => grantOf(resource, plan.quantityMultiplier))
  const current = await renewable(tx, input.ownerId, 'plan_id', plan.id, now)
  if (current) {
    await extendTo(tx, current.id, renewedExpiry(current.expiresAt, now, plan), now)
    await topUp(tx, current, grants, now)
    return { subscriptionId: current.id, extended: true }
  }
  const terms = termsOf(plan, now)
  const subscriptionId = await insertSubscription(tx, { ownerId: input.ownerId, planId: plan.id, source: input.source, ...terms }, grants, now)
  return { subscriptionId, extended: false }
}

/**
 * Gives the owner N requests on any model for `days` days (a trial or a recharge card). Another
 * grant of the same source while the previous one is active adds the requests to it and extends
 * it by `days` from its current end.
 */
export async function grantRequests(
  tx: Tx,
  input: { ownerId: string; requests: number; days: number; source: 'trial' | 'recharge-card'; name: string; now?: Date },
): Promise<Granted> {
  if (!Number.isSafeInteger(input.requests) || input.requests < 1) throw new Error('A request grant is a whole number of requests, at least 1.')
  if (!Number.isSafeInteger(input.days) || input.days < 1) throw new Error('A request grant lasts a whole number of days, at least 1.')
  const now = input.now ?? new Date()
  const grant: Grant = { planResourceId: null, name: input.name, models: ['*'], meter: 'requests', limit: input.requests }
  const current = await renewable(tx, input.ownerId, 'source', input.source, now)
  if (current) {
    await extendTo(tx, current.id, addDays(current.expiresAt, input.days), now)
    await topUp(tx, current, [grant], now)
    return { subscriptionId: current.id, extended: true }
  }
  const subscriptionId = await insertSubscription(
    tx,
    {
      ownerId: input.ownerId,
      planId: null,
      planName: input.name,
      startsAt: now,
      expiresAt: addDays(now, input.days),
      rateLimitRequests: null,
      rateLimitHours: null,
      source: input.source,
    },
    [grant],
    now,
  )
  return { subscriptionId, extended: false }
}

/**
 * Gives active subscriptions of a plan the plan's resources they do not hold yet (all of them, or
 * only `resourceIds`). Held resources keep their limits and usage and expiries stay; expired,
 * used-up and cancelled subscriptions are skipped. `updated` counts subscriptions that received
 * something, `skipped` those not in use.
 */
export async function syncPlan(
  tx: Tx,
  input: { planId: string; resourceIds?: string[]; now?: Date },
): Promise<{ updated: number; skipped: number }> {
  const now = input.now ?? new Date()
  const plan = await readPlan(tx, input.planId)
  if (!plan) return { updated: 0, skipped: 0 }
  const resources = input.resourceIds ? plan.resources.filter((r) => input.resourceIds!.includes(r.id)) : plan.resources
  const subscriptions = (
    await tx.query(`SELECT id, owner_id, status, expires_at FROM subscriptions WHERE plan_id = ?${tx.forUpdate}`, [plan.id])
  ).map(toSubscription)
  const held = await tx.query(
    `SELECT subscription_id, plan_resource_id FROM subscription_resources WHERE subscription_id IN (SELECT id FROM subscriptions WHERE plan_id = ?)`,
    [plan.id],
  )
  let updated = 0
  let skipped = 0
  for (const subscription of subscriptions) {
    if (!acceptsSync(subscription, now)) {
      skipped += 1
      continue
    }
    const mine = held.filter((r) => String(r.subscription_id) === subscription.id).map((r) => (r.plan_resource_id == null ? null : String(r.plan_resource_id)))
    const missing = missingResources(resources, mine)
    if (missing.length === 0) continue
    await insertGrants(tx, subscription, missing.map((r) => grantOf(r, plan.quantityMultiplier)), now)
    updated += 1
  }
  return { updated, skipped }
}

/** syncPlan for one changed plan resource, over every plan that includes it. */
export async function syncPlanResource(tx: Tx, input: { resourceId: string; now?: Date }): Promise<{ updated: number; skipped: number }> {
  const plans = await tx.query(`SELECT DISTINCT parent_id FROM plans_rels WHERE path = 'resources' AND plan_resources_id = ?`, [input.resourceId])
  const total = { updated: 0, skipped: 0 }
  for (const { parent_id } of plans) {
    const result = await syncPlan(tx, { planId: String(parent_id), resourceIds: [input.resourceId], now: input.now })
    total.updated += result.updated
    total.skipped += result.skipped
  }
  return total
}

/**
 * Makes a subscription a copy of `planId`'s resources, for staff creating one in the admin or
 * moving it to another plan: resources the plan does not have are removed, resources it has and
 * the subscription holds keep their usage, the rest are added.
 */
export async function applyPlanResources(tx: Tx, input: { subscriptionId: string; planId: string; now?: Date }) {
  const now = input.now ?? new Date()
  const plan = await readPlan(tx, input.planId)
  if (!plan) throw new PlanNotFound(input.planId)
  const [row] = await tx.query(`SELECT id, owner_id, status, expires_at FROM subscriptions WHERE id = ?${tx.forUpdate}`, [input.subscriptionId])
  if (!row) throw new Error(`Subscription ${input.subscriptionId} does not exist.`)
  const ids = plan.resources.map((r) => r.id)
  const others = ids.length ? ` AND (plan_resource_id IS NULL OR plan_resource_id NOT IN (${placeholders(ids.length)}))` : ''
  await tx.query(`DELETE FROM subscription_resources WHERE subscription_id = ?${others}`, [input.subscriptionId, ...ids])
  const held = await tx.query('SELECT plan_resource_id FROM subscription_resources WHERE subscription_id = ?', [input.subscriptionId])
  const missing = missingResources(plan.resources, held.map((r) => String(r.plan_resource_id)))
  await insertGrants(tx, toSubscription(row), missing.map((r) => grantOf(r, plan.quantityMultiplier)), now)
}

/**
 * Ends subscriptions whose time is over. Used-up ones end too, so resetting their counters later
 * cannot bring them back. Returns how many changed.
 */
export async function expireSubscriptions(tx: Tx, now: Date): Promise<number> {
  const rows = await tx.query(
    `UPDATE subscriptions SET status = 'expired', updated_at = ? WHERE status IN ('active', 'exhausted') AND expires_at <= ? RETURNING id`,
    [at(now), at(now)],
  )
  return rows.length
}

/**
 * Sets what has been used of every resource back to zero (requests in flight keep what they hold),
 * and makes a used-up subscription active again while its time is not over.
 */
export async function resetSubscriptionCounters(tx: Tx, subscriptionId: string, now = new Date()): Promise<void> {
  const [row] = await tx.query(`SELECT id, owner_id, status, expires_at FROM subscriptions WHERE id = ?${tx.forUpdate}`, [subscriptionId])
  if (!row) return
  const subscription = toSubscription(row)
  announceSubscriptionChange()
  await tx.query('UPDATE subscription_resources SET used = 0, updated_at = ? WHERE subscription_id = ?', [at(now), subscriptionId])
  const status = statusAfterReset(subscription.status, subscription.expiresAt, now)
  if (status !== subscription.status) await tx.query('UPDATE subscriptions SET status = ?, updated_at = ? WHERE id = ?', [status, at(now), subscriptionId])
}

const SPENDING_ORDER: Bucket[] = ['gift', 'cash', 'credit']

/**
 * A customer buys a plan on sale with the wallet: the price is taken gift first, then cash, then
 * credit, and the plan granted, in the caller's one transaction. The same idempotency key again
 * (a retried request) returns the first purchase without paying or granting twice.
 */
export async function purchasePlan(
  tx: Tx,
  input: { ownerId: string; planId: string; idempotencyKey: string; now?: Date },
): Promise<Granted & { charged: number; replayed: boolean }> {
  const plan = await readPlan(tx, input.planId)
  if (!plan || !plan.onSale) throw new PlanNotFound(input.planId)
  if (plan.price < 0) throw new Error(`Plan ${plan.id} has a negative price.`)
  // Locking the wallet first queues this customer's purchases, so a retry sees the first one's entries.
  const wallet = await lockWallet(tx, input.ownerId)
  const keyOf = (bucket: Bucket) => `plan-purchase:${input.ownerId}:${input.idempotencyKey}:${bucket}`
  const [earlier] = await tx.query(`SELECT reference_id FROM ledger_entries WHERE idempotency_key IN (?, ?, ?)`, SPENDING_ORDER.map(keyOf))
  if (earlier) return { subscriptionId: String(earlier.reference_id), extended: false, charged: 0, replayed: true }
  const split = splitCharge(wallet, plan.price)
  if (split.shortfall > 0) throw new InsufficientFunds(plan.price, available(wallet))
  const granted = await grantPlan(tx, { ownerId: input.ownerId, planId: plan.id, source: 'purchase', now: input.now })
  for (const bucket of SPENDING_ORDER) {
    if (split[bucket] === 0) continue
    await postEntry(tx, {
      ownerId: input.ownerId,
      kind: 'usage',
      bucket,
      amount: -split[bucket],
      idempotencyKey: keyOf(bucket),
      referenceType: 'subscription',
      referenceId: granted.subscriptionId,
      note: `Plan ${plan.name}`,
    })
  }
  return { ...granted, charged: plan.price, replayed: false }
}
