import type { Endpoint, PayloadRequest } from 'payload'

import { staffCan } from '../access/staff'
import { REVEAL_SEALED_KEYS } from '../collections/ProviderKeys'
import { refreshKeyBalance } from '../jobs/provider-balances'
import type { Secrets } from '../lib/secrets'
import { payloadError } from '../lib/payload-errors'


/**
 * `POST /api/provider-keys/:id/check-balance`: staff who may update provider keys refresh one
 * key's balance now instead of waiting for the hourly job, and get it back.
 */
export function checkBalanceEndpoint(secrets: Secrets): Endpoint {
  return {
    path: '/:id/check-balance',
    method: 'post',
    handler: async (req: PayloadRequest) => {
      if (!staffCan(req.user, 'provider-keys', 'update')) return payloadError(403, 'You are not allowed to perform this action.')
      const id = String(req.routeParams?.id ?? '')
      const key = await req.payload.findByID({
        collection: 'provider-keys',
        id,
        depth: 1,
        overrideAccess: true,
        disableErrors: true,
        context: { [REVEAL_SEALED_KEYS]: true },
      })
      if (!key) return payloadError(404, 'Not Found')
      const outcome = await refreshKeyBalance(req.payload, secrets, key)
      if (!outcome.reported) {
        return Response.json({ id, balance: null, balanceCurrency: null, balanceCheckedAt: null, message: 'This provider does not report a balance.' })
      }
      if (!outcome.ok) return payloadError(502, outcome.error)
      return Response.json({ id, balance: outcome.balance.amount, balanceCurrency: outcome.balance.currency, balanceCheckedAt: outcome.checkedAt })
    },
  }
}
