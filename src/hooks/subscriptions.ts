import { ValidationError, type CollectionAfterChangeHook, type CollectionBeforeChangeHook, type CollectionBeforeDeleteHook, type PayloadRequest } from 'payload'

import { announceSubscriptionChange } from '../billing/plan-coverage'
import { statusAfterExpiryEdit, statusAfterReset, termsOf, type SubscriptionStatus } from '../billing/plans'
import { inRequestTransaction } from '../db/request-transaction'
import { applyPlanResources, readPlan, resetSubscriptionCounters, syncPlan, syncPlanResource } from '../billing/subscriptions'
import { relationId } from '../lib/relation'
import type { Plan, PlanResource, Subscription } from '../payload-types'
import { recordAudit } from './audit'


function syncSummary({ updated, skipped }: { updated: number; skipped: number }) {
  return `synced ${updated} subscription${updated === 1 ? '' : 's'} (${skipped} expired or used up, skipped)`
}

/** "Apply to existing subscriptions" on a plan: its resources reach active subscriptions that lack them. */
export const syncPlanAfterChange: CollectionAfterChangeHook<Plan> = async ({ collection, data, doc, req }) => {
  if (data?.applyToSubscriptions !== true) return doc
  const result = await inRequestTransaction(req, (tx) => syncPlan(tx, { planId: doc.id }))
  await recordAudit(req, { action: 'update', collectionSlug: collection.slug, documentId: doc.id, summary: syncSummary(result) })
  return doc
}

/** The same for one plan resource, over every plan that includes it. */
export const syncPlanResourceAfterChange: CollectionAfterChangeHook<PlanResource> = async ({ collection, data, doc, req }) => {
  if (data?.applyToSubscriptions !== true) return doc
  const result = await inRequestTransaction(req, (tx) => syncPlanResource(tx, { resourceId: doc.id }))
  await recordAudit(req, { action: 'update', collectionSlug: collection.slug, documentId: doc.id, summary: syncSummary(result) })
  return doc
}

/**
 * Staff pick a customer and a plan; what they leave empty comes from the plan: its name and rate
 * limit, a start of now and an expiry one period later. Moving a subscription to another plan takes
 * that plan's name and rate limit. A moved expiry moves the status with it unless staff set the
 * status themselves.
 */
export const subscriptionTermsBeforeChange: CollectionBeforeChangeHook<Subscription> = async ({ data, operation, originalDoc, req }) => {
  const now = new Date()
  const planId = relationId(data.plan)
  if (operation === 'create' && !planId) {
    throw new ValidationError({ collection: 'subscriptions', errors: [{ path: 'plan', message: 'Choose the plan this subscription copies.' }] })
  }
  if (planId && (operation === 'create' || planId !== relationId(originalDoc?.plan))) {
    const plan = await inRequestTransaction(req, (tx) => readPlan(tx, planId))
    if (!plan) throw new ValidationError({ collection: 'subscriptions', errors: [{ path: 'plan', message: 'This plan does not exist.' }] })
    const terms = termsOf(plan, data.startsAt ? new Date(data.startsAt) : now)
    data.planName = terms.planName
    data.rateLimitRequests = terms.rateLimitRequests
    data.rateLimitHours = terms.rateLimitHours
    if (operation === 'create') {
      data.startsAt = terms.startsAt.toISOString()
      data.expiresAt ||= terms.expiresAt.toISOString()
    }
  }
  const status = (data.status ?? originalDoc?.status ?? 'active') as SubscriptionStatus
  const expiresAt = data.expiresAt ?? originalDoc?.expiresAt
  if (expiresAt && (operation === 'create' || status === originalDoc?.status)) data.status = statusAfterExpiryEdit(status, new Date(expiresAt), now)
  return data
}

/**
 * A new subscription, or one moved to another plan, gets the plan's resources; "reset counters"
 * resets them. Any edit (status, dates) may change what the customer's plans cover.
 */
export const subscriptionResourcesAfterChange: CollectionAfterChangeHook<Subscription> = async ({ data, doc, operation, previousDoc, req }) => {
  announceSubscriptionChange()
  const planId = relationId(doc.plan)
  const planChanged = planId && (operation === 'create' || planId !== relationId(previousDoc?.plan))
  const reset = operation === 'update' && data?.resetCounters === true
  if (!planChanged && !reset) return doc
  await inRequestTransaction(req, async (tx) => {
    if (planChanged) await applyPlanResources(tx, { subscriptionId: doc.id, planId })
    if (reset) await resetSubscriptionCounters(tx, doc.id)
  })
  if (reset) doc.status = statusAfterReset(doc.status, new Date(doc.expiresAt), new Date())
  return doc
}

/** A subscription's resources go with it (reservations and usage logs keep their rows, unlinked). */
export const subscriptionResourcesBeforeDelete: CollectionBeforeDeleteHook = async ({ id, req }) => {
  await inRequestTransaction(req, (tx) => tx.query('DELETE FROM subscription_resources WHERE subscription_id = ?', [String(id)]))
}
