import { APIError, type CollectionBeforeDeleteHook } from 'payload'

import { num, sqlRunnerOf } from '../billing/sql'

/**
 * A customer with money history stays: their wallet, ledger and subscriptions are the record
 * that every balance can be re-derived from, and deleting the customer would orphan or lose it.
 */
export const keepCustomersWithBillingHistory: CollectionBeforeDeleteHook = async ({ id, req }) => {
  const [row] = await sqlRunnerOf(req.payload).query(
    'SELECT (SELECT COUNT(*) FROM wallets WHERE owner_id = ?) + (SELECT COUNT(*) FROM subscriptions WHERE owner_id = ?) AS n',
    [String(id), String(id)],
  )
  if (num(row?.n) > 0) {
    throw new APIError('This customer has a wallet or subscriptions, which are kept as billing records; disable the account instead of deleting it.', 409, undefined, true)
  }
}
