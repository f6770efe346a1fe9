import { randomBytes } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import ExcelJS from 'exceljs'

import { redeemCode } from '../../src/billing/codes'
import { sqlRunnerOf } from '../../src/billing/sql'
import { rest, type Rest } from '../helpers/rest'
import { ADMIN_EMAIL, ADMIN_PASSWORD, signIn, startTestServer, type TestServer } from '../helpers/server'

/**
 * Redemption codes over HTTP: staff generate, export and void them; customers redeem them, once,
 * however many try at the same moment.
 */

const PASSWORD = 'codes-password-123'
const FORMAT = /^[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){3}$/

let server: TestServer
const staff: Record<'admin' | 'finance' | 'operator' | 'auditor', Record<string, string>> = {} as never

type Customer = { id: string; headers: Record<string, string> }

const unique = () => randomBytes(4).toString('hex')

async function call(path: string, headers: Record<string, string> = {}, init: RequestInit = {}): Promise<Rest> {
  return rest(server.baseUrl, path, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } })
}

const post = (path: string, headers: Record<string, string>, body: unknown) => call(path, headers, { method: 'POST', body: JSON.stringify(body) })
const patch = (path: string, headers: Record<string, string>, body: unknown) => call(path, headers, { method: 'PATCH', body: JSON.stringify(body) })

/** A customer made by staff over REST, then signed in. */
async function newCustomer(): Promise<Customer> {
  const email = `customer-${unique()}@codes.test`
  const created = await post('/api/users', staff.admin, { email, password: PASSWORD, _verified: true })
  expect(created.status).toBe(201)
  const { headers } = await signIn(server.baseUrl, 'users', email, PASSWORD)
  return { id: created.body.doc.id, headers }
}

async function generate(body: Record<string, unknown>, headers = staff.finance): Promise<{ batch: string; codes: string[] }> {
  const res = await post('/api/redemption-codes/generate', headers, body)
  expect(res.status).toBe(201)
  return res.body as { batch: string; codes: string[] }
}

const redeem = (customer: Customer, code: string) => post('/api/redeem', customer.headers, { code })

async function codeDoc(code: string) {
  const { docs } = await server.payload.find({ collection: 'redemption-codes', where: { code: { equals: code } }, depth: 0 })
  return docs[0]!
}

async function wallet(ownerId: string) {
  const [row] = await sqlRunnerOf(server.payload).query('SELECT gift, cash FROM wallets WHERE owner_id = ?', [ownerId])
  return { gift: Number(row?.gift ?? 0), cash: Number(row?.cash ?? 0) }
}

async function ledgerOf(ownerId: string) {
  return sqlRunnerOf(server.payload).query('SELECT kind, bucket, amount, reference_type, reference_id, idempotency_key FROM ledger_entries WHERE owner_id = ?', [
    ownerId,
  ])
}

async function auditEntry(summary: string) {
  const { docs } = await server.payload.find({ collection: 'audit-logs', where: { summary: { equals: summary } } })
  return docs[0]
}

beforeAll(async () => {
  server = await startTestServer()
  staff.admin = (await signIn(server.baseUrl, 'admins', ADMIN_EMAIL, ADMIN_PASSWORD)).headers
  for (const role of ['finance', 'operator', 'auditor'] as const) {
    const email = `${role}@codes.test`
    await server.payload.create({ collection: 'admins', data: { email, password: PASSWORD, role } })
    staff[role] = (await signIn(server.baseUrl, 'admins', email, PASSWORD)).headers
  }
}, 120_000)

afterAll(async () => server?.close())

