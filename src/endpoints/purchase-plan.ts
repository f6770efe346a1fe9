import { randomUUID } from 'node:crypto'

import type { Endpoint, PayloadRequest } from 'payload'

import { isCustomer } from '../access/staff'
import { InsufficientBalance } from '../billing/ledger'
import { sqlRunnerOf } from '../billing/sql'
import { InsufficientFunds, PlanNotFound, purchasePlan } from '../billing/subscriptions'
import { payloadError } from '../lib/payload-errors'

const MAX_KEY_LENGTH = 200


/**
 * `POST /api/plans/:id/purchase`: a signed-in customer buys a plan on sale with their balance. An
 * `Idempotency-Key` header makes a retry return the first purchase instead of buying again.
 */
export const purchasePlanEndpoint: Endpoint = {
  path: '/:id/purchase',
  method: 'post',
  handler: async (req: PayloadRequest) => {
    if (!req.user) return payloadError(401, 'Sign in to buy a plan.')
    if (!isCustomer(req.user)) return payloadError(403, 'Only customer accounts buy plans.')
    const idempotencyKey = req.headers.get('idempotency-key')?.trim() || randomUUID()
    if (idempotencyKey.length > MAX_KEY_LENGTH) return payloadError(400, `The Idempotency-Key header is longer than ${MAX_KEY_LENGTH} characters.`)
    const ownerId = String(req.user.id)
    const planId = String(req.routeParams?.id ?? '')
    try {
      const result = await sqlRunnerOf(req.payload).transaction((tx) => purchasePlan(tx, { ownerId, planId, idempotencyKey }))
      return Response.json(result, { status: result.replayed ? 200 : 201 })
    } catch (error) {
      if (error instanceof InsufficientFunds || error instanceof InsufficientBalance) return payloadError(402, error.message)
      if (error instanceof PlanNotFound) return payloadError(404, error.message)
      throw error
    }
  },
}
