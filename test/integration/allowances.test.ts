import { randomUUID } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { NoFunds, type Hold } from '../../src/billing/holds'
import { findWallet, ledgerTotals, postEntry } from '../../src/billing/ledger'
import { FREE, type ModelPrices, type Usage } from '../../src/billing/pricing'
import { createBilling, reconcileReservations, type Billing } from '../../src/billing/service'
import { SETTLED_AFTER_RECOVERY, writeSettlement } from '../../src/billing/settlement'
import { at, num, sqlRunnerOf, type SqlRunner } from '../../src/billing/sql'
import { waitFor } from '../helpers/rest'
import { startTestServer, type TestServer } from '../helpers/server'

/**
 * Short requests held on a per-server allowance: in memory while it has room, one reservation row
 * for all of them, released once nothing is in flight and no hold was taken for a while (at once
 * with no idle time), and reconciled like any reservation when its server stops renewing it.
 */

let server: TestServer
let money: SqlRunner
let billing: Billing

/** One micro-unit per output token: a request estimated at 1,000 tokens holds 1,000. */
const PER_TOKEN: ModelPrices = { ...FREE, output: 1_000_000 }
const tokens = (completionTokens: number): Usage => ({ promptTokens: 0, completionTokens, cachedTokens: 0, inputCharacters: 0, outputCharacters: 0 })
const noProgress = () => ({ charge: 0, units: 0 })

async function customerWith(cash: number): Promise<string> {
  const user = await server.payload.create({ collection: 'users', data: { email: `a-${randomUUID()}@modelgate.test`, password: 'customer-password-1' } })
  if (cash > 0) await money.transaction((tx) => postEntry(tx, { ownerId: user.id, kind: 'top-up', bucket: 'cash', amount: cash, idempotencyKey: randomUUID() }))
  return user.id
}

const reserveShort = (ownerId: string, prices = PER_TOKEN, on = billing) =>
  on.reserve({ requestId: randomUUID(), ownerId, model: 'm', prices, tierMultiplier: 1, estimate: tokens(1000), stream: false }, noProgress)

const settleAll = (holds: Hold[], used: number, on = billing) =>
  on.settleBatch(
    holds.map((hold) => ({
      hold,
      outcome: { usage: tokens(used), prices: PER_TOKEN, tierMultiplier: 1 },
      row: { request_id: hold.requestId, owner_id: hold.ownerId, model: 'm', status: 'success', created_at: at(new Date()), updated_at: at(new Date()) },
    })),
  )

/** Lets a top-up started in the background commit: it is queued before an (empty) settlement. */
const backgroundDone = () => settleAll([], 0)

const allowanceRows = async (ownerId: string) =>
  (await money.query('SELECT amount FROM reservations WHERE owner_id = ? AND allowance = ?', [ownerId, true])).map((row) => num(row.amount))

async function balancedWallet(ownerId: string) {
  const wallet = (await findWallet(money.query, ownerId))!
  expect({ gift: wallet.gift, cash: wallet.cash, credit: wallet.credit }).toEqual(await ledgerTotals(money.query, wallet.id))
  return wallet
}

beforeAll(async () => {
  server = await startTestServer()
  money = sqlRunnerOf(server.payload)
  billing = createBilling(money, { leaseMs: 60_000 })
})

afterAll(async () => {
  await billing?.close()
  await server?.close()
})

