import type { Endpoint, PayloadRequest } from 'payload'

import { staffCan } from '../access/staff'
import { CodeRejected, insertBatch, parseBatch, type BatchInput } from '../billing/codes'
import { sqlRunnerOf } from '../billing/sql'
import { recordAudit } from '../hooks/audit'
import { payloadError } from '../lib/payload-errors'

/** The batch as the audit entry shows it: what every code of it gives. */
function batchChanges(input: BatchInput, count: number) {
  const { kind, ...benefit } = input.benefit
  const fields: Record<string, unknown> = { batch: input.batch, count, kind, ...benefit, expiresAt: input.expiresAt?.toISOString() ?? null }
  return Object.entries(fields).map(([field, value]) => ({ field, old: null, new: value }))
}

/**
 * `POST /api/redemption-codes/generate` {count, kind, amount | plan | requests + validityDays,
 * expiresAt?, batch?}: a batch of codes for staff who may create them, answered with the codes so
 * they can be handed out (or exported later by batch).
 */
export const generateCodesEndpoint: Endpoint = {
  path: '/generate',
  method: 'post',
  handler: async (req: PayloadRequest) => {
    if (!staffCan(req.user, 'redemption-codes', 'create')) return payloadError(403, 'You are not allowed to perform this action.')
    const input = parseBatch(await req.json?.().catch(() => undefined))
    if (typeof input === 'string') return payloadError(400, input)
    let codes: string[]
    try {
      codes = await sqlRunnerOf(req.payload).transaction((tx) => insertBatch(tx, input))
    } catch (error) {
      if (error instanceof CodeRejected) return payloadError(400, error.message)
      throw error
    }
    await recordAudit(req, {
      action: 'create',
      collectionSlug: 'redemption-codes',
      changes: batchChanges(input, codes.length),
      summary: `generated ${codes.length} codes in batch ${input.batch}`,
    })
    return Response.json({ batch: input.batch, count: codes.length, codes }, { status: 201 })
  },
}
