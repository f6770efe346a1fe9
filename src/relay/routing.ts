import type { Catalog, CatalogModel, CatalogPlatform, CatalogProviderKey } from './catalog'

/** One way to serve a request: a platform, and the provider key to use there (none for the demo). */
export type Candidate = {
  platform: CatalogPlatform
  providerKey: CatalogProviderKey | null
  baseUrl: string
  upstreamModel: string
}

export type RoutingState = {
  isCooling(keyId: string, now: number): boolean
  /** Round-robin position per tier; a plain Map works. */
  turns: Map<string, number>
}

/** Orders items by weighted random sampling without replacement. */
function weightedShuffle<T>(items: T[], weightOf: (t: T) => number, random: () => number): T[] {
  const pool = [...items]
  const out: T[] = []
  while (pool.length) {
    const total = pool.reduce((sum, item) => sum + Math.max(weightOf(item), 0), 0)
    let pick = 0
    if (total > 0) {
      let r = random() * total
      pick = pool.findIndex((item) => (r -= Math.max(weightOf(item), 0)) < 0)
      if (pick < 0) pick = pool.length - 1
    }
    out.push(pool.splice(pick, 1)[0]!)
  }
  return out
}

function rotate<T>(items: T[], turns: Map<string, number>, tierId: string): T[] {
  const turn = turns.get(tierId) ?? 0
  turns.set(tierId, turn + 1)
  const start = turn % items.length
  return [...items.slice(start), ...items.slice(0, start)]
}

type KeyChoice = { key: CatalogProviderKey; platform: CatalogPlatform; specific: boolean }

/**
 * The keys to try, in order: keys dedicated to the model first, then by priority (higher first);
 * within one tier weighted random, or round-robin when the platform asks for it. Keys in
 * cool-down are left out.
 */
export function orderCandidates(
  catalog: Catalog,
  model: CatalogModel,
  requestedName: string,
  state: RoutingState,
  now = Date.now(),
  random: () => number = Math.random,
): Candidate[] {
  // A wildcard model sends the name that was asked for; a mapped model its upstream name.
  const upstreamModel = model.upstreamName || requestedName
  const candidates: Candidate[] = []
  const choices: KeyChoice[] = []
  for (const platformId of model.platformIds) {
    const platform = catalog.platforms.get(platformId)!
    if (platform.kind === 'demo') {
      candidates.push({ platform, providerKey: null, baseUrl: '', upstreamModel })
      continue
    }
    for (const key of catalog.keysByPlatform.get(platformId) ?? []) {
      const specific = key.modelIds.includes(model.id)
      if ((key.modelIds.length === 0 || specific) && !state.isCooling(key.id, now)) choices.push({ key, platform, specific })
    }
  }

  // Tiers: dedicated keys first, then higher priority first (a stable sort keeps the catalog's order within one).
  choices.sort((a, b) => Number(b.specific) - Number(a.specific) || b.key.priority - a.key.priority)
  for (let start = 0, end = 0; start < choices.length; start = end) {
    const first = choices[start]!
    end = start + 1
    while (end < choices.length && choices[end]!.specific === first.specific && choices[end]!.key.priority === first.key.priority) end++
    const tier = choices.slice(start, end)
    const ordered =
      tier.length === 1
        ? tier
        : tier.every((c) => c.platform.routing === 'round-robin')
          ? rotate(tier, state.turns, `${model.id}|${first.specific ? 0 : 1}:${-first.key.priority}`)
          : weightedShuffle(tier, (c) => c.key.weight, random)
    for (const { key, platform } of ordered) {
      candidates.push({ platform, providerKey: key, baseUrl: key.baseUrl || platform.baseUrl, upstreamModel })
    }
  }
  return candidates
}
