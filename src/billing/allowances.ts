import { randomUUID } from 'node:crypto'

import { NoFunds, type Hold } from './holds'
import { available, lockWallet } from './ledger'
import type { AllowanceSettled, AllowanceSettlement, SettlementItem } from './settlement'
import { at, type SqlRunner } from './sql'

/**
 * Allowances: money this server sets aside on a customer's wallet for many short requests at once.
 *
 * A request answered in one piece delivers nothing a crash could charge for, so its hold needs no
 * row of its own: it is taken in memory from the allowance, whose one reservation row holds the
 * money in the database. The allowance grows in one transaction when it runs short (to twice what
 * is in flight, never beyond what the wallet has available, so a refusal is exactly as before),
 * shrinks by each settled charge, and goes back to the wallet in the first settlement that finds
 * nothing in flight on it and no hold taken for `idleMs`. A customer who sends one request after
 * another always has nothing in flight when their last one settles; giving the money back then
 * would make the next request wait for that settlement and grow a new allowance. Its row carries
 * a lease like any reservation: if this server dies, any instance's reconciliation releases it.
 *
 * Everything that changes an allowance in the database (growing, settling, releasing) runs one at
 * a time through `serial`, and memory follows only after the commit, so memory never runs ahead
 * of the database.
 */

type Allowance = {
  /** The reservation row's request id. */
  id: string
  ownerId: string
  walletId: string
  /** What its row holds on the wallet. */
  amount: number
  /** Holds of requests in flight or waiting for settlement. */
  held: number
  /** Set while its release commits; requests then grow a new one. */
  releasing: boolean
  /** Set while it is being topped up ahead of need. */
  growing?: boolean
  /** When the last hold was taken from it (ms since the epoch). */
  lastHeld: number
}

/** The allowance a hold was taken from, if any. */
export const onAllowance = (hold: Hold | undefined): string | undefined => (hold?.target.kind === 'wallet' ? hold.target.allowanceId : undefined)

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0)

