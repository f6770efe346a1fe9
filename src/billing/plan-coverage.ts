import { EventEmitter } from 'node:events'

import { matchesAny } from '../relay/wildcard'
import { announceNowAndAfterCommit } from '../lib/announce'

/** What a customer's plans may cover: one row per resource of a subscription that has not expired. */
export type CoverageRow = { models: string[]; startsAt: number; expiresAt: number; hasRoom: boolean }

/** Subscription writes announce themselves here; every instance's coverage forgets what it knew. */
export const subscriptionEvents = new EventEmitter()
export const SUBSCRIPTIONS_CHANGED = 'changed'

/**
 * Called by whatever grants, renews, extends, resets or edits subscriptions. The change commits
 * after the call, so it is announced again once the commit has certainly happened.
 */
export function announceSubscriptionChange() {
  announceNowAndAfterCommit(() => subscriptionEvents.emit(SUBSCRIPTIONS_CHANGED))
}

/**
 * Which models each customer's plans may cover, kept in memory: most requests come from customers
 * no plan covers, and they go to their wallet without a query. The answer is a hint, as the query
 * it replaces was: a request a plan may cover is held on the plan in a transaction, which checks
 * again; when that finds no room, the owner's rows are read afresh (`forget`).
 *
 * Rows are kept until a subscription changes (announced here, and from other instances through
 * Redis) and at most `ttlMs`, which bounds staleness where several instances run without Redis.
 * A read that overlaps a change is not kept, so a purchase is never hidden by an older read.
 */
export function createPlanCoverage(load: (ownerId: string) => Promise<CoverageRow[]>, { ttlMs = 30_000, maxOwners = 100_000 } = {}) {
  const known = new Map<string, { rows: CoverageRow[]; until: number }>()
  let generation = 0

  async function rowsOf(ownerId: string, now: number): Promise<CoverageRow[]> {
    const kept = known.get(ownerId)
    if (kept && kept.until > now) return kept.rows
    const readAt = generation
    const rows = await load(ownerId)
    if (readAt === generation) {
      if (known.size >= maxOwners) known.clear()
      known.set(ownerId, { rows, until: now + ttlMs })
    }
    return rows
  }

  return {
    async mayCover(ownerId: string, model: string, now = Date.now()): Promise<boolean> {
      const rows = await rowsOf(ownerId, now)
      return rows.some((row) => row.hasRoom && row.startsAt <= now && row.expiresAt > now && matchesAny(row.models, model))
    },
    /** Forgets one owner's rows, or everyone's. */
    forget(ownerId?: string) {
      generation += 1
      if (ownerId === undefined) known.clear()
      else known.delete(ownerId)
    },
  }
}

export type PlanCoverage = ReturnType<typeof createPlanCoverage>
