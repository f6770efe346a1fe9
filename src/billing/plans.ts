/**
 * Plan rules: how long a period lasts, what a buyer is granted, what a renewal or a sync adds.
 * Plain functions on plain values, so every rule is tested without a database. Dates are UTC.
 */
import { matchesAny } from '../relay/wildcard'
import type { Meter } from './pricing'

export type PeriodUnit = 'days' | 'months' | 'years' | 'until-used-up'

export type SubscriptionStatus = 'active' | 'expired' | 'exhausted' | 'cancelled'

/** −1 as a limit: the covered models cost holders of the plan nothing. */
export const UNLIMITED = -1

const DAY_MS = 24 * 60 * 60 * 1000

export type PlanTerms = {
  name: string
  periodUnit: PeriodUnit
  periodLength: number
  rateLimitRequests: number | null
  rateLimitHours: number | null
}

/** One resource as the plan defines it. */
export type PlanResourceTerms = { id: string; name: string; models: string[]; meter: Meter; limit: number }

/** One resource as a subscription holds it: a copy, so later edits of the plan do not reach it. */
export type Grant = { planResourceId: string | null; name: string; models: string[]; meter: Meter; limit: number }

export function addDays(from: Date, days: number): Date {
  return new Date(from.getTime() + days * DAY_MS)
}

/**
 * Whole calendar months; a day the target month lacks becomes its last day, as customers read a
 * monthly plan bought on 31 January: it runs out at the end of February, not on 3 March.
 */
export function addMonths(from: Date, months: number): Date {
  const year = from.getUTCFullYear()
  const month = from.getUTCMonth() + months
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  const result = new Date(from.getTime())
  result.setUTCFullYear(year, month, Math.min(from.getUTCDate(), lastDay))
  return result
}

/** The end of one billing period that starts at `from`. "Until used up" still ends after a year. */
export function addPeriod(from: Date, plan: Pick<PlanTerms, 'periodUnit' | 'periodLength'>): Date {
  const length = Math.max(1, Math.trunc(plan.periodLength))
  switch (plan.periodUnit) {
    case 'days':
      return addDays(from, length)
    case 'months':
      return addMonths(from, length)
    case 'years':
      return addMonths(from, 12 * length)
    case 'until-used-up':
      return addMonths(from, 12)
  }
}

/**
 * What a buyer gets of a resource: its limit × the plan's quantity multiplier. Limits count
 * requests, tokens or characters, so the product is rounded to a whole count (which also absorbs
 * float noise such as 100 × 0.29 = 28.999…).
 */
export function grantedLimit(limit: number, multiplier: number): number {
  if (limit < 0) return UNLIMITED
  return Math.round(limit * multiplier)
}

/** A renewal or a second recharge card adds its amount; unlimited on either side stays unlimited. */
export function renewedLimit(current: number, added: number): number {
  if (current < 0 || added < 0) return UNLIMITED
  return current + added
}

export function grantOf(resource: PlanResourceTerms, multiplier: number): Grant {
  return {
    planResourceId: resource.id,
    name: resource.name,
    models: [...resource.models],
    meter: resource.meter,
    limit: grantedLimit(resource.limit, multiplier),
  }
}

/** The copy of the plan a new subscription starts with. */
export function termsOf(plan: PlanTerms, startsAt: Date) {
  return {
    planName: plan.name,
    startsAt,
    expiresAt: addPeriod(startsAt, plan),
    rateLimitRequests: plan.rateLimitRequests,
    rateLimitHours: plan.rateLimitHours,
  }
}

/** Renewing extends from the current end, so days already paid for are never lost. */
export function renewedExpiry(currentExpiry: Date, now: Date, plan: Pick<PlanTerms, 'periodUnit' | 'periodLength'>): Date {
  return addPeriod(currentExpiry > now ? currentExpiry : now, plan)
}

/** Only subscriptions still in use take part in a sync; expired or used-up ones are left as they ended. */
export function acceptsSync(subscription: { status: SubscriptionStatus; expiresAt: Date }, now: Date): boolean {
  return subscription.status === 'active' && subscription.expiresAt > now
}

/** The plan resources a subscription does not hold yet; held ones keep their limits and usage. */
export function missingResources<T extends { id: string }>(resources: readonly T[], heldPlanResourceIds: Iterable<string | null>): T[] {
  const held = new Set(heldPlanResourceIds)
  return resources.filter((resource) => !held.has(resource.id))
}

/**
 * The status after staff move the expiry: into the past ends the subscription at once, into the
 * future brings an expired one back. Exhausted and cancelled stay as they are.
 */
export function statusAfterExpiryEdit(status: SubscriptionStatus, expiresAt: Date, now: Date): SubscriptionStatus {
  if (status === 'active' && expiresAt <= now) return 'expired'
  if (status === 'expired' && expiresAt > now) return 'active'
  return status
}

/** Resetting the counters makes a used-up subscription usable again, unless its time is over. */
export function statusAfterReset(status: SubscriptionStatus, expiresAt: Date, now: Date): SubscriptionStatus {
  return status === 'exhausted' && expiresAt > now ? 'active' : status
}

/** Whether a resource pays for a model: its names or wildcards (`gpt-4o*`, `*`) match. */
export function covers(resource: Pick<Grant, 'models'>, model: string): boolean {
  return matchesAny(resource.models, model)
}

/** What is left of a resource; requests in flight hold their share until they settle. */
export function remaining(resource: { limit: number; used: number; reserved: number }): number {
  if (resource.limit < 0) return Number.POSITIVE_INFINITY
  return Math.max(0, resource.limit - resource.used - resource.reserved)
}
