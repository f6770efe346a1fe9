import { randomUUID } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { reserve, settle, NoFunds } from '../../src/billing/holds'
import { findWallet, InsufficientBalance, ledgerTotals, postEntry } from '../../src/billing/ledger'
import { FREE, type ModelPrices } from '../../src/billing/pricing'
import { sqlRunnerOf, type SqlRunner } from '../../src/billing/sql'
import { startTestServer, type TestServer } from '../helpers/server'

/** The money store on a real database: idempotent posting, guarded debits, holds that never overdraw. */

let server: TestServer
let money: SqlRunner

const PER_REQUEST: ModelPrices = { ...FREE, request: 1000 }
const NO_USAGE = { promptTokens: 0, completionTokens: 0, cachedTokens: 0, inputCharacters: 0, outputCharacters: 0 }

async function customer(): Promise<string> {
  const user = await server.payload.create({ collection: 'users', data: { email: `c-${randomUUID()}@modelgate.test`, password: 'customer-password-1' } })
  return user.id
}

async function expectBalancedLedger(ownerId: string) {
  const wallet = (await findWallet(money.query, ownerId))!
  const totals = await ledgerTotals(money.query, wallet.id)
  expect({ gift: wallet.gift, cash: wallet.cash, credit: wallet.credit }).toEqual(totals)
  return wallet
}

beforeAll(async () => {
  server = await startTestServer()
  money = sqlRunnerOf(server.payload)
})

afterAll(async () => {
  await server?.close()
})

describe('ledger', () => {
  it('posts an idempotency key once, even when twenty posts race', async () => {
    const owner = await customer()
    const key = `top-up:${randomUUID()}`
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        money.transaction((tx) => postEntry(tx, { ownerId: owner, kind: 'top-up', bucket: 'cash', amount: 5_000_000, idempotencyKey: key })),
      ),
    )
    const applied = results.filter((r) => r.status === 'fulfilled' && r.value.applied)
    expect(applied).toHaveLength(1)
    const wallet = await expectBalancedLedger(owner)
    expect(wallet.cash).toBe(5_000_000)
    expect(wallet.totalTopUp).toBe(5_000_000)
  })

  it('refuses a debit that would take a bucket below zero and changes nothing', async () => {
    const owner = await customer()
    await money.transaction((tx) => postEntry(tx, { ownerId: owner, kind: 'voucher', bucket: 'gift', amount: 300, idempotencyKey: randomUUID() }))
    await expect(
      money.transaction((tx) => postEntry(tx, { ownerId: owner, kind: 'adjustment', bucket: 'gift', amount: -301, idempotencyKey: randomUUID() })),
    ).rejects.toBeInstanceOf(InsufficientBalance)
    const wallet = await expectBalancedLedger(owner)
    expect(wallet.gift).toBe(300)
  })
})

describe('holds', () => {
  it('serves exactly what the wallet affords when 500 requests reserve at once', async () => {
    const owner = await customer()
    await money.transaction((tx) => postEntry(tx, { ownerId: owner, kind: 'top-up', bucket: 'cash', amount: 100_000, idempotencyKey: randomUUID() }))
    const attempts = await Promise.allSettled(
      Array.from({ length: 500 }, () =>
        money.transaction((tx) =>
          reserve(tx, { requestId: randomUUID(), ownerId: owner, model: 'm', prices: PER_REQUEST, tierMultiplier: 1, estimate: NO_USAGE, leaseUntil: new Date(Date.now() + 60_000) }),
        ),
      ),
    )
    const holds = attempts.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []))
    expect(holds).toHaveLength(100)
    expect(attempts.filter((a) => a.status === 'rejected').every((a) => (a as PromiseRejectedResult).reason instanceof NoFunds)).toBe(true)
    await Promise.all(holds.map((hold) => money.transaction((tx) => settle(tx, hold, { usage: NO_USAGE, prices: PER_REQUEST, tierMultiplier: 1 }, randomUUID()))))
    const wallet = await expectBalancedLedger(owner)
    expect(wallet).toMatchObject({ cash: 0, reserved: 0 })
  })

  it('spends gift first, then cash, then credit, and charges nothing for a failed request', async () => {
    const owner = await customer()
    await money.transaction(async (tx) => {
      await postEntry(tx, { ownerId: owner, kind: 'voucher', bucket: 'gift', amount: 400, idempotencyKey: randomUUID() })
      await postEntry(tx, { ownerId: owner, kind: 'top-up', bucket: 'cash', amount: 400, idempotencyKey: randomUUID() })
      await tx.query('UPDATE wallets SET credit_limit = 1200 WHERE owner_id = ?', [owner])
    })
    const prices = { ...FREE, request: 1000 }
    const hold = await money.transaction((tx) =>
      reserve(tx, { requestId: randomUUID(), ownerId: owner, model: 'm', prices, tierMultiplier: 1, estimate: NO_USAGE, leaseUntil: new Date(Date.now() + 60_000) }),
    )
    const failed = await money.transaction((tx) =>
      reserve(tx, { requestId: randomUUID(), ownerId: owner, model: 'm', prices, tierMultiplier: 1, estimate: NO_USAGE, leaseUntil: new Date(Date.now() + 60_000) }),
    )
    await money.transaction((tx) => settle(tx, failed, { usage: null, prices, tierMultiplier: 1 }, randomUUID()))
    const bill = await money.transaction((tx) => settle(tx, hold, { usage: NO_USAGE, prices, tierMultiplier: 1 }, randomUUID()))
    expect(bill).toMatchObject({ billedTo: 'wallet', charge: 1000, shortfall: 0 })
    const wallet = await expectBalancedLedger(owner)
    expect(wallet).toMatchObject({ gift: 0, cash: 0, credit: -200, reserved: 0 })
  })
})
