import type { CollectionAfterChangeHook, Payload, PayloadRequest } from 'payload'

import { inRequestTransaction } from '../db/request-transaction'
import { relationId } from '../lib/relation'
import { lockWallet, postEntry } from './ledger'
import type { Tx } from './sql'
import { grantPlan, grantRequests } from './subscriptions'

/** What a new customer gets, as the billing settings and the plans say at the time. */
export type Welcome = {
  trialRequests: number
  trialDays: number
  trialAmount: number
  /** The settings' gift plan and every plan given on registration, each once. */
  planIds: string[]
}

const givesNothing = (w: Welcome) => w.trialAmount <= 0 && w.trialRequests <= 0 && w.planIds.length === 0

/**
 * Gives a new customer their trial, trial money and registration plans, in the caller's
 * transaction. Running it again for the same customer changes nothing: the trial money has its own
 * idempotency key, and the subscriptions are skipped once any trial or registration subscription
 * exists (the wallet lock keeps two runs from both finding none). With nothing to give it writes
 * nothing, not even a wallet: billing creates that on first use.
 */
export async function welcomeCustomer(tx: Tx, ownerId: string, welcome: Welcome, now = new Date()): Promise<void> {
  if (givesNothing(welcome)) return
  await lockWallet(tx, ownerId)
  if (welcome.trialAmount > 0) {
    await postEntry(tx, {
      ownerId,
      kind: 'trial',
      bucket: 'gift',
      amount: welcome.trialAmount,
      idempotencyKey: `trial:${ownerId}`,
      referenceType: 'registration',
      referenceId: ownerId,
      note: 'Free trial',
    })
  }
  const [welcomed] = await tx.query(`SELECT id FROM subscriptions WHERE owner_id = ? AND source IN ('trial', 'registration')`, [ownerId])
  if (welcomed) return
  if (welcome.trialRequests > 0) {
    await grantRequests(tx, { ownerId, requests: welcome.trialRequests, days: welcome.trialDays, source: 'trial', name: 'Free trial', now })
  }
  for (const planId of welcome.planIds) await grantPlan(tx, { ownerId, planId, source: 'registration', now })
}

/** The settings and plans as they are now; `req` keeps the reads in the request's transaction. */
export async function readWelcome(payload: Payload, req?: PayloadRequest): Promise<Welcome> {
  const settings = await payload.findGlobal({ slug: 'billing-settings', depth: 0, req })
  const given = await payload.find({ collection: 'plans', where: { givenOnRegistration: { equals: true } }, depth: 0, pagination: false, req })
  const gift = relationId(settings.giftPlan)
  return {
    trialRequests: settings.trialRequests ?? 0,
    trialDays: settings.trialDays ?? 7,
    trialAmount: settings.trialAmount ?? 0,
    planIds: [...new Set([...(gift ? [gift] : []), ...given.docs.map((plan) => String(plan.id))])],
  }
}

/**
 * A new customer's welcome, in the request's transaction on Postgres: the account and its welcome
 * are created together or not at all. (SQLite runs Payload without transactions: there a failed
 * welcome leaves the account without it, and the request answers with the error.)
 */
export const welcomeNewCustomer: CollectionAfterChangeHook = async ({ doc, operation, req }) => {
  // An organization's account is a wallet, not a newcomer: trials and gifts are for people.
  if (operation !== 'create' || doc.accountType === 'organization') return doc
  const welcome = await readWelcome(req.payload, req)
  await inRequestTransaction(req, (tx) => welcomeCustomer(tx, String(doc.id), welcome))
  return doc
}
