import { at, num, type Tx } from './sql'

/**
 * Account tiers: a customer's cumulative top-ups decide their tier, whose limits and price
 * multiplier the relay applies to all their keys. Individuals get theirs automatically here, when
 * a top-up is posted. Organizations get theirs by hand (staff set it on the organization, see
 * src/organizations/tier.ts), and a top-up leaves it as it is. Whatever sets a wallet's tier must
 * call `announceCatalogChange('wallets')` after its commit, as refreshTier's callers do.
 */

export type TierThreshold = { id: string; threshold: number }

/** The tier a total of top-ups reaches: the highest threshold at or below it (none below every threshold). */
export function tierFor<T extends TierThreshold>(tiers: readonly T[], totalTopUp: number): T | undefined {
  let best: T | undefined
  for (const tier of tiers) {
    if (tier.threshold <= totalTopUp && (!best || tier.threshold > best.threshold)) best = tier
  }
  return best
}

/**
 * The tier a wallet moves to, or undefined when it stays. A top-up only ever raises a tier: a
 * customer who pays more never loses limits, whether their tier was set by hand or earned before
 * staff raised the thresholds.
 */
export function raisedTier(tiers: readonly TierThreshold[], totalTopUp: number, currentTierId: string | null): string | undefined {
  const reached = tierFor(tiers, totalTopUp)
  if (!reached || reached.id === currentTierId) return undefined
  const current = tiers.find((t) => t.id === currentTierId)
  return current && current.threshold >= reached.threshold ? undefined : reached.id
}

/**
 * Sets an individual's wallet to the tier its total of top-ups reaches, in the caller's
 * transaction (after the top-up was posted there); an organization's stays as staff set it. Returns whether the tier changed: if so, the relay's
 * catalog must be rebuilt (`announceCatalogChange('wallets')`).
 */
export async function refreshTier(tx: Tx, ownerId: string): Promise<boolean> {
  const [owner] = await tx.query('SELECT account_type FROM users WHERE id = ?', [ownerId])
  if (owner?.account_type === 'organization') return false
  const [wallet] = await tx.query(`SELECT id, total_top_up, tier_id FROM wallets WHERE owner_id = ?${tx.forUpdate}`, [ownerId])
  if (!wallet) return false
  const tiers = (await tx.query('SELECT id, threshold FROM tiers')).map((t) => ({ id: String(t.id), threshold: num(t.threshold) }))
  const next = raisedTier(tiers, num(wallet.total_top_up), wallet.tier_id == null ? null : String(wallet.tier_id))
  if (!next) return false
  await tx.query('UPDATE wallets SET tier_id = ?, updated_at = ? WHERE id = ?', [next, at(new Date()), wallet.id])
  return true
}
