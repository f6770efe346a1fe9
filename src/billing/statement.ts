import { available, findWallet, type Balances } from './ledger'
import { remaining, UNLIMITED } from './plans'
import { tierFor } from './tiers'
import { at, jsonColumn, num, placeholders, type Query } from './sql'

/** What a customer sees of their account: balances, tier and the plans they can use now. */

export type ResourceSummary = {
  name: string | null
  models: string[]
  meter: string
  /** −1 = unlimited, for `limit` and `remaining` alike. */
  limit: number
  used: number
  /** Held for requests in flight. */
  reserved: number
  remaining: number
}

export type SubscriptionSummary = {
  id: string
  planId: string | null
  name: string | null
  source: string | null
  startsAt: string
  expiresAt: string
  resources: ResourceSummary[]
}

export type Statement = {
  balances: Balances & { available: number; totalTopUp: number }
  tier: { id: string; name: string; threshold: number; rpm: number | null; tpm: number | null; priceMultiplier: number } | null
  subscriptions: SubscriptionSummary[]
}

const EMPTY: Balances & { totalTopUp: number } = { gift: 0, cash: 0, credit: 0, creditLimit: 0, reserved: 0, totalTopUp: 0 }

/** ISO text on SQLite, Date objects from Postgres. */
const iso = (value: unknown): string => new Date(value as string).toISOString()
const optionalNumber = (value: unknown): number | null => (value == null ? null : num(value))

/** The wallet's tier, else the one accounts start in (threshold 0), as the relay applies it. */
async function tierOf(query: Query, tierId: string | null): Promise<Statement['tier']> {
  const tiers = (await query('SELECT id, name, threshold, rpm, tpm, price_multiplier FROM tiers')).map((t) => ({
    id: String(t.id),
    name: String(t.name),
    threshold: num(t.threshold),
    rpm: optionalNumber(t.rpm),
    tpm: optionalNumber(t.tpm),
    priceMultiplier: num(t.price_multiplier),
  }))
  return (tierId ? tiers.find((t) => t.id === tierId) : tierFor(tiers, 0)) ?? null
}

async function activeSubscriptions(query: Query, ownerId: string, now: Date): Promise<SubscriptionSummary[]> {
  const subscriptions = await query(
    `SELECT id, plan_id, plan_name, source, starts_at, expires_at FROM subscriptions
     WHERE owner_id = ? AND status = 'active' AND expires_at > ? ORDER BY expires_at, created_at`,
    [ownerId, at(now)],
  )
  if (subscriptions.length === 0) return []
  const ids = subscriptions.map((s) => String(s.id))
  const resources = await query(
    `SELECT subscription_id, name, models, meter, "limit", used, reserved FROM subscription_resources
     WHERE owner_id = ? AND subscription_id IN (${placeholders(ids.length)}) ORDER BY created_at`,
    [ownerId, ...ids],
  )
  return subscriptions.map((s) => ({
    id: String(s.id),
    planId: s.plan_id == null ? null : String(s.plan_id),
    name: s.plan_name == null ? null : String(s.plan_name),
    source: s.source == null ? null : String(s.source),
    startsAt: iso(s.starts_at),
    expiresAt: iso(s.expires_at),
    resources: resources
      .filter((r) => String(r.subscription_id) === String(s.id))
      .map((r) => {
        const amounts = { limit: num(r.limit), used: num(r.used), reserved: num(r.reserved) }
        return {
          name: r.name == null ? null : String(r.name),
          models: jsonColumn<string[]>(r.models),
          meter: String(r.meter),
          ...amounts,
          remaining: amounts.limit < 0 ? UNLIMITED : remaining(amounts),
        }
      }),
  }))
}

/** A customer who never had a wallet has zeros. */
export async function balancesOf(query: Query, ownerId: string): Promise<{ balances: Statement['balances']; tierId: string | null }> {
  const wallet = await findWallet(query, ownerId)
  const { gift, cash, credit, creditLimit, reserved, totalTopUp } = wallet ?? EMPTY
  const balances = { gift, cash, credit, creditLimit, reserved, totalTopUp }
  return { balances: { ...balances, available: available(balances) }, tierId: wallet?.tierId ?? null }
}

/** Reads only, outside any transaction: a snapshot for display. */
export async function billingStatement(query: Query, ownerId: string, now = new Date()): Promise<Statement> {
  const { balances, tierId } = await balancesOf(query, ownerId)
  return { balances, tier: await tierOf(query, tierId), subscriptions: await activeSubscriptions(query, ownerId, now) }
}

/** What the customer's usage has cost, in micro-units: all of it, or from `from` up to (not including) `to`. */
export async function totalCharged(query: Query, ownerId: string, window: { from?: Date; to?: Date } = {}): Promise<number> {
  const conditions = ['owner_id = ?']
  const params: unknown[] = [ownerId]
  if (window.from) {
    conditions.push('created_at >= ?')
    params.push(at(window.from))
  }
  if (window.to) {
    conditions.push('created_at < ?')
    params.push(at(window.to))
  }
  const [row] = await query(`SELECT COALESCE(SUM(charge), 0) AS total FROM usage_logs WHERE ${conditions.join(' AND ')}`, params)
  return num(row?.total)
}
