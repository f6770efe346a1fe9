import { randomUUID } from 'node:crypto'

import type { LEDGER_BUCKETS, LEDGER_KINDS } from '../collections/LedgerEntries'
import { timeOrderedId } from '../lib/ids'
import { announceCatalogChange } from '../relay/catalog-store'
import { at, insertRows, num, type Row, type Tx } from './sql'
import { refreshTier } from './tiers'

export type LedgerKind = (typeof LEDGER_KINDS)[number]
export type Bucket = (typeof LEDGER_BUCKETS)[number]
export type ReferenceType = 'order' | 'usage' | 'code' | 'staff' | 'subscription' | 'registration'

export type Balances = { gift: number; cash: number; credit: number; creditLimit: number; reserved: number }

export type WalletRow = Balances & { id: string; ownerId: string; totalTopUp: number; tierId: string | null }

export type EntryInput = {
  ownerId: string
  kind: LedgerKind
  bucket: Bucket
  /** Signed micro-units: positive credits the bucket, negative debits it. */
  amount: number
  /** The same key twice posts once: a retried callback or a double click changes nothing. */
  idempotencyKey: string
  referenceType?: ReferenceType
  referenceId?: string
  actorId?: string
  note?: string
}

export type PostedEntry = { id: string; walletId: string; balanceAfter: number; applied: boolean }

export class InsufficientBalance extends Error {
  constructor(readonly bucket: Bucket, readonly amount: number) {
    super(`The wallet's ${bucket} balance cannot cover ${-amount} micro-units.`)
  }
}

/** What can still be spent: every bucket plus the unused credit line, minus what requests hold. */
export function available(b: Balances): number {
  return b.gift + b.cash + b.creditLimit + b.credit - b.reserved
}

/**
 * Splits a charge over the buckets in spending order: gift, then cash, then credit. Whatever the
 * buckets (plus `held`, already set aside for this charge) cannot cover is the shortfall.
 */
export function splitCharge(b: Balances, amount: number, held = 0) {
  const payable = Math.min(amount, Math.max(0, available(b) + held))
  const gift = Math.min(Math.max(b.gift, 0), payable)
  const cash = Math.min(Math.max(b.cash, 0), payable - gift)
  const credit = payable - gift - cash
  return { gift, cash, credit, shortfall: amount - payable }
}

const WALLET_COLUMNS = 'id, owner_id, gift, cash, credit, credit_limit, reserved, total_top_up, tier_id'

function toWallet(row: Record<string, unknown>): WalletRow {
  return {
    id: String(row.id),
    ownerId: String(row.owner_id),
    gift: num(row.gift),
    cash: num(row.cash),
    credit: num(row.credit),
    creditLimit: num(row.credit_limit),
    reserved: num(row.reserved),
    totalTopUp: num(row.total_top_up),
    tierId: row.tier_id == null ? null : String(row.tier_id),
  }
}

/** The customer's wallet, created empty on first use; locked for the rest of the transaction. */
export async function lockWallet(tx: Tx, ownerId: string): Promise<WalletRow> {
  const select = `SELECT ${WALLET_COLUMNS} FROM wallets WHERE owner_id = ?${tx.forUpdate}`
  const [found] = await tx.query(select, [ownerId])
  if (found) return toWallet(found)
  const now = at(new Date())
  await tx.query(
    `INSERT INTO wallets (id, owner_id, gift, cash, credit, credit_limit, reserved, total_top_up, created_at, updated_at)
     VALUES (?, ?, 0, 0, 0, 0, 0, 0, ?, ?) ON CONFLICT (owner_id) DO NOTHING`,
    [randomUUID(), ownerId, now, now],
  )
  const [created] = await tx.query(select, [ownerId])
  return toWallet(created!)
}

export async function findWallet(query: Tx['query'], ownerId: string): Promise<WalletRow | undefined> {
  const [row] = await query(`SELECT ${WALLET_COLUMNS} FROM wallets WHERE owner_id = ?`, [ownerId])
  return row ? toWallet(row) : undefined
}

/** A ledger row as stored (snake_case columns), for one insert or a multi-row one. */
export function entryRow(walletId: string, entry: EntryInput, balanceAfter: number, when = new Date()): Row {
  return {
    id: timeOrderedId(),
    owner_id: entry.ownerId,
    wallet_id: walletId,
    kind: entry.kind,
    bucket: entry.bucket,
    amount: entry.amount,
    balance_after: balanceAfter,
    reference_type: entry.referenceType ?? null,
    reference_id: entry.referenceId ?? null,
    idempotency_key: entry.idempotencyKey,
    actor_id: entry.actorId ?? null,
    note: entry.note ?? null,
    created_at: at(when),
    updated_at: at(when),
  }
}

/** Inserts the ledger row; the wallet has already moved in the same transaction. */
export async function insertEntry(tx: Tx, walletId: string, entry: EntryInput, balanceAfter: number, when = new Date()): Promise<string> {
  const row = entryRow(walletId, entry, balanceAfter, when)
  await insertRows(tx, 'ledger_entries', [row])
  return String(row.id)
}

/**
 * Moves one bucket of a wallet and records why, in the caller's transaction. A debit never takes
 * a bucket below zero (credit: below minus the credit limit) nor touches money held for requests
 * in flight. Posting an idempotency key that was already posted returns that entry unchanged.
 */
export async function postEntry(tx: Tx, entry: EntryInput): Promise<PostedEntry> {
  if (!Number.isSafeInteger(entry.amount)) throw new Error('A ledger amount is a whole number of micro-units.')
  const [existing] = await tx.query('SELECT id, wallet_id, balance_after FROM ledger_entries WHERE idempotency_key = ?', [entry.idempotencyKey])
  if (existing) return { id: String(existing.id), walletId: String(existing.wallet_id), balanceAfter: num(existing.balance_after), applied: false }
  const wallet = await lockWallet(tx, entry.ownerId)
  const after = wallet[entry.bucket] + entry.amount
  if (entry.amount < 0) {
    const floor = entry.bucket === 'credit' ? -wallet.creditLimit : 0
    if (after < floor || available(wallet) + entry.amount < 0) throw new InsufficientBalance(entry.bucket, entry.amount)
  }
  const topUp = entry.kind === 'top-up' ? entry.amount : 0
  await tx.query(`UPDATE wallets SET ${entry.bucket} = ${entry.bucket} + ?, total_top_up = total_top_up + ?, updated_at = ? WHERE id = ?`, [
    entry.amount,
    topUp,
    at(new Date()),
    wallet.id,
  ])
  const id = await insertEntry(tx, wallet.id, entry, after)
  // A top-up can reach a higher tier, whose limits and prices the relay keeps in memory.
  if (topUp > 0 && (await refreshTier(tx, entry.ownerId))) announceCatalogChange('wallets')
  return { id, walletId: wallet.id, balanceAfter: after, applied: true }
}

/** Per bucket, the sum of a wallet's entries: what its balances must equal. */
export async function ledgerTotals(query: Tx['query'], walletId: string): Promise<Record<Bucket, number>> {
  const rows = await query('SELECT bucket, SUM(amount) AS total FROM ledger_entries WHERE wallet_id = ? GROUP BY bucket', [walletId])
  const totals: Record<Bucket, number> = { gift: 0, cash: 0, credit: 0 }
  for (const row of rows) totals[row.bucket as Bucket] = num(row.total)
  return totals
}