describe('generating', () => {
  it('gives finance a batch of distinct codes in one go, audited', async () => {
    const { batch, codes } = await generate({ count: 25, kind: 'balance', amount: 2_000_000, batch: 'promo-1', expiresAt: '2099-01-01T00:00:00Z' })
    expect(batch).toBe('promo-1')
    expect(codes).toHaveLength(25)
    expect(new Set(codes).size).toBe(25)
    for (const code of codes) expect(code).toMatch(FORMAT)
    const stored = await server.payload.find({ collection: 'redemption-codes', where: { batch: { equals: 'promo-1' } }, limit: 100, depth: 0 })
    expect(stored.totalDocs).toBe(25)
    expect(stored.docs.every((d) => d.kind === 'balance' && d.amount === 2_000_000 && d.status === 'active' && d.expiresAt?.startsWith('2099-01-01'))).toBe(true)
    const entry = await auditEntry('generated 25 codes in batch promo-1')
    expect(entry).toMatchObject({ action: 'create', collectionSlug: 'redemption-codes', actorEmail: 'finance@codes.test' })
  })

  it('makes the largest batch, 10,000 codes', async () => {
    const { codes } = await generate({ count: 10_000, kind: 'balance', amount: 1, batch: 'big' }, staff.admin)
    expect(new Set(codes).size).toBe(10_000)
    expect((await server.payload.count({ collection: 'redemption-codes', where: { batch: { equals: 'big' } } })).totalDocs).toBe(10_000)
  })

  it('refuses staff without the create permission, customers and strangers', async () => {
    const customer = await newCustomer()
    for (const headers of [staff.operator, staff.auditor, customer.headers, {}]) {
      expect((await post('/api/redemption-codes/generate', headers, { count: 1, kind: 'balance', amount: 1, batch: 'nope' })).status).toBe(403)
    }
    expect((await server.payload.count({ collection: 'redemption-codes', where: { batch: { equals: 'nope' } } })).totalDocs).toBe(0)
  })

  it('refuses bad batches with a message and writes nothing', async () => {
    const bad = [
      [{ count: 10_001, kind: 'balance', amount: 1 }, /count/],
      [{ count: 2, kind: 'balance' }, /amount/],
      [{ count: 2, kind: 'plan', plan: '00000000-0000-4000-8000-000000000000' }, /no plan/],
      [{ count: 2, kind: 'requests', requests: 10 }, /validityDays/],
      [{ count: 2, kind: 'balance', amount: 1, expiresAt: '2001-01-01' }, /past/],
    ] as const
    for (const [body, message] of bad) {
      const res = await post('/api/redemption-codes/generate', staff.finance, { ...body, batch: 'bad' })
      expect(res.status).toBe(400)
      expect(res.body.errors[0].message).toMatch(message)
    }
    expect((await server.payload.count({ collection: 'redemption-codes', where: { batch: { equals: 'bad' } } })).totalDocs).toBe(0)
  })

  it('fills in the code of a single code made in the admin form, and checks its benefit', async () => {
    const made = await post('/api/redemption-codes', staff.finance, { kind: 'balance', amount: 1_000_000 })
    expect(made.status).toBe(201)
    expect(made.body.doc.code).toMatch(FORMAT)
    const typed = await post('/api/redemption-codes', staff.finance, { code: ' welcome-2026 ', kind: 'balance', amount: 1_000_000 })
    expect(typed.body.doc.code).toBe('WELCOME-2026')
    const incomplete = await post('/api/redemption-codes', staff.finance, { kind: 'requests', requests: 5 })
    expect(incomplete.status).toBe(400)
    expect(incomplete.text).toMatch(/validityDays/)
    const forged = await post('/api/redemption-codes', staff.finance, { kind: 'balance', amount: 1, status: 'redeemed' })
    expect(forged.status).toBe(400)
  })
})

describe('exporting a batch', () => {
  let codes: string[]
  beforeAll(async () => {
    ;({ codes } = await generate({ count: 12, kind: 'balance', amount: 500_000, batch: 'export-me' }))
  })

  it('as CSV, filtered by batch', async () => {
    const res = await call('/api/redemption-codes/export?where[batch][equals]=export-me', staff.finance)
    expect(res.status).toBe(200)
    const lines = res.text.trim().split(/\r?\n/)
    expect(lines).toHaveLength(13)
    for (const code of codes) expect(res.text).toContain(code)
  })

  it('as an Excel workbook, audited', async () => {
    const res = await fetch(`${server.baseUrl}/api/redemption-codes/export.xlsx?where[batch][equals]=export-me`, { headers: staff.auditor })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('spreadsheetml')
    expect(res.headers.get('content-disposition')).toMatch(/redemption-codes-.*\.xlsx/)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(await res.arrayBuffer())
    const sheet = workbook.worksheets[0]!
    const header = (sheet.getRow(1).values as unknown[]).slice(1)
    const codeColumn = header.indexOf('code') + 1
    const amountColumn = header.indexOf('amount') + 1
    expect(sheet.rowCount).toBe(13)
    const exported = Array.from({ length: 12 }, (_, i) => sheet.getRow(i + 2))
    expect(exported.map((row) => row.getCell(codeColumn).value).sort()).toEqual([...codes].sort())
    expect(exported.every((row) => row.getCell(amountColumn).value === 500_000)).toBe(true)
    expect(sheet.getRow(2).getCell(header.indexOf('createdAt') + 1).value).toBeInstanceOf(Date)
    expect(await auditEntry('export redemption-codes as Excel (12 rows)')).toMatchObject({ action: 'export', actorEmail: 'auditor@codes.test' })
  })

  it('only for staff with the export permission', async () => {
    const customer = await newCustomer()
    for (const headers of [staff.operator, customer.headers, {}]) {
      expect((await call('/api/redemption-codes/export.xlsx?where[batch][equals]=export-me', headers)).status).toBe(403)
    }
  })
})

