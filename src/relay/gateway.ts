import { randomUUID } from 'node:crypto'

import type { Redis } from 'ioredis'
import type { Payload } from 'payload'

import type { AppConfig } from '../config/env'
import { ensureConnected } from '../lib/redis'
import { createSecrets } from '../lib/secrets'
import { catalogLoader } from './catalog-loader'
import { CATALOG_CHANGED, catalogEvents, createCatalogStore } from './catalog-store'
import { closeUpstreamPools } from './http'
import { createCoolDowns } from './key-health'
import { createRateLimiter } from './rate-limit'
import { createRelay } from './relay'
import { createUsageBuffer, type UsageRecord } from './usage'

export const CATALOG_CHANNEL = 'modelgate:catalog-changed'
const DISABLED_KEY_HOLD_MS = 10 * 60_000

function usageRow(r: UsageRecord) {
  return {
    requestId: r.requestId,
    owner: r.ownerId,
    apiKey: r.apiKeyId,
    endpoint: r.endpoint,
    model: r.model,
    upstreamModel: r.upstreamModel,
    platform: r.platformId,
    providerKey: r.providerKeyId,
    stream: r.stream,
    status: r.status,
    httpStatus: r.httpStatus,
    error: r.error?.slice(0, 1000),
    promptTokens: r.usage?.promptTokens ?? 0,
    completionTokens: r.usage?.completionTokens ?? 0,
    cachedTokens: r.usage?.cachedTokens ?? 0,
    characters: r.usage?.characters ?? 0,
    usageSource: r.usage?.source,
    attempts: r.attempts,
    latencyMs: r.latencyMs,
    ttfbMs: r.ttfbMs,
    ip: r.ip,
    createdAt: r.at.toISOString(),
    updatedAt: r.at.toISOString(),
  }
}

type SqlDatabase = { drizzle?: { insert: (table: unknown) => { values: (rows: unknown[]) => Promise<unknown> } }; tables?: Record<string, unknown> }

/**
 * One multi-row insert per batch on SQL databases, with no read-back: per-row creates cost most
 * of the relay's CPU under load (see the benchmark). MongoDB takes the adapter's create.
 */
async function writeUsage(payload: Payload, records: UsageRecord[]) {
  const db = payload.db as unknown as SqlDatabase
  const table = db.tables?.usage_logs
  if (db.drizzle && table) {
    await db.drizzle.insert(table).values(records.map((r) => ({ id: randomUUID(), ...usageRow(r) })))
  } else {
    for (const r of records) await payload.db.create({ collection: 'usage-logs', data: usageRow(r) })
  }
  // Straight to the database: a key's last use is bookkeeping, not a catalog change.
  const lastUse = new Map(records.map((r) => [r.apiKeyId, r.at.toISOString()]))
  for (const [id, at] of lastUse) await payload.db.updateOne({ collection: 'api-keys', id, data: { lastUsedAt: at } })
}

/**
 * Wires the relay to this deployment: the catalog from the database (rebuilt on every change,
 * here and, through Redis, on the other instances), usage written in batches, and refused
 * provider keys disabled with the upstream's reason.
 */
export async function createGateway(payload: Payload, config: AppConfig, redis: Redis | null) {
  const secrets = createSecrets(config.MODELGATE_ENCRYPTION_KEY, config.PAYLOAD_SECRET)
  const logError = (what: string) => (error: unknown) => payload.logger.error({ err: error }, what)
  const store = createCatalogStore(catalogLoader(payload, secrets), { onError: logError('catalog rebuild failed') })
  await store.refresh()

  const instance = randomUUID()
  let subscriber: Redis | null = null
  if (redis) {
    await ensureConnected(redis)
    subscriber = redis.duplicate()
    await ensureConnected(subscriber)
    await subscriber.subscribe(CATALOG_CHANNEL)
    subscriber.on('message', (_channel, from) => {
      if (from !== instance) store.invalidate()
    })
  }
  const onChange = () => {
    store.invalidate()
    redis?.publish(CATALOG_CHANNEL, instance).catch(logError('catalog change not published'))
  }
  catalogEvents.on(CATALOG_CHANGED, onChange)

  const coolDowns = createCoolDowns()
  const usage = createUsageBuffer((records) => writeUsage(payload, records), { onError: logError('usage write failed') })

  const relay = createRelay({
    catalog: store.current,
    fingerprint: secrets.fingerprint,
    routing: { isCooling: coolDowns.isCooling, coolDown: (id, ms) => coolDowns.coolDown(id, ms), turns: new Map() },
    limits: createRateLimiter(redis),
    disableKey: (id, reason, upstreamMessage) => {
      coolDowns.coolDown(id, DISABLED_KEY_HOLD_MS)
      const at = new Date().toISOString()
      payload
        .update({
          collection: 'provider-keys',
          id,
          overrideAccess: true,
          data: { status: 'disabled-auto', disabledReason: reason, upstreamMessage: upstreamMessage.slice(0, 2000), lastError: reason, lastErrorAt: at },
        })
        .catch(logError(`could not disable provider key ${id}`))
    },
    recordUsage: usage.add,
    settings: {
      maxAttempts: config.RELAY_MAX_ATTEMPTS,
      timeouts: {
        connectMs: config.RELAY_CONNECT_TIMEOUT_MS,
        firstByteMs: config.RELAY_FIRST_BYTE_TIMEOUT_MS,
        idleMs: config.RELAY_IDLE_TIMEOUT_MS,
      },
    },
  })

  return {
    relay,
    catalog: store.current,
    store,
    usage,
    async close() {
      catalogEvents.off(CATALOG_CHANGED, onChange)
      await store.close()
      await usage.close()
      subscriber?.disconnect()
      await closeUpstreamPools()
    },
  }
}

export type Gateway = Awaited<ReturnType<typeof createGateway>>
