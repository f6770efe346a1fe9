import { randomBytes, randomUUID } from 'node:crypto'

import { relationId } from '../lib/relation'
import { postEntry } from './ledger'
import { at, insertRows, num, type Tx } from './sql'
import { grantPlan, grantRequests, PlanNotFound, readPlan } from './subscriptions'

/**
 * Redemption codes: generated in batches, redeemed once. Plain functions over the caller's
 * transaction; the endpoints and the collection's hooks are thin wrappers around them.
 */

/** No 0/O or 1/I: codes are read off cards and typed by hand. 32 symbols, so a byte & 31 is unbiased. */
export const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'
const GROUPS = 4
const GROUP_LENGTH = 4
const CODE_LENGTH = GROUPS * GROUP_LENGTH
const GENERATED = new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`)

export const MAX_BATCH = 10_000

export type CodeKind = 'balance' | 'plan' | 'requests'

/** What a code gives: money on the gift balance, a plan, or N requests for some days. */
export type Benefit =
  | { kind: 'balance'; amount: number }
  | { kind: 'plan'; planId: string }
  | { kind: 'requests'; requests: number; validityDays: number }

export type BatchInput = { count: number; batch: string; expiresAt: Date | null; benefit: Benefit }

/** A refusal the customer or staff member can act on; nothing was written. */
export class CodeRejected extends Error {}

function group(symbols: string): string {
  return symbols.match(new RegExp(`.{${GROUP_LENGTH}}`, 'g'))!.join('-')
}

/** 16 symbols, 80 random bits, shown as XXXX-XXXX-XXXX-XXXX. */
export function generateCode(): string {
  let symbols = ''
  for (const byte of randomBytes(CODE_LENGTH)) symbols += CODE_ALPHABET[byte & 31]
  return group(symbols)
}

/** `count` distinct codes. */
export function generateCodes(count: number): string[] {
  const codes = new Set<string>()
  while (codes.size < count) codes.add(generateCode())
  return [...codes]
}

/**
 * The form a code is stored and looked up in: upper case, and a generated code regrouped however
 * it was typed (spaces, missing dashes). Codes staff typed themselves keep their own shape.
 */
export function normalizeCode(input: string): string {
  const upper = input.trim().toUpperCase()
  const symbols = upper.replace(/[\s-]+/g, '')
  return GENERATED.test(symbols) ? group(symbols) : upper
}

const isPositiveInteger = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0
/** A relationship's id, whether it arrives populated or as the id itself. */
/** What is wrong with a code's description, and in which field. */
export type Problem = { field: string; message: string }

export const isProblem = (value: Benefit | Problem): value is Problem => 'message' in value

/**
 * The benefit described by a request body or a code document (`plan` may be populated), or what
 * it lacks.
 */
export function benefitOf(input: Record<string, unknown>): Benefit | Problem {
  switch (input.kind) {
    case 'balance':
      return isPositiveInteger(input.amount)
        ? { kind: 'balance', amount: input.amount }
        : { field: 'amount', message: 'A balance code needs an amount: a positive whole number of micro-units.' }
    case 'plan': {
      const planId = relationId(input.plan)
      return planId ? { kind: 'plan', planId } : { field: 'plan', message: 'A plan code needs a plan.' }
    }
    case 'requests':
      if (!isPositiveInteger(input.requests)) return { field: 'requests', message: 'A recharge card needs a number of requests (1 or more).' }
      if (!isPositiveInteger(input.validityDays)) return { field: 'validityDays', message: 'A recharge card needs validityDays (1 or more).' }
      return { kind: 'requests', requests: input.requests, validityDays: input.validityDays }
    default:
      return { field: 'kind', message: 'kind must be one of balance, plan or requests.' }
  }
}

function defaultBatchName(now: Date): string {
  return `${now.toISOString().slice(0, 10)}-${randomBytes(3).toString('hex')}`
}

/** A generate request's body, checked; `now` names an unnamed batch and bounds the expiry. */
export function parseBatch(body: unknown, now = new Date()): BatchInput | string {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'Send a JSON object.'
  const input = body as Record<string, unknown>
  if (!Number.isSafeInteger(input.count) || (input.count as number) < 1 || (input.count as number) > MAX_BATCH) {
    return `count must be a whole number from 1 to ${MAX_BATCH}.`
  }
  const benefit = benefitOf(input)
  if (isProblem(benefit)) return benefit.message
  let expiresAt: Date | null = null
  if (input.expiresAt != null && input.expiresAt !== '') {
    expiresAt = new Date(input.expiresAt as string)
    if (Number.isNaN(expiresAt.getTime())) return 'expiresAt must be a date, e.g. 2027-01-31T23:59:59Z.'
    if (expiresAt <= now) return 'expiresAt is in the past.'
  }
  if (input.batch != null && (typeof input.batch !== 'string' || input.batch.length > 100)) return 'batch must be a name of at most 100 characters.'
  const batch = typeof input.batch === 'string' && input.batch.trim() ? input.batch.trim() : defaultBatchName(now)
  return { count: input.count as number, batch, expiresAt, benefit }
}

const INSERT_CHUNK = 500

/**
 * Stores a batch, one multi-row insert per chunk. With 80 random bits a clash with an existing
 * code is vanishingly unlikely (about 1e-14 per batch at a million codes); the unique index would
 * refuse it and the whole batch would roll back.
 */
export async function insertBatch(tx: Tx, input: BatchInput, now = new Date()): Promise<string[]> {
  const { benefit } = input
  if (benefit.kind === 'plan') {
    if (!(await readPlan(tx, benefit.planId))) throw new CodeRejected(`There is no plan ${benefit.planId}.`)
  }
  const codes = generateCodes(input.count)
  const common = {
    batch: input.batch,
    kind: benefit.kind,
    amount: benefit.kind === 'balance' ? benefit.amount : 0,
    plan_id: benefit.kind === 'plan' ? benefit.planId : null,
    requests: benefit.kind === 'requests' ? benefit.requests : null,
    validity_days: benefit.kind === 'requests' ? benefit.validityDays : null,
    expires_at: input.expiresAt ? at(input.expiresAt) : null,
    status: 'active',
    created_at: at(now),
    updated_at: at(now),
  }
  for (let start = 0; start < codes.length; start += INSERT_CHUNK) {
    const chunk = codes.slice(start, start + INSERT_CHUNK)
    await insertRows(tx, 'redemption_codes', chunk.map((code) => ({ id: randomUUID(), code, ...common })))
  }
  return codes
}

export type Redemption = { codeId: string; code: string; benefit: Benefit; subscriptionId?: string; ledgerEntryId?: string }

/** Why a code that could not be claimed was refused. */
async function refusalOf(tx: Tx, code: string): Promise<string> {
  const [row] = await tx.query('SELECT status, expires_at FROM redemption_codes WHERE code = ?', [code])
  if (!row) return 'This code does not exist. Check it and try again.'
  if (row.status === 'redeemed') return 'This code has already been redeemed.'
  if (row.status === 'void') return 'This code has been cancelled.'
  return `This code expired on ${new Date(row.expires_at as string).toISOString().slice(0, 10)}.`
}

function benefitOfRow(row: Record<string, unknown>): Benefit {
  if (row.kind === 'plan') {
    if (row.plan_id == null) throw new CodeRejected('The plan of this code no longer exists.')
    return { kind: 'plan', planId: String(row.plan_id) }
  }
  if (row.kind === 'requests') return { kind: 'requests', requests: num(row.requests), validityDays: num(row.validity_days) }
  return { kind: 'balance', amount: num(row.amount) }
}

/**
 * Claims a code for a customer and gives its benefit, in the caller's transaction. The claim is
 * one conditional UPDATE, so among simultaneous attempts exactly one gets the row: on Postgres the
 * others wait for its lock and then find it redeemed; SQLite runs one writer at a time. Any
 * refusal throws, rolling the claim back with everything else.
 */
export async function redeemCode(tx: Tx, input: { code: string; ownerId: string; now?: Date }): Promise<Redemption> {
  const now = input.now ?? new Date()
  const code = normalizeCode(input.code)
  const [row] = await tx.query(
    `UPDATE redemption_codes SET status = 'redeemed', redeemed_by_id = ?, redeemed_at = ?, updated_at = ?
     WHERE code = ? AND status = 'active' AND (expires_at IS NULL OR expires_at > ?)
     RETURNING id, kind, amount, plan_id, requests, validity_days`,
    [input.ownerId, at(now), at(now), code, at(now)],
  )
  if (!row) throw new CodeRejected(await refusalOf(tx, code))
  const codeId = String(row.id)
  const benefit = benefitOfRow(row)
  const { ownerId } = input
  switch (benefit.kind) {
    case 'balance': {
      const entry = await postEntry(tx, {
        ownerId,
        kind: 'redemption',
        bucket: 'gift',
        amount: benefit.amount,
        idempotencyKey: `code:${codeId}`,
        referenceType: 'code',
        referenceId: codeId,
        note: `Redemption code ${code}`,
      })
      return { codeId, code, benefit, ledgerEntryId: entry.id }
    }
    case 'plan': {
      const granted = await grantPlan(tx, { ownerId, planId: benefit.planId, source: 'code', now }).catch((error) => {
        throw error instanceof PlanNotFound ? new CodeRejected('The plan of this code no longer exists.') : error
      })
      return { codeId, code, benefit, subscriptionId: granted.subscriptionId }
    }
    case 'requests': {
      const { subscriptionId } = await grantRequests(tx, {
        ownerId,
        requests: benefit.requests,
        days: benefit.validityDays,
        source: 'recharge-card',
        name: 'Recharge card',
        now,
      })
      return { codeId, code, benefit, subscriptionId }
    }
  }
}

/**
 * Sets the status a staff edit saves, first and in one guarded statement, because Payload writes
 * the whole row back, status included, and a redemption may have happened since it read the row.
 * A redeemed code refuses; run in the request's transaction on Postgres, the row then stays locked
 * until the edit commits, so a redemption waits and sees the code as edited (void: refused).
 */
export async function claimForEdit(tx: Tx, id: string, status: 'active' | 'void', now = new Date()): Promise<void> {
  const [row] = await tx.query(
    `UPDATE redemption_codes SET status = ?, updated_at = ? WHERE id = ? AND status <> 'redeemed' RETURNING id`,
    [status, at(now), id],
  )
  if (!row) throw new CodeRejected('This code has been redeemed; it can no longer be changed.')
}

/** Locked for the rest of the transaction where the database has row locks. */
export async function isRedeemed(tx: Tx, id: string): Promise<boolean> {
  const [row] = await tx.query(`SELECT status FROM redemption_codes WHERE id = ?${tx.forUpdate}`, [id])
  return row?.status === 'redeemed'
}