describe('redeeming', () => {
  it('credits the gift balance once, from a code typed any way', async () => {
    const customer = await newCustomer()
    const [code] = (await generate({ count: 1, kind: 'balance', amount: 2_500_000 })).codes as [string]
    const res = await redeem(customer, code.toLowerCase().replace(/-/g, ' '))
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ code, benefit: { kind: 'balance', amount: 2_500_000 }, balances: { gift: 2_500_000 } })
    const doc = await codeDoc(code)
    expect(doc).toMatchObject({ status: 'redeemed', redeemedBy: customer.id })
    expect(doc.redeemedAt).toBeTruthy()
    expect(await ledgerOf(customer.id)).toEqual([
      expect.objectContaining({ kind: 'redemption', bucket: 'gift', reference_type: 'code', reference_id: doc.id, idempotency_key: `code:${doc.id}` }),
    ])
    expect(await auditEntry(`customer ${(await server.payload.findByID({ collection: 'users', id: customer.id })).email} redeemed code ${code}`)).toBeTruthy()

    const again = await redeem(customer, code)
    expect(again.status).toBe(400)
    expect(again.body.errors[0].message).toMatch(/already been redeemed/)
    expect(await wallet(customer.id)).toEqual({ gift: 2_500_000, cash: 0 })
    expect(await ledgerOf(customer.id)).toHaveLength(1)
  })

  it('refuses unknown, void and expired codes with a clear message and changes nothing', async () => {
    const customer = await newCustomer()
    const [voided] = (await generate({ count: 1, kind: 'balance', amount: 1_000_000 })).codes as [string]
    expect((await patch(`/api/redemption-codes/${(await codeDoc(voided)).id}`, staff.finance, { status: 'void' })).status).toBe(200)
    const expired = await server.payload.create({
      collection: 'redemption-codes',
      data: { code: `OLD-${unique()}`, kind: 'balance', amount: 1_000_000, expiresAt: '2020-01-01T00:00:00.000Z' } as never,
    })
    const cases = [
      ['AAAA-BBBB-CCCC-DDDD', /does not exist/],
      [voided, /cancelled/],
      [expired.code, /expired on 2020-01-01/],
    ] as const
    for (const [code, message] of cases) {
      const res = await redeem(customer, code)
      expect(res.status).toBe(400)
      expect(res.body.errors[0].message).toMatch(message)
    }
    expect((await redeem(customer, '')).status).toBe(400)
    expect(await wallet(customer.id)).toEqual({ gift: 0, cash: 0 })
    expect(await ledgerOf(customer.id)).toHaveLength(0)
    expect((await codeDoc(voided)).status).toBe('void')
  })

  it('needs a signed-in customer', async () => {
    const [code] = (await generate({ count: 1, kind: 'balance', amount: 1 })).codes as [string]
    expect((await post('/api/redeem', {}, { code })).status).toBe(401)
    expect((await post('/api/redeem', staff.admin, { code })).status).toBe(403)
    expect((await codeDoc(code)).status).toBe('active')
  })

  it('lets exactly one of 20 customers redeeming one code at once have it', async () => {
    const customers = await Promise.all(Array.from({ length: 20 }, () => newCustomer()))
    const [code] = (await generate({ count: 1, kind: 'balance', amount: 3_000_000 })).codes as [string]
    const answers = await Promise.all(customers.map((c) => redeem(c, code)))
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1)
    expect(answers.filter((a) => a.status === 400)).toHaveLength(19)
    const winner = customers[answers.findIndex((a) => a.status === 200)]!
    expect((await codeDoc(code)).redeemedBy).toBe(winner.id)
    const entries = await sqlRunnerOf(server.payload).query("SELECT owner_id, amount FROM ledger_entries WHERE kind = 'redemption' AND reference_id = ?", [
      (await codeDoc(code)).id,
    ])
    expect(entries).toEqual([expect.objectContaining({ owner_id: winner.id })])
    for (const c of customers) expect((await wallet(c.id)).gift).toBe(c === winner ? 3_000_000 : 0)
  })

  it('lets one customer redeeming one code 20 times at once have it once', async () => {
    const customer = await newCustomer()
    const [code] = (await generate({ count: 1, kind: 'balance', amount: 4_000_000 })).codes as [string]
    const runner = sqlRunnerOf(server.payload)
    const attempts = await Promise.allSettled(Array.from({ length: 20 }, () => runner.transaction((tx) => redeemCode(tx, { code, ownerId: customer.id }))))
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1)
    expect(attempts.filter((a) => a.status === 'rejected').map((a) => (a as PromiseRejectedResult).reason.message)).toEqual(
      Array(19).fill('This code has already been redeemed.'),
    )
    // And over HTTP, within the attempt limit.
    const [other] = (await generate({ count: 1, kind: 'balance', amount: 1_000_000 })).codes as [string]
    const answers = await Promise.all(Array.from({ length: 8 }, () => redeem(customer, other)))
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400, 400, 400, 400, 400, 400, 400])
    expect(await wallet(customer.id)).toEqual({ gift: 5_000_000, cash: 0 })
  })

  it('allows 10 attempts a minute per customer', async () => {
    const customer = await newCustomer()
    for (let i = 0; i < 10; i++) expect((await redeem(customer, `GUESS-${i}`)).status).toBe(400)
    const [code] = (await generate({ count: 1, kind: 'balance', amount: 1 })).codes as [string]
    const limited = await redeem(customer, code)
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('60')
    expect((await codeDoc(code)).status).toBe('active')
    // Another customer is not held back.
    expect((await redeem(await newCustomer(), code)).status).toBe(200)
  })

  it('gives a plan, and requests from recharge cards that add up', async () => {
    const resource = await server.payload.create({ collection: 'plan-resources', data: { name: 'Chat', models: ['gpt-*'], meter: 'tokens', limit: 10_000 } })
    const plan = await server.payload.create({
      collection: 'plans',
      data: { name: 'Pro', resources: [resource.id], periodUnit: 'months', periodLength: 1, price: 9_000_000 } as never,
    })
    const customer = await newCustomer()
    const [planCode] = (await generate({ count: 1, kind: 'plan', plan: plan.id })).codes as [string]
    const cards = (await generate({ count: 2, kind: 'requests', requests: 50, validityDays: 30 })).codes
    expect((await redeem(customer, planCode)).status).toBe(200)
    for (const card of cards) expect((await redeem(customer, card)).status).toBe(200)

    const { docs } = await server.payload.find({ collection: 'subscriptions', where: { owner: { equals: customer.id } }, depth: 0, sort: 'createdAt' })
    expect(docs.map((d) => [d.source, d.planName])).toEqual([
      ['code', 'Pro'],
      ['recharge-card', 'Recharge card'],
    ])
    const card = docs[1]!
    const days = (new Date(card.expiresAt).getTime() - new Date(card.startsAt).getTime()) / 86_400_000
    expect(Math.round(days)).toBe(60)
    const resources = await server.payload.find({ collection: 'subscription-resources', where: { subscription: { equals: card.id } }, depth: 0 })
    expect(resources.docs.map((r) => [r.meter, r.limit])).toEqual([['requests', 100]])
  })

  it('refuses a plan code whose plan was deleted, and leaves the code unused', async () => {
    const plan = await server.payload.create({ collection: 'plans', data: { name: 'Gone', periodUnit: 'days', periodLength: 1, price: 0 } as never })
    const [code] = (await generate({ count: 1, kind: 'plan', plan: plan.id })).codes as [string]
    await server.payload.delete({ collection: 'plans', id: plan.id })
    const res = await redeem(await newCustomer(), code)
    expect(res.status).toBe(400)
    expect(res.body.errors[0].message).toMatch(/plan of this code no longer exists/)
    expect((await codeDoc(code)).status).toBe('active')
  })
})

