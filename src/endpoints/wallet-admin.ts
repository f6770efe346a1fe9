import { randomUUID } from 'node:crypto'

import { addDataAndFileToRequest, type Endpoint, type PayloadRequest } from 'payload'

import { staffCan } from '../access/staff'
import { InsufficientBalance, postEntry, type Bucket } from '../billing/ledger'
import { at, sqlRunnerOf } from '../billing/sql'
import { LEDGER_BUCKETS } from '../collections/LedgerEntries'
import { recordAudit } from '../hooks/audit'
import { relationId } from '../lib/relation'
import { announceCatalogChange } from '../relay/catalog-store'
import { payloadError } from '../lib/payload-errors'


/**
 * `POST /api/ledger-entries`, which is what the admin's create form sends: staff with the money
 * permission credit or debit a wallet with an adjustment entry and a reason. The entry and the
 * wallet change commit together; a debit the bucket cannot cover changes nothing.
 */
export const adjustWalletEndpoint: Endpoint = {
  path: '/',
  method: 'post',
  handler: async (req: PayloadRequest) => {
    if (!staffCan(req.user, 'ledger-entries', 'create')) return payloadError(403, 'You are not allowed to perform this action.')
    await addDataAndFileToRequest(req)
    const data = (req.data ?? {}) as Record<string, unknown>
    const ownerId = relationId(data.owner)
    const amount = Number(data.amount)
    const bucket = data.bucket as Bucket
    const note = typeof data.note === 'string' ? data.note.trim() : ''
    if (!ownerId) return payloadError(400, 'Choose the customer whose wallet changes.')
    if (!Number.isSafeInteger(amount) || amount === 0) return payloadError(400, 'The amount is a non-zero whole number of micro-units.')
    if (!LEDGER_BUCKETS.includes(bucket)) return payloadError(400, `The bucket is one of ${LEDGER_BUCKETS.join(', ')}.`)
    if (!note) return payloadError(400, 'Give the reason for this adjustment.')
    const customer = await req.payload.find({ collection: 'users', where: { id: { equals: ownerId } }, limit: 1, depth: 0, overrideAccess: true })
    if (customer.docs.length === 0) return payloadError(400, 'That customer does not exist.')
    const idempotencyKey = `adjustment:${req.headers.get('idempotency-key') ?? randomUUID()}`
    let posted
    try {
      posted = await sqlRunnerOf(req.payload).transaction((tx) =>
        postEntry(tx, { ownerId, kind: 'adjustment', bucket, amount, idempotencyKey, referenceType: 'staff', referenceId: String(req.user!.id), actorId: String(req.user!.id), note }),
      )
    } catch (error) {
      if (error instanceof InsufficientBalance) return payloadError(400, error.message)
      throw error
    }
    if (posted.applied) {
      await recordAudit(req, {
        action: 'create',
        collectionSlug: 'ledger-entries',
        documentId: posted.id,
        changes: [
          { field: 'amount', old: null, new: amount },
          { field: 'bucket', old: null, new: bucket },
          { field: 'balanceAfter', old: posted.balanceAfter - amount, new: posted.balanceAfter },
          { field: 'note', old: null, new: note },
        ],
        summary: `adjusted the ${bucket} balance of customer ${ownerId} by ${amount}`,
      })
    }
    const doc = await req.payload.findByID({ collection: 'ledger-entries', id: posted.id, depth: 0, overrideAccess: true })
    return Response.json({ doc, message: posted.applied ? 'Ledger entry created.' : 'This adjustment was already posted.' }, { status: posted.applied ? 201 : 200 })
  },
}

/**
 * `PATCH /api/wallets/:id`, what the admin's wallet form sends: only the credit limit and the
 * tier change here, as one guarded statement, so balances the relay is moving are never written
 * back from a stale form. Lowering the limit below credit already drawn is refused.
 */
export const updateWalletEndpoint: Endpoint = {
  path: '/:id',
  method: 'patch',
  handler: async (req: PayloadRequest) => {
    if (!staffCan(req.user, 'wallets', 'update')) return payloadError(403, 'You are not allowed to perform this action.')
    await addDataAndFileToRequest(req)
    const id = String(req.routeParams?.id)
    const data = (req.data ?? {}) as Record<string, unknown>
    const before = await req.payload.findByID({ collection: 'wallets', id, depth: 0, overrideAccess: true, disableErrors: true })
    if (!before) return payloadError(404, 'Not Found')
    const creditLimit = data.creditLimit === undefined ? (before.creditLimit ?? 0) : Number(data.creditLimit)
    const tier = data.tier === undefined ? (relationId(before.tier) ?? null) : (relationId(data.tier) ?? null)
    if (!Number.isSafeInteger(creditLimit) || creditLimit < 0) return payloadError(400, 'The credit limit is a whole number of micro-units, zero or more.')
    const changed = await sqlRunnerOf(req.payload).transaction((tx) =>
      tx.query('UPDATE wallets SET credit_limit = ?, tier_id = ?, updated_at = ? WHERE id = ? AND credit + ? >= 0 RETURNING id', [
        creditLimit,
        tier,
        at(new Date()),
        id,
        creditLimit,
      ]),
    )
    if (changed.length === 0) return payloadError(400, 'The customer has drawn more credit than that limit; lower it after they repay.')
    // The tier sets the owner's limits and prices, which the relay keeps in memory.
    if (tier !== (relationId(before.tier) ?? null)) announceCatalogChange('wallets')
    const doc = await req.payload.findByID({ collection: 'wallets', id, depth: 0, overrideAccess: true })
    await recordAudit(req, {
      action: 'update',
      collectionSlug: 'wallets',
      documentId: id,
      changes: [
        { field: 'creditLimit', old: before.creditLimit ?? 0, new: creditLimit },
        { field: 'tier', old: relationId(before.tier) ?? null, new: tier },
      ].filter((c) => c.old !== c.new),
    })
    return Response.json({ doc, message: 'Wallet updated.' })
  },
}
