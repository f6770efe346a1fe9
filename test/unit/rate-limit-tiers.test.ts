import { describe, expect, it } from '@jest/globals'

import { raisedTier, tierFor } from '../../src/billing/tiers'
import { ownerTiers } from '../../src/relay/catalog-loader'
import type { Tier } from '../../src/payload-types'

/** Which tier an account is in: from its cumulative top-ups, and as the relay's catalog sees it. */

const tiers = [
  { id: 'silver', threshold: 10_000_000 },
  { id: 'free', threshold: 0 },
  { id: 'gold', threshold: 100_000_000 },
]

describe('tierFor', () => {
  it('picks the highest threshold at or below the total, whatever the order of the list', () => {
    expect(tierFor(tiers, 0)?.id).toBe('free')
    expect(tierFor(tiers, 9_999_999)?.id).toBe('free')
    expect(tierFor(tiers, 10_000_000)?.id).toBe('silver')
    expect(tierFor(tiers, 99_999_999)?.id).toBe('silver')
    expect(tierFor(tiers, 5_000_000_000)?.id).toBe('gold')
  })

  it('finds none below every threshold, or without tiers', () => {
    expect(tierFor(tiers.slice(0, 1), 5)).toBeUndefined()
    expect(tierFor([], 1_000_000)).toBeUndefined()
  })

  it('returns the tier as given, with whatever else it carries', () => {
    expect(tierFor([{ id: 't', threshold: 0, rpm: 5 }], 1)).toEqual({ id: 't', threshold: 0, rpm: 5 })
  })
})

describe('raisedTier', () => {
  it('moves a wallet up to the tier its top-ups reach', () => {
    expect(raisedTier(tiers, 10_000_000, null)).toBe('silver')
    expect(raisedTier(tiers, 10_000_000, 'free')).toBe('silver')
  })

  it('leaves a wallet already in that tier', () => {
    expect(raisedTier(tiers, 20_000_000, 'silver')).toBeUndefined()
  })

  it('never moves a wallet down: a tier set by hand or earned before the thresholds rose stays', () => {
    expect(raisedTier(tiers, 20_000_000, 'gold')).toBeUndefined()
    expect(raisedTier(tiers.slice(0, 1), 0, 'gold')).toBeUndefined()
  })

  it('replaces a tier that no longer exists', () => {
    expect(raisedTier(tiers, 0, 'deleted')).toBe('free')
  })
})

describe("the catalog's tier of a key's owner", () => {
  const tier = (id: string, threshold: number | null, extra: Partial<Tier> = {}): Tier => ({
    id,
    name: id,
    threshold,
    priceMultiplier: 1,
    updatedAt: '',
    createdAt: '',
    ...extra,
  })

  it('is the tier on the owner’s wallet, with empty limits unlimited', () => {
    const of = ownerTiers([tier('gold', 100, { rpm: 30, tpm: null, priceMultiplier: 0.8 })], [{ owner: 'u1', tier: 'gold' }])
    expect(of('u1')).toEqual({ id: 'gold', rpm: 30, tpm: undefined, priceMultiplier: 0.8 })
  })

  it('is the starting tier (threshold 0) for owners whose wallet has none', () => {
    const of = ownerTiers([tier('free', null, { rpm: 3 }), tier('gold', 100)], [{ owner: 'u1', tier: 'gold' }])
    expect(of('u2')).toMatchObject({ id: 'free', rpm: 3 })
    expect(of('u1')).toMatchObject({ id: 'gold' })
  })

  it('is none without a starting tier', () => {
    expect(ownerTiers([tier('gold', 100)], [])('u1')).toBeUndefined()
  })
})