describe('voiding and editing', () => {
  it('voids and reactivates unused codes', async () => {
    const [code] = (await generate({ count: 1, kind: 'balance', amount: 1 })).codes as [string]
    const { id } = await codeDoc(code)
    expect((await patch(`/api/redemption-codes/${id}`, staff.finance, { status: 'void' })).status).toBe(200)
    expect((await patch(`/api/redemption-codes/${id}`, staff.finance, { status: 'active' })).status).toBe(200)
    expect((await patch(`/api/redemption-codes/${id}`, staff.operator, { status: 'void' })).status).toBe(403)
    expect((await patch(`/api/redemption-codes/${id}`, staff.finance, { status: 'redeemed' })).status).toBe(400)
    const forged = await patch(`/api/redemption-codes/${id}`, staff.finance, { redeemedBy: (await newCustomer()).id, redeemedAt: new Date().toISOString() })
    expect(forged.status).toBe(200)
    expect(await codeDoc(code)).toMatchObject({ status: 'active', redeemedBy: null, redeemedAt: null })
  })

  it('keeps a redeemed code as it is: no void, no reactivation, no edit, no delete', async () => {
    const customer = await newCustomer()
    const [code] = (await generate({ count: 1, kind: 'balance', amount: 1_000_000 })).codes as [string]
    expect((await redeem(customer, code)).status).toBe(200)
    const { id } = await codeDoc(code)
    for (const change of [{ status: 'void' }, { status: 'active' }, { amount: 9_000_000 }, { batch: 'renamed' }]) {
      const res = await patch(`/api/redemption-codes/${id}`, staff.admin, change)
      expect(res.status).toBe(400)
      expect(res.text).toMatch(/redeemed/)
    }
    expect((await call(`/api/redemption-codes/${id}`, staff.admin, { method: 'DELETE' })).status).toBe(400)
    expect(await codeDoc(code)).toMatchObject({ status: 'redeemed', amount: 1_000_000, redeemedBy: customer.id })
  })

  it('voids a whole batch except the codes already redeemed', async () => {
    const { batch, codes } = await generate({ count: 3, kind: 'balance', amount: 1_000_000, batch: `void-${unique()}` })
    expect((await redeem(await newCustomer(), codes[0]!)).status).toBe(200)
    const bulk = await call(`/api/redemption-codes?where[batch][equals]=${batch}`, staff.finance, {
      method: 'PATCH',
      body: JSON.stringify({ status: 'void' }),
    })
    expect(bulk.body.docs).toHaveLength(2)
    expect(bulk.body.errors).toHaveLength(1)
    expect(await Promise.all(codes.map(async (code) => (await codeDoc(code)).status))).toEqual(['redeemed', 'void', 'void'])
  })

  it('cannot void a code that a customer redeems at the same moment', async () => {
    const customers = await Promise.all(Array.from({ length: 5 }, () => newCustomer()))
    const codes = (await generate({ count: 5, kind: 'balance', amount: 1_000_000 })).codes
    const ids = await Promise.all(codes.map(async (code) => (await codeDoc(code)).id))
    const [redeemed, voided] = await Promise.all([
      Promise.all(customers.map((c, i) => redeem(c, codes[i]!))),
      Promise.all(ids.map((id) => patch(`/api/redemption-codes/${id}`, staff.finance, { status: 'void' }))),
    ])
    for (let i = 0; i < codes.length; i++) {
      const doc = await codeDoc(codes[i]!)
      const credited = (await wallet(customers[i]!.id)).gift
      // Each code ends either redeemed and credited, or void and not: never both, never neither.
      if (redeemed[i]!.status === 200) {
        expect([doc.status, credited, voided[i]!.status]).toEqual(['redeemed', 1_000_000, 400])
      } else {
        expect([doc.status, credited, voided[i]!.status]).toEqual(['void', 0, 200])
      }
    }
  })
})
