import type { ModelPrices } from '../billing/pricing'
import type { PlatformKind } from './presets'
import { isWildcard, wildcardToRegExp } from './wildcard'

/**
 * The relay's in-memory view of keys, models, platforms and provider keys: built from the
 * database on start and after every change, so a request needs no database read.
 */

export type CatalogPlatform = {
  id: string
  name: string
  kind: PlatformKind
  baseUrl: string
  apiVersion?: string
  headers: Record<string, string>
  routing: 'weighted' | 'round-robin'
}

export type CatalogModel = {
  id: string
  name: string
  pattern?: RegExp
  platformIds: string[]
  upstreamName?: string
  kind: 'chat' | 'embedding' | 'image' | 'audio'
  prices: ModelPrices
}

export type CatalogProviderKey = {
  id: string
  platformId: string
  secret: string
  baseUrl?: string
  modelIds: string[]
  priority: number
  weight: number
}

export type CatalogApiKey = {
  id: string
  ownerId: string
  active: boolean
  expiresAt?: number
  models: string[]
  ipAllowList: string[]
  rpmLimit?: number
  tpmLimit?: number
  /** Set while staff have frozen the owner: the key is refused with 403 account_frozen. */
  frozen?: { reason?: string }
  /** The owner's account tier: its limits count over all the owner's keys together. */
  tier?: CatalogTier
}

export type CatalogTier = { id: string; rpm?: number; tpm?: number; priceMultiplier: number }

/** What the relay knows of an account without a key: its tier and whether it is frozen. */
export type CatalogAccount = Pick<CatalogApiKey, 'tier' | 'frozen'>

/** Rows as the loader reads them; only active platforms, models and provider keys are passed. */
export type CatalogRows = {
  platforms: CatalogPlatform[]
  models: CatalogModel[]
  providerKeys: CatalogProviderKey[]
  apiKeys: (CatalogApiKey & { fingerprint: string })[]
  accountOf?: (ownerId: string) => CatalogAccount
}

export type Catalog = {
  platforms: Map<string, CatalogPlatform>
  modelsByName: Map<string, CatalogModel>
  /** Longest pattern first, so the most specific wildcard wins. */
  wildcardModels: CatalogModel[]
  keysByPlatform: Map<string, CatalogProviderKey[]>
  apiKeys: Map<string, CatalogApiKey>
  accountOf: (ownerId: string) => CatalogAccount
}

export function buildCatalog(rows: CatalogRows): Catalog {
  const platforms = new Map(rows.platforms.map((p) => [p.id, p]))
  const modelsByName = new Map<string, CatalogModel>()
  const wildcardModels: CatalogModel[] = []
  for (const model of rows.models) {
    const platformIds = model.platformIds.filter((id) => platforms.has(id))
    if (isWildcard(model.name)) wildcardModels.push({ ...model, platformIds, pattern: wildcardToRegExp(model.name) })
    else modelsByName.set(model.name, { ...model, platformIds })
  }
  wildcardModels.sort((a, b) => b.name.length - a.name.length)
  const keysByPlatform = new Map<string, CatalogProviderKey[]>()
  for (const key of rows.providerKeys) {
    if (!platforms.has(key.platformId)) continue
    keysByPlatform.set(key.platformId, [...(keysByPlatform.get(key.platformId) ?? []), key])
  }
  const apiKeys = new Map(rows.apiKeys.map(({ fingerprint, ...key }) => [fingerprint, key]))
  return { platforms, modelsByName, wildcardModels, keysByPlatform, apiKeys, accountOf: rows.accountOf ?? (() => ({})) }
}

/**
 * The key a signed-in customer's own session acts as (the chat app): every model, any address, the
 * account's tier and frozen state, and no key id, so usage records show no API key.
 */
export function sessionKey(catalog: Catalog, ownerId: string): CatalogApiKey {
  return { id: '', ownerId, active: true, models: [], ipAllowList: [], ...catalog.accountOf(ownerId) }
}

export function findModel(catalog: Catalog, name: string): CatalogModel | undefined {
  return catalog.modelsByName.get(name) ?? catalog.wildcardModels.find((m) => m.pattern!.test(name))
}

export const EMPTY_CATALOG = buildCatalog({ platforms: [], models: [], providerKeys: [], apiKeys: [] })
