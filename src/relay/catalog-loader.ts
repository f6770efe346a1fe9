import type { Payload } from 'payload'

import { REVEAL_SEALED_KEYS } from '../collections/ProviderKeys'
import type { Secrets } from '../lib/secrets'
import type { ModelPrices } from '../billing/pricing'
import { tierFor } from '../billing/tiers'
import type { Model, Platform, Tier, Wallet } from '../payload-types'
import type { CatalogPlatform, CatalogRows, CatalogTier } from './catalog'
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

/** Empty prices are zero and empty multipliers one, so an unpriced model is free. */
export function modelPrices(m: Model): ModelPrices {
  return {
    input: m.inputPrice ?? 0,
    output: m.outputPrice ?? 0,
    cachedInput: m.cachedInputPrice ?? 0,
    request: m.requestPrice ?? 0,
    characters: m.characterPrice ?? 0,
    supplierCost: m.supplierCost ?? 0,
    inputMultiplier: m.inputMultiplier ?? 1,
    outputMultiplier: m.outputMultiplier ?? 1,
  }
}

/**
 * Each owner's tier: the one set on their wallet, else the tier an account starts in (threshold 0),
 * so limits meant for new accounts hold before their first top-up.
 */
export function ownerTiers(tiers: Tier[], wallets: Pick<Wallet, 'owner' | 'tier'>[]): (ownerId: string) => CatalogTier | undefined {
  const byId = new Map(
    tiers.map((t) => [t.id, { id: t.id, rpm: t.rpm ?? undefined, tpm: t.tpm ?? undefined, priceMultiplier: t.priceMultiplier ?? 1 }]),
  )
  const byOwner = new Map(wallets.map((w) => [String(w.owner), byId.get(String(w.tier))]))
  const starting = tierFor(tiers.map((t) => ({ id: t.id, threshold: t.threshold ?? 0 })), 0)
  return (ownerId) => byOwner.get(ownerId) ?? (starting && byId.get(starting.id))
}

/** Reads what the relay needs from the database, opening sealed provider keys. */
export function catalogLoader(payload: Payload, secrets: Secrets): () => Promise<CatalogRows> {
  return async () => {
    const [platforms, models, providerKeys, apiKeys, tiers, tieredWallets, frozenOwners] = await Promise.all([
      payload.find({ collection: 'platforms', where: { status: { equals: 'active' } }, ...ALL }),
      payload.find({ collection: 'models', where: { status: { equals: 'active' } }, ...ALL }),
      payload.find({ collection: 'provider-keys', where: { status: { equals: 'active' } }, context: { [REVEAL_SEALED_KEYS]: true }, ...ALL }),
      payload.find({ collection: 'api-keys', ...ALL }),
      payload.find({ collection: 'tiers', ...ALL }),
      payload.find({ collection: 'wallets', where: { tier: { exists: true } }, select: { owner: true, tier: true }, ...ALL }),
      payload.find({ collection: 'users', where: { frozen: { equals: true } }, select: { frozenReason: true }, ...ALL }),
    ])
    const frozen = new Map(frozenOwners.docs.map((u) => [String(u.id), { reason: u.frozenReason || undefined }]))
    const tierOf = ownerTiers(tiers.docs, tieredWallets.docs)
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
      accountOf: (ownerId) => ({ tier: tierOf(ownerId), frozen: frozen.get(ownerId) }),
      platforms: platforms.docs.map(toCatalogPlatform),
      models: models.docs.map((m) => ({
        id: m.id,
        name: m.name,
        platformIds: ids(m.platforms),
        upstreamName: m.upstreamName || undefined,
        kind: m.kind,
        prices: modelPrices(m),
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
          tier: tierOf(String(k.owner)),
          frozen: frozen.get(String(k.owner)),
        })),
    }
  }
}
