import { randomUUID } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { findWallet, ledgerTotals } from '../../src/billing/ledger'
import { sqlRunnerOf } from '../../src/billing/sql'
import { rest } from '../helpers/rest'
import { ADMIN_EMAIL, ADMIN_PASSWORD, signIn, startTestServer, type TestServer } from '../helpers/server'

/** Staff move money only through adjustment entries with a reason; entries never change afterwards. */

let server: TestServer
let staff: Record<'super' | 'finance' | 'operator', string>
let customerId: string
let customerToken: string

async function staffToken(role: string) {
  const email = `${role}-${randomUUID()}@modelgate.test`
  await server.payload.create({ collection: 'admins', data: { email, password: 'staff-password-123', role: role as never } })
  return (await signIn(server.baseUrl, 'admins', email, 'staff-password-123')).token
}

const adjust = (token: string, data: Record<string, unknown>, headers: Record<string, string> = {}) =>
  rest(server.baseUrl, '/api/ledger-entries', { method: 'POST', token, headers, body: JSON.stringify({ owner: customerId, bucket: 'cash', ...data }) })

async function balances() {
  const query = sqlRunnerOf(server.payload).query
  const wallet = await findWallet(query, customerId)
  if (!wallet) return { cash: 0, gift: 0, credit: 0, creditLimit: 0 }
  expect({ gift: wallet.gift, cash: wallet.cash, credit: wallet.credit }).toEqual(await ledgerTotals(query, wallet.id))
  return wallet
}

beforeAll(async () => {
  server = await startTestServer()
  staff = {
    super: (await signIn(server.baseUrl, 'admins', ADMIN_EMAIL, ADMIN_PASSWORD)).token,
    finance: await staffToken('finance'),
    operator: await staffToken('operator'),
  }
  const email = `c-${randomUUID()}@modelgate.test`
  customerId = (await server.payload.create({ collection: 'users', data: { email, password: 'customer-password-1' } })).id
  customerToken = (await signIn(server.baseUrl, 'users', email, 'customer-password-1')).token
})

afterAll(async () => {
  await server?.close()
})

describe('adjustments', () => {
  it('lets finance credit a wallet with a reason, once per idempotency key, and audits it', async () => {
    const headers = { 'idempotency-key': randomUUID() }
    const first = await adjust(staff.finance, { amount: 2_500_000, note: 'Bank transfer 42' }, headers)
    expect(first.status).toBe(201)
    expect(first.body.doc).toMatchObject({ kind: 'adjustment', amount: 2_500_000, balanceAfter: 2_500_000, note: 'Bank transfer 42' })
    const again = await adjust(staff.finance, { amount: 2_500_000, note: 'Bank transfer 42' }, headers)
    expect(again.status).toBe(200)
    expect((await balances()).cash).toBe(2_500_000)
    const audit = await server.payload.find({ collection: 'audit-logs', where: { documentId: { equals: first.body.doc.id } } })
    expect(audit.docs).toHaveLength(1)
    expect(audit.docs[0]).toMatchObject({ action: 'create', collectionSlug: 'ledger-entries', actorRole: 'finance' })
  })

  it('refuses a missing reason, a fraction, an overdraft, an operator and a customer, changing nothing', async () => {
    const before = await balances()
    expect((await adjust(staff.finance, { amount: 100 })).status).toBe(400)
    expect((await adjust(staff.finance, { amount: 1.5, note: 'x' })).status).toBe(400)
    expect((await adjust(staff.super, { amount: -999_999_999, note: 'too much' })).body.errors[0].message).toMatch(/cannot cover/)
    expect((await adjust(staff.operator, { amount: 100, note: 'x' })).status).toBe(403)
    expect((await adjust(customerToken, { amount: 100, note: 'x' })).status).toBe(403)
    expect(await balances()).toEqual(before)
  })

  it('never lets an entry be edited or deleted, and shows a customer only their own', async () => {
    const { docs } = await server.payload.find({ collection: 'ledger-entries', where: { owner: { equals: customerId } } })
    const id = docs[0]!.id
    expect((await rest(server.baseUrl, `/api/ledger-entries/${id}`, { method: 'PATCH', token: staff.super, body: JSON.stringify({ amount: 1 }) })).status).toBe(403)
    expect((await rest(server.baseUrl, `/api/ledger-entries/${id}`, { method: 'DELETE', token: staff.super })).status).toBe(403)
    const own = await rest(server.baseUrl, '/api/ledger-entries?depth=0', { token: customerToken })
    expect(own.body.docs.length).toBeGreaterThan(0)
    expect(own.body.docs.every((d: { owner: string }) => d.owner === customerId)).toBe(true)
    const stranger = await server.payload.create({ collection: 'users', data: { email: `s-${randomUUID()}@modelgate.test`, password: 'customer-password-1' } })
    const strangerToken = (await signIn(server.baseUrl, "users", stranger.email!, 'customer-password-1')).token
    expect((await rest(server.baseUrl, `/api/ledger-entries/${id}`, { token: strangerToken })).status).toBe(404)
  })
})

describe('wallet settings', () => {
  it('changes only the credit limit, refuses a limit below credit drawn, and audits', async () => {
    const wallet = await balances()
    const id = (wallet as { id: string }).id
    const res = await rest(server.baseUrl, `/api/wallets/${id}`, { method: 'PATCH', token: staff.finance, body: JSON.stringify({ creditLimit: 5_000_000, cash: 999 }) })
    expect(res.status).toBe(200)
    expect(await balances()).toMatchObject({ creditLimit: 5_000_000, cash: wallet.cash })
    await adjust(staff.finance, { bucket: 'credit', amount: -1_000_000, note: 'Invoice 7 on credit' })
    const tooLow = await rest(server.baseUrl, `/api/wallets/${id}`, { method: 'PATCH', token: staff.finance, body: JSON.stringify({ creditLimit: 500_000 }) })
    expect(tooLow.status).toBe(400)
    expect((await rest(server.baseUrl, `/api/wallets/${id}`, { method: 'PATCH', token: customerToken, body: JSON.stringify({ creditLimit: 1 }) })).status).toBe(403)
    const audit = await server.payload.find({ collection: 'audit-logs', where: { and: [{ documentId: { equals: id } }, { collectionSlug: { equals: 'wallets' } }] } })
    expect(audit.docs[0]!.changes).toEqual([{ field: 'creditLimit', old: 0, new: 5_000_000 }])
  })
})

describe('customers with billing history', () => {
  it('cannot be deleted, with a message saying why', async () => {
    const res = await rest(server.baseUrl, `/api/users/${customerId}`, { method: 'DELETE', token: staff.super })
    expect(res.status).toBe(409)
    expect(res.body.errors[0].message).toMatch(/billing records/)
    expect(await server.payload.findByID({ collection: 'users', id: customerId })).toMatchObject({ id: customerId })
  })
})
