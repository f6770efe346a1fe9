import type { Payload, TaskConfig } from 'payload'

import { REVEAL_SEALED_KEYS } from '../collections/ProviderKeys'
import type { Secrets } from '../lib/secrets'
import { toCatalogPlatform } from '../relay/catalog-loader'
import { probeProviderKey } from '../relay/probe'

/**
 * Probes every automatically disabled provider key and re-enables the ones that work again. Keys
 * disabled by hand are never touched.
 */
export async function recheckDisabledKeys(payload: Payload, secrets: Secrets, probe = probeProviderKey) {
  const { docs } = await payload.find({
    collection: 'provider-keys',
    where: { status: { equals: 'disabled-auto' } },
    context: { [REVEAL_SEALED_KEYS]: true },
    depth: 1,
    pagination: false,
    overrideAccess: true,
  })
  let reenabled = 0
  for (const key of docs) {
    const platform = typeof key.platform === 'object' ? key.platform : null
    if (!platform || !key.key) continue
    const result = await probe(
      toCatalogPlatform(platform),
      { secret: secrets.open(key.key), baseUrl: key.baseUrl ?? undefined },
    )
    const lastCheckedAt = new Date().toISOString()
    const data = result.ok
      ? { status: 'active' as const, disabledReason: null, upstreamMessage: null, lastCheckedAt }
      : { lastCheckedAt, lastError: `re-check failed: ${result.detail}`.slice(0, 500) }
    await payload.update({ collection: 'provider-keys', id: key.id, data, overrideAccess: true })
    if (result.ok) reenabled += 1
  }
  return { checked: docs.length, reenabled }
}

export function recheckProviderKeysTask(secrets: Secrets): TaskConfig<{ input: object; output: { checked: number; reenabled: number } }> {
  return {
    slug: 'recheckProviderKeys',
    label: 'Re-check automatically disabled provider keys',
    schedule: [{ cron: '*/10 * * * *', queue: 'maintenance' }],
    retries: 0,
    outputSchema: [
      { name: 'checked', type: 'number', required: true },
      { name: 'reenabled', type: 'number', required: true },
    ],
    handler: async ({ req }) => ({ output: await recheckDisabledKeys(req.payload, secrets) }),
  }
}
