import type { Payload, TaskConfig } from 'payload'

import { REVEAL_SEALED_KEYS } from '../collections/ProviderKeys'
import type { Secrets } from '../lib/secrets'
import type { ProviderKey } from '../payload-types'
import { balanceSource, fetchBalance, type Balance } from '../relay/balances'
import { toCatalogPlatform } from '../relay/catalog-loader'

export type BalanceOutcome =
  | { reported: false }
  | { reported: true; ok: true; balance: Balance; checkedAt: string }
  | { reported: true; ok: false; error: string }

/**
 * Asks the provider for one key's balance and stores it. A failure keeps the balance last seen and
 * is noted in lastError. Written straight to the database: a balance is bookkeeping, not a catalog
 * change, so the relay does not rebuild for it.
 *
 * @param key read with its platform (depth 1) and its sealed secret revealed
 */
export async function refreshKeyBalance(payload: Payload, secrets: Secrets, key: ProviderKey): Promise<BalanceOutcome> {
  const platform = typeof key.platform === 'object' ? key.platform : null
  const source = platform && balanceSource(platform, key.baseUrl)
  if (!platform || !source) return { reported: false }
  const checkedAt = new Date().toISOString()
  let balance: Balance
  try {
    if (!key.key) throw new Error('no key is stored')
    balance = await fetchBalance(source, secrets.open(key.key), toCatalogPlatform(platform).headers)
  } catch (error) {
    const message = `balance check failed: ${(error as Error).message}`.slice(0, 500)
    await payload.db.updateOne({ collection: 'provider-keys', id: key.id, data: { lastError: message, lastErrorAt: checkedAt } })
    return { reported: true, ok: false, error: message }
  }
  await payload.db.updateOne({
    collection: 'provider-keys',
    id: key.id,
    data: { balance: balance.amount, balanceCurrency: balance.currency, balanceCheckedAt: checkedAt },
  })
  return { reported: true, ok: true, balance, checkedAt }
}

/** Refreshes the balance of every active key whose provider reports one. */
export async function checkProviderBalances(payload: Payload, secrets: Secrets) {
  const { docs } = await payload.find({
    collection: 'provider-keys',
    where: { status: { equals: 'active' } },
    context: { [REVEAL_SEALED_KEYS]: true },
    depth: 1,
    pagination: false,
    overrideAccess: true,
  })
  let checked = 0
  let failed = 0
  for (const key of docs) {
    const outcome = await refreshKeyBalance(payload, secrets, key)
    if (!outcome.reported) continue
    checked += 1
    if (!outcome.ok) failed += 1
  }
  return { checked, failed }
}

export function checkProviderBalancesTask(secrets: Secrets): TaskConfig<{ input: object; output: { checked: number; failed: number } }> {
  return {
    slug: 'checkProviderBalances',
    label: "Check provider keys' balances",
    schedule: [{ cron: '0 * * * *', queue: 'maintenance' }],
    retries: 0,
    outputSchema: [
      { name: 'checked', type: 'number', required: true },
      { name: 'failed', type: 'number', required: true },
    ],
    handler: async ({ req }) => ({ output: await checkProviderBalances(req.payload, secrets) }),
  }
}
