import { priceOf, settle, usageEntries, walletBill, type Bill, type Hold, type Outcome } from './holds'
import { entryRow, lockWallet, splitCharge, type Balances } from './ledger'
import { at, insertRows, num, placeholders, type Row, type Tx } from './sql'

/**
 * Settling a batch of finished requests, as plain data in and out, so it runs on whichever
 * thread holds the connection (settlement-writer.ts): each request's charge, its usage log row
 * (in the same transaction, so a log and its charge commit together) and the API keys' last use.
 * What a settlement means for the allowances in memory is decided before (allowances.ts) and
 * applied after the commit, from what this returns.
 */

export type SettlementItem = {
  /** The usage log's id, also the ledger entries' reference. */
  id: string
  hold?: Hold
  outcome: Outcome
  /** The usage log row (snake_case columns) without id and billing columns. */
  row: Row
}

/** The requests of one allowance in the batch, and whether its settlement gives the rest back. */
export type AllowanceSettlement = { allowanceId: string; ownerId: string; release: boolean; items: number[] }

export type SettlementBatch = {
  items: SettlementItem[]
  allowances: AllowanceSettlement[]
  /** API key id → when it was last used (ISO). */
  lastUse: [string, string][]
}

/**
 * Per allowance: what its row holds after the settlement, and whether the row was gone
 * (reconciled while this server stalled).
 */
export type AllowanceSettled = { remaining: number; lost: boolean }

export function billColumns(bill: Bill): Row {
  return {
    billed_to: bill.billedTo,
    subscription_id: bill.subscriptionId ?? null,
    plan_units: bill.planUnits,
    charge: bill.charge,
    cost: bill.cost,
    margin: bill.margin,
    shortfall: bill.shortfall,
  }
}

/**
 * Charges requests held on allowances: per wallet one read and one update, one ledger entry per
 * bucket a charge touched. A released allowance's row goes and the rest of its money back to the
 * wallet. Fills `bills` at the requests' indexes.
 */
async function settleAllowances(tx: Tx, batch: SettlementBatch, bills: Map<number, Bill>, done: Set<number>): Promise<AllowanceSettled[]> {
  const entries: Row[] = []
  const settled: AllowanceSettled[] = []
  const when = new Date()
  const now = at(when)
  for (const allowance of batch.allowances) {
    const { allowanceId, ownerId, release } = allowance
    const items = allowance.items.filter((i) => !done.has(i))
    const wallet = await lockWallet(tx, ownerId)
    const [row] = await tx.query('SELECT amount FROM reservations WHERE request_id = ?', [allowanceId])
    let backed = row ? num(row.amount) : 0
    const state: Balances = { ...wallet }
    let taken = 0
    for (const i of items) {
      const { hold, outcome, id } = batch.items[i]!
      const held = Math.min(hold!.amount, backed)
      const price = priceOf(outcome)
      const split = splitCharge(state, price.charge, held)
      const bill = walletBill(price, split)
      bills.set(i, bill)
      const fromAllowance = Math.min(bill.charge, held)
      backed -= fromAllowance
      taken += fromAllowance
      state.reserved -= fromAllowance
      for (const entry of usageEntries(hold!, split, id)) {
        state[entry.bucket] += entry.amount
        entries.push(entryRow(wallet.id, entry, state[entry.bucket], when))
      }
    }
    const lost = row === undefined
    if (lost) {
      // Reconciliation released it while this server stalled past its lease: nothing to give back.
    } else if (release) {
      await tx.query('DELETE FROM reservations WHERE request_id = ?', [allowanceId])
    } else {
      await tx.query('UPDATE reservations SET amount = amount - ?, updated_at = ? WHERE request_id = ?', [taken, now, allowanceId])
    }
    const released = taken + (release && !lost ? backed : 0)
    await tx.query('UPDATE wallets SET gift = ?, cash = ?, credit = ?, reserved = reserved - ?, updated_at = ? WHERE id = ?', [
      state.gift,
      state.cash,
      state.credit,
      released,
      now,
      wallet.id,
    ])
    settled.push({ remaining: lost || release ? 0 : backed, lost })
  }
  await insertRows(tx, 'ledger_entries', entries)
  return settled
}

/**
 * What the usage log already holds of the batch's requests: those a previous attempt settled (a
 * batch is tried again when its commit was not heard of: a connection lost after COMMIT, a thread
 * that died before answering; they must not be charged twice), and those reconciliation settled as
 * interrupted while this server stalled past their lease (they still get their own log).
 */
async function loggedBefore(tx: Tx, batch: SettlementBatch): Promise<{ settled: Set<number>; interrupted: Set<number> }> {
  const ids = batch.items.map((item) => String(item.row.request_id))
  const settled = new Set<number>()
  const interrupted = new Set<number>()
  if (ids.length === 0) return { settled, interrupted }
  const rows = await tx.query(`SELECT request_id, status FROM usage_logs WHERE request_id IN (${placeholders(ids.length)})`, ids)
  const ownLog = new Set(rows.filter((row) => row.status !== 'interrupted').map((row) => String(row.request_id)))
  const recoveryLog = new Set(rows.filter((row) => row.status === 'interrupted').map((row) => String(row.request_id)))
  ids.forEach((id, i) => {
    if (ownLog.has(id)) settled.add(i)
    else if (recoveryLog.has(id)) interrupted.add(i)
  })
  return { settled, interrupted }
}

/** Why a request has two usage records: the second one shows what it used, charged nothing more. */
export const SETTLED_AFTER_RECOVERY =
  'Settled after the crash recovery had charged this request for what it had delivered (its "interrupted" record); nothing more was charged.'

/** The batch in the caller's transaction; returns what each allowance settled, in the batch's order. */
export async function writeSettlement(tx: Tx, batch: SettlementBatch): Promise<AllowanceSettled[]> {
  const bills = new Map<number, Bill>()
  const { settled: done, interrupted } = await loggedBefore(tx, batch)
  const settled = await settleAllowances(tx, batch, bills, done)
  const rows: Row[] = []
  for (const [i, item] of batch.items.entries()) {
    if (done.has(i)) continue
    const bill = bills.get(i) ?? (item.hold ? await settle(tx, item.hold, item.outcome, item.id) : undefined)
    const error = interrupted.has(i) ? SETTLED_AFTER_RECOVERY : (item.row.error ?? null)
    rows.push({ id: item.id, ...item.row, error, ...(bill ? billColumns(bill) : {}), prices: item.hold ? item.outcome.prices : null })
  }
  await insertRows(tx, 'usage_logs', rows)
  // Straight to the table: a key's last use is bookkeeping, not a catalog change (no hooks, no audit).
  for (const [id, usedAt] of batch.lastUse) await tx.query('UPDATE api_keys SET last_used_at = ? WHERE id = ?', [usedAt, id])
  return settled
}
