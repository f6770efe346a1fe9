/**
 * Referral rewards: a referrer earns once, on their referee's first paid order, into their gift
 * balance through the ledger; optionally only after staff approve it.
 */
import { randomUUID } from 'node:crypto'

import { postEntry } from '../billing/ledger'
import { at, num, type Tx } from '../billing/sql'
import type { OrderRow } from './orders'

export type ReferralRule = { kind: 'none' | 'fixed' | 'percent'; amount: number; percent: number; requireApproval: boolean }

/** Micro-units a referrer earns on `payable`; percentages round down. */
export function rewardFor(rule: ReferralRule, payable: number): number {
  if (rule.kind === 'fixed') return Math.max(0, rule.amount)
  if (rule.kind === 'percent') return Math.max(0, Math.floor((payable * rule.percent) / 100))
  return 0
}

async function payReward(tx: Tx, reward: { id: string; ownerId: string; refereeId: string; amount: number }) {
  await postEntry(tx, {
    ownerId: reward.ownerId,
    kind: 'voucher',
    bucket: 'gift',
    amount: reward.amount,
    idempotencyKey: `referral:${reward.id}`,
    referenceType: 'order',
    note: 'Referral reward',
  })
}

/** Called as an order is paid: records (and unless approval is needed, pays) the referrer's reward once. */
export async function rewardReferrer(tx: Tx, input: { order: OrderRow; rule: ReferralRule; now?: Date }): Promise<void> {
  const { order, rule } = input
  const amount = rewardFor(rule, order.payable)
  if (amount <= 0) return
  const [user] = await tx.query('SELECT referred_by_id FROM users WHERE id = ?', [order.ownerId])
  if (!user?.referred_by_id) return
  const [earlier] = await tx.query(`SELECT id FROM orders WHERE owner_id = ? AND id <> ? AND paid_at IS NOT NULL LIMIT 1`, [order.ownerId, order.id])
  if (earlier) return
  const now = input.now ?? new Date()
  const reward = { id: randomUUID(), ownerId: String(user.referred_by_id), refereeId: order.ownerId, amount }
  const [inserted] = await tx.query(
    `INSERT INTO referral_rewards (id, owner_id, referee_id, order_id, amount, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (referee_id) DO NOTHING RETURNING id`,
    [reward.id, reward.ownerId, reward.refereeId, order.id, amount, rule.requireApproval ? 'pending' : 'paid', at(now), at(now)],
  )
  if (inserted && !rule.requireApproval) await payReward(tx, reward)
}

/** Staff approve (pay) or reject a pending reward; a decided reward stays as it is. */
export async function decideReward(tx: Tx, input: { rewardId: string; approve: boolean; now?: Date }): Promise<boolean> {
  const now = input.now ?? new Date()
  const [row] = await tx.query(
    `UPDATE referral_rewards SET status = ?, updated_at = ? WHERE id = ? AND status = 'pending' RETURNING id, owner_id, referee_id, amount`,
    [input.approve ? 'paid' : 'rejected', at(now), input.rewardId],
  )
  if (!row) return false
  if (input.approve) await payReward(tx, { id: String(row.id), ownerId: String(row.owner_id), refereeId: String(row.referee_id), amount: num(row.amount) })
  return true
}
