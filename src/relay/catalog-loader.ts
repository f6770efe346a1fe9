import type { Payload } from 'payload'

import { REVEAL_SEALED_KEYS } from '../collections/ProviderKeys'
import type { Secrets } from '../lib/secrets'
import type { Platform } from '../payload-types'
import type { CatalogPlatform, CatalogRows } from './catalog'
import type { PlatformKind } from './presets'

const ALL = { pagination: false, depth: 0, overrideAccess: true } as const

const ids = (value: unknown): string[] => (Array.isArray(value) ? value.map((v) => String(typeof v === 'object' && v ? (v as { id: unknown }).id : v)) : [])

export function toCatalogPlatform(p: Platform): CatalogPlatform {
  return {
    id: p.id,
    name: p.name,
    kind: p.kind as PlatformKind,
    baseUrl: p.baseUrl ?? '',
    apiVersion: p.apiVersion ?? undefined,
    headers: Object.fromEntries((p.extraHeaders ?? []).map((h) => [h.name.toLowerCase(), h.value])),
    routing: p.routing === 'round-robin' ? 'round-robin' : 'weighted',
  }
}

/** Reads what the relay needs from the database, opening sealed provider keys. */
export function catalogLoader(payload: Payload, secrets: Secrets): () => Promise<CatalogRows> {
  return async () => {
    const [platforms, models, providerKeys, apiKeys] = await Promise.all([
      payload.find({ collection: 'platforms', where: { status: { equals: 'active' } }, ...ALL }),
      payload.find({ collection: 'models', where: { status: { equals: 'active' } }, ...ALL }),
      payload.find({ collection: 'provider-keys', where: { status: { equals: 'active' } }, context: { [REVEAL_SEALED_KEYS]: true }, ...ALL }),
      payload.find({ collection: 'api-keys', ...ALL }),
    ])
    const opened: CatalogRows['providerKeys'] = []
    for (const key of providerKeys.docs) {
      if (!key.key) continue
      try {
        opened.push({
          id: key.id,
          platformId: String(key.platform),
          secret: secrets.open(key.key),
          baseUrl: key.baseUrl || undefined,
          modelIds: ids(key.models),
          priority: key.priority ?? 0,
          weight: key.weight ?? 1,
        })
      } catch {
        payload.logger.error(`provider key ${key.id} cannot be decrypted: was MODELGATE_ENCRYPTION_KEY changed?`)
      }
    }
    return {
      platforms: platforms.docs.map(toCatalogPlatform),
      models: models.docs.map((m) => ({
        id: m.id,
        name: m.name,
        platformIds: ids(m.platforms),
        upstreamName: m.upstreamName || undefined,
        kind: m.kind,
      })),
      providerKeys: opened,
      apiKeys: apiKeys.docs
        .filter((k) => k.fingerprint)
        .map((k) => ({
          id: k.id,
          fingerprint: k.fingerprint!,
          ownerId: String(k.owner),
          active: k.status === 'active',
          expiresAt: k.expiresAt ? Date.parse(k.expiresAt) : undefined,
          models: k.models ?? [],
          ipAllowList: k.ipAllowList ?? [],
          rpmLimit: k.rpmLimit ?? undefined,
          tpmLimit: k.tpmLimit ?? undefined,
        })),
    }
  }
}