describe('allowances', () => {
  it('holds exactly what the wallet affords, in one reservation row, and charges each request on its own ledger entry', async () => {
    const owner = await customerWith(10_000)
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => reserveShort(owner)))
    const holds = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []))
    expect(holds).toHaveLength(10)
    expect(refused.every((error) => error instanceof NoFunds)).toBe(true)
    expect(await allowanceRows(owner)).toEqual([10_000])
    expect((await findWallet(money.query, owner))!.reserved).toBe(10_000)

    await settleAll(holds, 700)
    const wallet = await balancedWallet(owner)
    expect(wallet).toMatchObject({ cash: 3_000, reserved: 0 })
    expect(await allowanceRows(owner)).toEqual([])
    const [entries] = await money.query("SELECT COUNT(*) AS n, SUM(amount) AS total FROM ledger_entries WHERE owner_id = ? AND kind = 'usage'", [owner])
    expect({ n: num(entries!.n), total: num(entries!.total) }).toEqual({ n: 10, total: -7_000 })
    const [logs] = await money.query("SELECT COUNT(*) AS n, SUM(charge) AS total FROM usage_logs WHERE owner_id = ? AND billed_to = 'wallet'", [owner])
    expect({ n: num(logs!.n), total: num(logs!.total) }).toEqual({ n: 10, total: 7_000 })
  })

  it('keeps the allowance while requests are in flight and gives it back with the last settlement', async () => {
    const owner = await customerWith(100_000)
    const first = await reserveShort(owner)
    const second = await reserveShort(owner)
    await backgroundDone()
    const [held] = await allowanceRows(owner)
    await settleAll([first], 400)
    expect(await allowanceRows(owner)).toEqual([held! - 400])
    expect((await findWallet(money.query, owner))!.reserved).toBe(held! - 400)
    await settleAll([second], 250)
    expect(await allowanceRows(owner)).toEqual([])
    expect(await balancedWallet(owner)).toMatchObject({ cash: 100_000 - 650, reserved: 0 })
  })

  it('keeps the allowance of a customer who sends one request after another, and gives it back once idle', async () => {
    const sequential = createBilling(money, { leaseMs: 60_000, allowanceIdleMs: 300 })
    try {
      const owner = await customerWith(100_000)
      const first = (await reserveShort(owner, PER_TOKEN, sequential)) as Hold & { target: { allowanceId: string } }
      await settleAll([first], 400, sequential)
      // Nothing in flight, but a hold was taken a moment ago: the next request takes its hold from memory.
      expect(await allowanceRows(owner)).toHaveLength(1)
      const second = (await reserveShort(owner, PER_TOKEN, sequential)) as Hold & { target: { allowanceId: string } }
      expect(second.target.allowanceId).toBe(first.target.allowanceId)
      await settleAll([second], 250, sequential)
      const [held] = await allowanceRows(owner)
      expect(await balancedWallet(owner)).toMatchObject({ cash: 100_000 - 650, reserved: held })

      sequential.start()
      expect(await waitFor(async () => (await allowanceRows(owner)).length === 0, { timeoutMs: 5_000, intervalMs: 50 })).not.toBeNull()
      expect(await balancedWallet(owner)).toMatchObject({ cash: 100_000 - 650, reserved: 0 })
      await sequential.stop()

      // Closing gives back an allowance that is not idle yet.
      const third = await reserveShort(owner, PER_TOKEN, sequential)
      await settleAll([third], 100, sequential)
      expect(await allowanceRows(owner)).toHaveLength(1)
      await sequential.close()
      expect(await allowanceRows(owner)).toEqual([])
      expect(await balancedWallet(owner)).toMatchObject({ cash: 100_000 - 750, reserved: 0 })
    } finally {
      await sequential.stop()
      await sequential.close()
    }
  })

  it('gives the allowance’s spare money back when a stream of the same customer finds the wallet short', async () => {
    const sequential = createBilling(money, { leaseMs: 60_000, allowanceIdleMs: 60_000 })
    try {
      const owner = await customerWith(2_500)
      const short = await reserveShort(owner, PER_TOKEN, sequential)
      await settleAll([short], 400, sequential)
      // The allowance (twice the first request) outlives the settlement: 1,600 of the 2,100 left are set aside.
      expect(await allowanceRows(owner)).toEqual([1_600])
      expect(await balancedWallet(owner)).toMatchObject({ cash: 2_100, reserved: 1_600 })
      const stream = await sequential.reserve(
        { requestId: randomUUID(), ownerId: owner, model: 'm', prices: PER_TOKEN, tierMultiplier: 1, estimate: tokens(1000), stream: true },
        noProgress,
      )
      expect(stream).toMatchObject({ amount: 1_000, recorded: true })
      expect(await allowanceRows(owner)).toEqual([0])
      expect(await balancedWallet(owner)).toMatchObject({ cash: 2_100, reserved: 1_000 })
      // With nothing spare anywhere, a request the wallet cannot cover is still refused.
      await expect(
        sequential.reserve({ requestId: randomUUID(), ownerId: owner, model: 'm', prices: PER_TOKEN, tierMultiplier: 1, estimate: tokens(1_200), stream: true }, noProgress),
      ).rejects.toBeInstanceOf(NoFunds)
      await settleAll([stream], 100, sequential)
      await sequential.close()
      expect(await allowanceRows(owner)).toEqual([])
      expect(await balancedWallet(owner)).toMatchObject({ cash: 2_000, reserved: 0 })
    } finally {
      await sequential.close()
    }
  })

  it('never gives back twice what reconciliation already released', async () => {
    const sequential = createBilling(money, { leaseMs: 60_000, allowanceIdleMs: 60_000 })
    try {
      const owner = await customerWith(2_500)
      await settleAll([await reserveShort(owner, PER_TOKEN, sequential)], 400, sequential)
      expect(await allowanceRows(owner)).toEqual([1_600])
      // Another server's reconciliation sees the lease run out (this server stalled).
      await reconcileReservations(money, new Date(Date.now() + 120_000))
      expect(await balancedWallet(owner)).toMatchObject({ cash: 2_100, reserved: 0 })
      const stream = { requestId: randomUUID(), ownerId: owner, model: 'm', prices: PER_TOKEN, tierMultiplier: 1, estimate: tokens(2_200), stream: true }
      await expect(sequential.reserve(stream, noProgress)).rejects.toBeInstanceOf(NoFunds)
      expect(await balancedWallet(owner)).toMatchObject({ cash: 2_100, reserved: 0 })
      // The next short request grows an allowance of its own.
      await reserveShort(owner, PER_TOKEN, sequential)
      expect(await allowanceRows(owner)).toHaveLength(1)
    } finally {
      await sequential.close()
    }
  })

  it('says why a stream settled after the crash recovery charged it has a second usage record', async () => {
    const owner = await customerWith(10_000)
    const stream = await billing.reserve(
      { requestId: randomUUID(), ownerId: owner, model: 'm', prices: PER_TOKEN, tierMultiplier: 1, estimate: tokens(1000), stream: true },
      noProgress,
    )
    // Another server's reconciliation sees the lease run out (this server stalled) and settles the
    // stream for what it had reported delivering: nothing.
    await reconcileReservations(money, new Date(Date.now() + 120_000))
    await settleAll([stream], 700)
    await settleAll([stream], 700) // the same batch again: nothing new
    const logs = await money.query('SELECT status, charge, error FROM usage_logs WHERE request_id = ?', [stream.requestId])
    const byStatus = logs.map((log) => ({ status: String(log.status), charge: num(log.charge), error: log.error })).sort((a, b) => a.status.localeCompare(b.status))
    expect(byStatus).toEqual([
      { status: 'interrupted', charge: 0, error: expect.stringContaining('charged for what had been delivered') },
      { status: 'success', charge: 0, error: SETTLED_AFTER_RECOVERY },
    ])
    expect(await balancedWallet(owner)).toMatchObject({ cash: 10_000, reserved: 0 })
  })

  it('tops an allowance up in the background once less than half of it is spare', async () => {
    const owner = await customerWith(1_000_000)
    const holds = [await reserveShort(owner), await reserveShort(owner)]
    const each = holds[0]!.amount
    // Twice the first request; the second leaves nothing spare, so room for twice the two is added.
    await backgroundDone()
    expect(await allowanceRows(owner)).toEqual([2 * each + 4 * each])
    holds.push(await reserveShort(owner), await reserveShort(owner))
    await backgroundDone()
    expect(await allowanceRows(owner)).toEqual([6 * each + 8 * each])
    expect((await findWallet(money.query, owner))!.reserved).toBe(14 * each)
    await settleAll(holds, 100)
    expect(await allowanceRows(owner)).toEqual([])
    expect(await balancedWallet(owner)).toMatchObject({ cash: 1_000_000 - 4 * 100, reserved: 0 })
  })

  it('charges once for a batch written again because its commit went unheard', async () => {
    const owner = await customerWith(100_000)
    const hold = (await reserveShort(owner)) as Hold & { target: { kind: 'wallet'; allowanceId: string } }
    const [held] = await allowanceRows(owner)
    const write = () =>
      money.transaction((tx) =>
        writeSettlement(tx, {
          items: [
            {
              id: randomUUID(),
              hold,
              outcome: { usage: tokens(300), prices: PER_TOKEN, tierMultiplier: 1 },
              row: { request_id: hold.requestId, owner_id: owner, model: 'm', status: 'success', created_at: at(new Date()), updated_at: at(new Date()) },
            },
          ],
          allowances: [{ allowanceId: hold.target.allowanceId, ownerId: owner, release: false, items: [0] }],
          lastUse: [],
        }),
      )
    expect(await write()).toEqual([{ remaining: held! - 300, lost: false }])
    expect(await write()).toEqual([{ remaining: held! - 300, lost: false }])
    expect(await money.query('SELECT charge FROM usage_logs WHERE request_id = ?', [hold.requestId])).toHaveLength(1)
    expect(await allowanceRows(owner)).toEqual([held! - 300])
    expect(await balancedWallet(owner)).toMatchObject({ cash: 100_000 - 300, reserved: held! - 300 })
  })

  it('holds nothing for a free model', async () => {
    const owner = await customerWith(0)
    const hold = await reserveShort(owner, FREE)
    expect(hold.target).toEqual({ kind: 'none' })
    expect(await allowanceRows(owner)).toEqual([])
  })

  it('after reconciliation released a stalled allowance, a late settlement charges only what is there and never unreserves twice', async () => {
    const owner = await customerWith(1_000)
    const hold = await reserveShort(owner)
    // Another server's reconciliation sees the lease run out (this server stalled).
    expect(await reconcileReservations(money, new Date(Date.now() + 120_000))).toBeGreaterThanOrEqual(1)
    expect(await allowanceRows(owner)).toEqual([])
    expect((await findWallet(money.query, owner))!.reserved).toBe(0)
    const [interrupted] = await money.query("SELECT COUNT(*) AS n FROM usage_logs WHERE owner_id = ? AND status = 'interrupted'", [owner])
    expect(num(interrupted!.n)).toBe(0)

    await settleAll([hold], 700)
    expect(await balancedWallet(owner)).toMatchObject({ cash: 300, reserved: 0 })
    // The next request grows a new allowance from what is left.
    const next = await reserveShort(owner, { ...FREE, request: 300 })
    expect(await allowanceRows(owner)).toEqual([300])
    await billing.settleBatch([
      {
        hold: next,
        outcome: { usage: tokens(0), prices: { ...FREE, request: 300 }, tierMultiplier: 1 },
        row: { request_id: next.requestId, owner_id: owner, model: 'm', status: 'success', created_at: at(new Date()), updated_at: at(new Date()) },
      },
    ])
    expect(await balancedWallet(owner)).toMatchObject({ cash: 0, reserved: 0 })
  })
})
