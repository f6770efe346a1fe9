import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import pg from 'pg'

import { findWallet, ledgerTotals } from '../../src/billing/ledger'
import { num, postgresRunner, sqliteRunner, type SqlRunner } from '../../src/billing/sql'
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '../helpers/database'
import { startFakeOpenAI, type FakeUpstream } from '../helpers/fake-openai'
import { startServerProcess, type ServerProcess } from '../helpers/processes'
import { login, rest, waitFor } from '../helpers/rest'

/**
 * kill -9 with 100 streams and 20 short (non-stream) requests in flight: the streams'
 * reservations and the allowance holding the short requests stay in the database; the next start
 * reconciles them once their leases run out, charging the streams for what had been delivered
 * when the dead process last reported and releasing the allowance. Afterwards the balance equals
 * the top-up minus the charged usage logs, the ledger matches the balance, and no reservation is
 * left.
 */

const ADMIN_EMAIL = 'root@crash.test'
const ADMIN_PASSWORD = 'root-password-crash-1'
const STREAMS = 100
const SHORT = 20
const TOP_UP = 100_000_000

let database: TestDatabase
let upstream: FakeUpstream
let server: ServerProcess | undefined
let money: SqlRunner
let pool: pg.Pool | undefined

function env() {
  return {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
    JOBS_AUTORUN: 'false',
    DATABASE_URL: database.url,
    PAYLOAD_SECRET: 'crash-test-secret-that-is-long-enough-000',
    MODELGATE_ENCRYPTION_KEY: 'cd'.repeat(32),
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    BILLING_LEASE_SECONDS: '2',
  }
}

async function post(path: string, token: string, body: unknown) {
  const res = await rest(server!.baseUrl, path, { method: 'POST', token, body: JSON.stringify(body) })
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${res.text}`)
  return res.body.doc
}

const openReservations = async () => num((await money.query('SELECT COUNT(*) AS n FROM reservations'))[0]!.n)

beforeAll(async () => {
  database = await createTestDatabase()
  upstream = await startFakeOpenAI()
  if (testDatabaseKind() === 'postgres') {
    pool = new pg.Pool({ connectionString: database.url, max: 2 })
    money = postgresRunner(pool)
  } else money = sqliteRunner(database.url)
  server = await startServerProcess(env())
}, 180_000)

afterAll(async () => {
  await server?.stop()
  await money?.close()
  await pool?.end()
  await upstream?.close()
  await database?.drop()
})

describe('a crash with streams in flight', () => {
  it('settles every reservation after restart, and the balance matches the charged usage', async () => {
    const admin = await login(server!.baseUrl, 'admins', ADMIN_EMAIL, ADMIN_PASSWORD)
    const platform = await post('/api/platforms', admin, { name: 'Slow', kind: 'openai-compatible', baseUrl: upstream.baseUrl, status: 'active' })
    await post('/api/provider-keys', admin, { name: 'slow', platform: platform.id, key: 'sk-drip', status: 'active' })
    await post('/api/models', admin, { name: 'slow-priced', platforms: [platform.id], kind: 'chat', status: 'active', outputPrice: 1_000_000_000, requestPrice: 10 })
    const stalling = await post('/api/platforms', admin, { name: 'Stalling', kind: 'openai-compatible', baseUrl: upstream.baseUrl, status: 'active' })
    await post('/api/provider-keys', admin, { name: 'stall', platform: stalling.id, key: 'sk-stall', status: 'active' })
    await post('/api/models', admin, { name: 'stalling-priced', platforms: [stalling.id], kind: 'chat', status: 'active', requestPrice: 1_000 })
    const customer = await post('/api/users', admin, { email: 'dev@crash.test', password: 'customer-password-1' })
    const apiKey = (await post('/api/api-keys', admin, { name: 'k', owner: customer.id, status: 'active' })).key as string
    await post('/api/ledger-entries', admin, { owner: customer.id, bucket: 'cash', amount: TOP_UP, note: 'Crash test top-up' })
    const listed = await waitFor(
      async () => (await rest(server!.baseUrl, '/v1/models', { headers: { authorization: `Bearer ${apiKey}` } })).text.includes('stalling-priced'),
      { timeoutMs: 10_000 },
    )
    expect(listed).not.toBeNull()
    const chat = (body: Record<string, unknown>) =>
      fetch(`${server!.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ max_tokens: 20, messages: [{ role: 'user', content: 'Hi' }], ...body }),
      })

    // Every stream has its first piece, so each holds a reservation and has delivered something.
    const readers = await Promise.all(
      Array.from({ length: STREAMS }, async () => {
        const res = await chat({ model: 'slow-priced', stream: true })
        expect(res.status).toBe(200)
        const reader = res.body!.getReader()
        await reader.read()
        return reader
      }),
    )
    // Short requests the upstream never answers: held in memory on one allowance row.
    const short = Array.from({ length: SHORT }, () => chat({ model: 'stalling-priced' }).catch(() => undefined))
    const allowances = async () => num((await money.query('SELECT COUNT(*) AS n FROM reservations WHERE allowance = ?', [true]))[0]!.n)
    expect(await waitFor(async () => (await allowances()) === 1, { timeoutMs: 6_000, intervalMs: 100 })).not.toBeNull()
    // Until a lease renewal has recorded what every stream delivered (a piece a second, nine in all).
    const recorded = await waitFor(async () => num((await money.query('SELECT COUNT(*) AS n FROM reservations WHERE delivered > 0'))[0]!.n) === STREAMS, {
      timeoutMs: 6_000,
      intervalMs: 100,
    })
    expect(recorded).not.toBeNull()
    server!.child.kill('SIGKILL')
    await server!.stop()
    server = undefined
    await Promise.allSettled(readers.map(async (reader) => reader.read().then(() => reader.cancel())))
    await Promise.all(short)
    expect(await openReservations()).toBe(STREAMS + 1)
    expect(await allowances()).toBe(1)

    server = await startServerProcess(env())
    expect(await waitFor(async () => (await openReservations()) === 0, { timeoutMs: 30_000, intervalMs: 250 })).not.toBeNull()

    const wallet = (await findWallet(money.query, customer.id))!
    const [charged] = await money.query('SELECT COUNT(*) AS n, SUM(charge) AS total FROM usage_logs WHERE owner_id = ?', [customer.id])
    const [interrupted] = await money.query("SELECT COUNT(*) AS n FROM usage_logs WHERE owner_id = ? AND status = 'interrupted'", [customer.id])
    // The allowance is released without a usage log: its requests delivered nothing.
    expect(num(interrupted!.n)).toBe(STREAMS)
    expect(num(charged!.total)).toBeGreaterThan(0)
    expect(wallet.cash).toBe(TOP_UP - num(charged!.total))
    expect(wallet.reserved).toBe(0)
    expect({ gift: wallet.gift, cash: wallet.cash, credit: wallet.credit }).toEqual(await ledgerTotals(money.query, wallet.id))
  }, 180_000)
})
