import { lockWallet } from '../billing/ledger'
import { at, type Tx } from '../billing/sql'

/**
 * Puts the organization's tier on its account's wallet, where the relay and billing read tiers
 * (creating the empty wallet if billing has not yet). Balances are untouched. The caller announces
 * the catalog change.
 */
export async function setAccountTier(tx: Tx, accountId: string, tierId: string | null): Promise<void> {
  await lockWallet(tx, accountId)
  await tx.query('UPDATE wallets SET tier_id = ?, updated_at = ? WHERE owner_id = ?', [tierId, at(new Date()), accountId])
}
