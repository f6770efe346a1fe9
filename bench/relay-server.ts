/**
 * Modelgate's relay for the benchmark, in a process of its own: the real express server without
 * Next on a fresh SQLite file, with a catalog pointing at the benchmark's mock upstream.
 *
 *   UPSTREAM_BASE_URL=http://127.0.0.1:<port>/v1 node --import tsx bench/relay-server.ts
 *
 * Prints one JSON line `{"port":N,"apiKey":"sk-..."}` on stdout once the catalog is loaded.
 * Answers `{type:"stats"}` on its IPC channel with the usage-log backlog, the rows written and the
 * event-loop delay.
 * Exits (closing the server, which flushes the usage buffer) on SIGTERM or when stdin closes.
 */
import { randomBytes } from 'node:crypto'
import { rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'

import { postEntry } from '../src/billing/ledger'
import { sqlRunnerOf } from '../src/billing/sql'
import { startServer } from '../src/server'

const upstream = process.env.UPSTREAM_BASE_URL
if (!upstream) throw new Error('UPSTREAM_BASE_URL is not set')

const dbFile = path.join(tmpdir(), `modelgate-bench-${randomBytes(6).toString('hex')}.db`)
const removeDb = () => {
  for (const suffix of ['', '-wal', '-shm']) rmSync(dbFile + suffix, { force: true })
}

const running = await startServer({
  withNext: false,
  env: {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'error',
    JOBS_AUTORUN: 'false',
    SEED_DEMO: 'false',
    DATABASE_URL: `file:${dbFile}`,
    PAYLOAD_SECRET: randomBytes(32).toString('hex'),
    MODELGATE_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    ADMIN_EMAIL: 'bench@modelgate.local',
    ADMIN_PASSWORD: randomBytes(16).toString('hex'),
  },
})
const { payload, gateway } = running

const platform = await payload.create({
  collection: 'platforms',
  data: { name: 'Bench upstream', kind: 'openai-compatible', baseUrl: upstream, status: 'active' },
})
// A wildcard: the requested name (which tells the mock how to stream) goes upstream unchanged.
// Billing on (the default): the model is priced and the customer funded, so every request reserves
// and settles money. BENCH_BILLING=off serves a free model, to show what billing costs.
const billing = process.env.BENCH_BILLING !== 'off'
const prices = billing ? { inputPrice: 1_000_000, outputPrice: 2_000_000, requestPrice: 1 } : {}
await payload.create({ collection: 'models', data: { name: 'bench-*', platforms: [platform.id], kind: 'chat', status: 'active', ...prices } })
await payload.create({
  collection: 'provider-keys',
  data: { name: 'bench', platform: platform.id, key: 'sk-bench-upstream', priority: 0, weight: 1, status: 'active' },
})
const customer = await payload.create({ collection: 'users', data: { email: 'customer@bench.local', password: randomBytes(12).toString('hex') } })
const apiKey = await payload.create({ collection: 'api-keys', data: { name: 'bench', owner: customer.id, status: 'active' } })
if (billing) {
  await sqlRunnerOf(payload).transaction((tx) =>
    postEntry(tx, { ownerId: customer.id, kind: 'top-up', bucket: 'cash', amount: 1_000_000_000_000_000, idempotencyKey: 'bench-top-up' }),
  )
}

// Catalog rebuilds after changes are debounced; wait for the last one, then load it for sure.
await new Promise((resolve) => setTimeout(resolve, 100))
await gateway.store.refresh()

let closing = false
async function shutdown() {
  if (closing) return
  closing = true
  try {
    await running.close()
  } finally {
    removeDb()
    process.exit(0)
  }
}
process.on('SIGTERM', () => void shutdown())
process.stdin.on('end', () => void shutdown())
process.stdin.resume()

// How long the event loop was held up (by synchronous work such as SQLite statements) since the last reset.
const loopDelay = monitorEventLoopDelay({ resolution: 5 })
loopDelay.enable()

// `{type:"stats", flush, reset}`: records waiting in the usage buffer, rows written (after a flush
// if asked) and the event-loop delay since the last reset.
process.on('message', async (message: { type?: string; flush?: boolean; reset?: boolean }) => {
  if (message?.type !== 'stats' || !process.send) return
  const pending = gateway.usage.pendingCount()
  const loop = { loopDelayP99Ms: loopDelay.percentile(99) / 1e6, loopDelayMaxMs: loopDelay.max / 1e6 }
  if (message.reset) loopDelay.reset()
  if (message.flush) await gateway.usage.flush()
  const { totalDocs } = await payload.count({ collection: 'usage-logs' })
  process.send({ type: 'stats', usagePending: pending, usageRows: totalDocs, ...loop })
})

const { port } = running.server.address() as AddressInfo
console.log(JSON.stringify({ port, apiKey: (apiKey as unknown as { key: string }).key }))