export function createAllowances(runner: SqlRunner, options: { leaseMs: number; idleMs?: number }) {
  const idleMs = options.idleMs ?? 0
  const byOwner = new Map<string, Allowance>()
  const byId = new Map<string, Allowance>()
  let chain: Promise<unknown> = Promise.resolve()
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = chain.then(work)
    chain = next.catch(() => undefined)
    return next
  }

  const live = (ownerId: string) => {
    const allowance = byOwner.get(ownerId)
    return allowance && !allowance.releasing ? allowance : undefined
  }
  const spare = (allowance: Allowance | undefined) => (allowance ? allowance.amount - allowance.held : 0)
  const runningLow = (allowance: Allowance) => 2 * spare(allowance) < allowance.amount
  const forget = (allowance: Allowance) => {
    byId.delete(allowance.id)
    if (byOwner.get(allowance.ownerId) === allowance) byOwner.delete(allowance.ownerId)
  }

  /**
   * Adds room for twice what is in flight to the owner's allowance, so a busy customer's allowance
   * grows rarely: for a request that needs `amount` (NoFunds when the wallet cannot give it), or,
   * with `amount` 0, ahead of need when less than half of it is spare.
   */
  async function grow(ownerId: string, amount: number): Promise<void> {
    const current = live(ownerId)
    if (amount > 0 ? spare(current) >= amount : !current || !runningLow(current)) return
    const now = new Date()
    const grown = await runner.transaction(async (tx) => {
      const wallet = await lockWallet(tx, ownerId)
      const kept = current ? (await tx.query('SELECT amount FROM reservations WHERE request_id = ?', [current.id])).length > 0 : false
      // Ahead of need there is no request to make a new allowance for.
      if (!kept && amount === 0) return undefined
      const room = kept ? spare(current) : 0
      const free = available(wallet)
      if (free < amount - room) throw new NoFunds(amount, Math.max(0, free + room))
      const extra = Math.min(free, Math.max(amount - room, 2 * ((current?.held ?? 0) + amount)))
      if (extra <= 0) return undefined
      const leaseUntil = at(new Date(now.getTime() + options.leaseMs))
      await tx.query('UPDATE wallets SET reserved = reserved + ?, updated_at = ? WHERE id = ?', [extra, at(now), wallet.id])
      if (kept) {
        await tx.query('UPDATE reservations SET amount = amount + ?, lease_until = ?, updated_at = ? WHERE request_id = ?', [
          extra,
          leaseUntil,
          at(now),
          current!.id,
        ])
        return { id: current!.id, walletId: wallet.id, extra }
      }
      const id = `allowance:${randomUUID()}`
      await tx.query(
        `INSERT INTO reservations (id, request_id, owner_id, wallet_id, amount, units, delivered, delivered_units, lease_until, allowance, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 0, 0, 0, ?, ?, ?, ?)`,
        [randomUUID(), id, ownerId, wallet.id, extra, leaseUntil, true, at(now), at(now)],
      )
      return { id, walletId: wallet.id, extra }
    })
    if (!grown) return
    if (current && grown.id === current.id) {
      current.amount += grown.extra
      return
    }
    // A new allowance; one whose row reconciliation took (this server stalled past its lease)
    // stays known only until its last holds settle.
    if (current) byOwner.delete(ownerId)
    const fresh: Allowance = { id: grown.id, ownerId, walletId: grown.walletId, amount: grown.extra, held: 0, releasing: false, lastHeld: Date.now() }
    byOwner.set(ownerId, fresh)
    byId.set(fresh.id, fresh)
  }

  function take(ownerId: string, amount: number): Allowance | undefined {
    const allowance = live(ownerId)
    if (spare(allowance) < amount) return undefined
    allowance!.held += amount
    allowance!.lastHeld = Date.now()
    return allowance
  }

  /** Holds `amount` for a short request: from memory when the allowance has room. */
  async function hold({ requestId, ownerId, model }: Pick<Hold, 'requestId' | 'ownerId' | 'model'>, amount: number): Promise<Hold> {
    let allowance = take(ownerId, amount)
    while (!allowance) {
      await serial(() => grow(ownerId, amount))
      allowance = take(ownerId, amount)
    }
    if (runningLow(allowance) && !allowance.growing) {
      // Topped up in the background, so the requests after this one need not wait for it. A
      // failure is left to the request that finds no room, which grows it itself and reports it.
      allowance.growing = true
      const growing = allowance
      void serial(() => grow(ownerId, 0))
        .catch(() => undefined)
        .finally(() => (growing.growing = false))
    }
    return { requestId, ownerId, model, target: { kind: 'wallet', walletId: allowance.walletId, allowanceId: allowance.id }, amount, units: 0, recorded: false }
  }

  /**
   * Gives what the owner's allowance has spare back to the wallet, for a request that needs a
   * reservation of its own (a stream, a plan) and found the wallet short; returns whether there was
   * any. Memory gives it up before the transaction, so no hold can take it meanwhile.
   */
  function giveBackSpare(ownerId: string): Promise<boolean> {
    return serial(async () => {
      const allowance = live(ownerId)
      const extra = spare(allowance)
      if (extra <= 0) return false
      allowance!.amount -= extra
      const now = at(new Date())
      let kept: boolean
      try {
        kept = await runner.transaction(async (tx) => {
          const rows = await tx.query('UPDATE reservations SET amount = amount - ?, updated_at = ? WHERE request_id = ? RETURNING id', [extra, now, allowance!.id])
          // Reconciliation took its row (this server stalled past its lease): the money is back already.
          if (rows.length === 0) return false
          await tx.query('UPDATE wallets SET reserved = reserved - ?, updated_at = ? WHERE id = ?', [extra, now, allowance!.walletId])
          return true
        })
      } catch (error) {
        allowance!.amount += extra
        throw error
      }
      if (!kept && byOwner.get(ownerId) === allowance) byOwner.delete(ownerId)
      return kept
    })
  }

  /**
   * Groups the batch's requests held on allowances by allowance, and decides which allowances this
   * settlement releases (no new hold is taken from them from now on): those it leaves with nothing
   * in flight and no hold taken for `idleMs` (any idle time when `idle` is 0), including idle ones
   * the batch has no request of. Returns the groups for the transaction (settlement.ts) and what to
   * do with memory once it committed, or failed.
   */
  function prepare(
    items: SettlementItem[],
    idle = idleMs,
  ): { groups: AllowanceSettlement[]; committed: (settled: AllowanceSettled[]) => void; failed: () => void } {
    const idleSince = Date.now() - idle
    const byAllowance = new Map<string, number[]>()
    for (const allowance of byOwner.values()) {
      if (allowance.held === 0 && !allowance.releasing && allowance.lastHeld <= idleSince) byAllowance.set(allowance.id, [])
    }
    items.forEach(({ hold }, i) => {
      const id = onAllowance(hold)
      if (!id) return
      const indexes = byAllowance.get(id)
      if (indexes) indexes.push(i)
      else byAllowance.set(id, [i])
    })
    const groups: AllowanceSettlement[] = []
    const settling: { allowance: Allowance; holds: number }[] = []
    for (const [id, indexes] of byAllowance) {
      const allowance = byId.get(id)!
      const holds = sum(indexes.map((i) => items[i]!.hold!.amount))
      const release = allowance.held === holds && byOwner.get(allowance.ownerId) === allowance && allowance.lastHeld <= idleSince
      if (release) allowance.releasing = true
      groups.push({ allowanceId: id, ownerId: allowance.ownerId, release, items: indexes })
      settling.push({ allowance, holds })
    }
    return {
      groups,
      committed: (settled) =>
        settled.forEach(({ remaining, lost }, n) => {
          const { allowance, holds } = settling[n]!
          // Memory takes the row's amount: exact even after a batch that was tried twice.
          allowance.amount = remaining
          allowance.held -= holds
          if (lost && byOwner.get(allowance.ownerId) === allowance) byOwner.delete(allowance.ownerId)
          if (groups[n]!.release || (allowance.held === 0 && byOwner.get(allowance.ownerId) !== allowance)) forget(allowance)
        }),
      failed: () => settling.forEach(({ allowance }) => (allowance.releasing = false)),
    }
  }

  return {
    hold,
    giveBackSpare,
    prepare,
    serial,
    /** The reservation rows this server's allowances hold (renewed with its leases). */
    ids: () => [...byId.keys()],
    owns: (requestId: string) => byId.has(requestId),
  }
}

export type Allowances = ReturnType<typeof createAllowances>
