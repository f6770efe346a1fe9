import { randomUUID } from 'node:crypto'

import type { Redis } from 'ioredis'
import type { Payload } from 'payload'

import type { AppConfig } from '../config/env'
import { SUBSCRIPTIONS_CHANGED, subscriptionEvents } from '../billing/plan-coverage'
import { FREE } from '../billing/pricing'
import { createBilling } from '../billing/service'
import { sqlRunnerOf } from '../billing/sql'
import { ensureConnected } from '../lib/redis'
import { createSecrets } from '../lib/secrets'
import { catalogLoader } from './catalog-loader'
import { CATALOG_CHANGED, catalogEvents, createCatalogStore } from './catalog-store'
import { closeUpstreamPools } from './http'
import { createCoolDowns } from './key-health'
import { createRateLimiter } from './rate-limit'
import { createRelay } from './relay'
import { createUsageBuffer, type UsageRecord } from './usage'
import type { BillingPort } from './charging'
import { RelayError } from './errors'

export const CATALOG_CHANNEL = 'modelgate:catalog-changed'
export const SUBSCRIPTIONS_CHANNEL = 'modelgate:subscriptions-changed'
const DISABLED_KEY_HOLD_MS = 10 * 60_000

/** The usage log row of a relay request, in the table's own column names. */
function usageRow(r: UsageRecord) {
  return {
    request_id: r.requestId,
    owner_id: r.ownerId,
    api_key_id: r.apiKeyId || null,
    endpoint: r.endpoint,
    model: r.model,
    upstream_model: r.upstreamModel ?? null,
    platform_id: r.platformId ?? null,
    provider_key_id: r.providerKeyId ?? null,
    stream: r.stream,
    status: r.status,
    http_status: r.httpStatus,
    error: r.error?.slice(0, 1000) ?? null,
    prompt_tokens: r.usage?.promptTokens ?? 0,
    completion_tokens: r.usage?.completionTokens ?? 0,
    cached_tokens: r.usage?.cachedTokens ?? 0,
    characters: r.usage?.characters ?? 0,
    usage_source: r.usage?.source ?? null,
    attempts: r.attempts,
    latency_ms: r.latencyMs,
    ttfb_ms: r.ttfbMs ?? null,
    ip: r.ip,
    created_at: r.at.toISOString(),
    updated_at: r.at.toISOString(),
  }
}

/** Without a SQL database there is no billing, and the relay refuses rather than serve for free. */
const NO_BILLING: BillingPort = {
  reserve: async () => {
    throw new RelayError(503, 'Billing needs SQLite or Postgres; this deployment runs on MongoDB, so the relay is off.', 'billing_unavailable', 'server_error')
  },
}

function billingOf(payload: Payload, config: AppConfig, onError: (error: unknown) => void) {
  try {
    return createBilling(sqlRunnerOf(payload), {
      leaseMs: config.BILLING_LEASE_SECONDS * 1000,
      allowanceIdleMs: config.BILLING_ALLOWANCE_IDLE_SECONDS * 1000,
      onError,
    })
  } catch (error) {
    payload.logger.warn((error as Error).message)
    return null
  }
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

  const coolDowns = createCoolDowns()
  const billing = billingOf(payload, config, logError('billing timer failed'))

  // Each change is applied here and published for the other instances, which apply it on receipt.
  const instance = randomUUID()
  const onCatalogChange = () => {
    store.invalidate()
    loadSettings().catch(logError('billing settings not reloaded'))
  }
  const onSubscriptionsChange = () => billing?.forgetPlanCoverage()
  const applied: Record<string, () => void> = { [CATALOG_CHANNEL]: onCatalogChange, [SUBSCRIPTIONS_CHANNEL]: onSubscriptionsChange }
  let subscriber: Redis | null = null
  if (redis) {
    await ensureConnected(redis)
    subscriber = redis.duplicate()
    await ensureConnected(subscriber)
    await subscriber.subscribe(CATALOG_CHANNEL, SUBSCRIPTIONS_CHANNEL)
    subscriber.on('message', (channel, from) => {
      if (from !== instance) applied[channel]?.()
    })
  }
  const announced = (channel: string) => () => {
    applied[channel]!()
    redis?.publish(channel, instance).catch(logError(`${channel} not published`))
  }
  const announceCatalog = announced(CATALOG_CHANNEL)
  const announceSubscriptions = announced(SUBSCRIPTIONS_CHANNEL)
  catalogEvents.on(CATALOG_CHANGED, announceCatalog)
  subscriptionEvents.on(SUBSCRIPTIONS_CHANGED, announceSubscriptions)

  const writeUsage = async (records: UsageRecord[]) => {
    if (!billing) return
    // Chat-app sessions use no key (an empty id).
    const lastUse = new Map(records.filter((r) => r.apiKeyId).map((r) => [r.apiKeyId, r.at.toISOString()]))
    await billing.settleBatch(
      records.map((r) => ({
        hold: r.bill?.hold,
        outcome: { usage: r.bill?.usage ?? null, prices: r.bill?.prices ?? FREE, tierMultiplier: r.bill?.tierMultiplier ?? 1 },
        row: usageRow(r),
      })),
      [...lastUse],
    )
  }
  const usage = createUsageBuffer(writeUsage, { onError: logError('usage write failed') })
  let reserveOutputTokens = 4096
  const loadSettings = async () => {
    const settings = await payload.findGlobal({ slug: 'billing-settings', depth: 0 })
    reserveOutputTokens = settings.reserveOutputTokens ?? 4096
  }
  await loadSettings()
  if (billing) {
    await billing.reconcile()
    billing.start()
  }

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
    billing: billing ?? NO_BILLING,
    reserveOutputTokens: () => reserveOutputTokens,
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
    billing,
    async close() {
      catalogEvents.off(CATALOG_CHANGED, announceCatalog)
      subscriptionEvents.off(SUBSCRIPTIONS_CHANGED, announceSubscriptions)
      await store.close()
      await billing?.stop()
      await usage.close()
      await billing?.close()
      subscriber?.disconnect()
      await closeUpstreamPools()
    },
  }
}

export type Gateway = Awaited<ReturnType<typeof createGateway>>
