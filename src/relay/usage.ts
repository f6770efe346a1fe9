import type { Usage } from '../billing/pricing'
import type { Charging } from './charging'
import type { MeteredUsage } from './meter'

export type UsageRecord = {
  requestId: string
  ownerId: string
  apiKeyId: string
  endpoint: string
  model: string
  upstreamModel?: string
  platformId?: string
  providerKeyId?: string
  stream: boolean
  status: 'success' | 'error' | 'client-aborted'
  httpStatus: number
  error?: string
  usage?: MeteredUsage
  attempts: number
  latencyMs: number
  ttfbMs?: number
  ip: string
  at: Date
  /** The reservation and prices to settle with; usage null charges nothing. */
  bill?: Charging & { usage: Usage | null }
}

/**
 * Collects usage records off the request path and hands them to `write` in batches: every
 * `intervalMs`, or at once when `maxBatch` are waiting. A failed write is retried with the next
 * batch rather than dropped.
 */
export function createUsageBuffer(
  write: (records: UsageRecord[]) => Promise<void>,
  { maxBatch = 200, intervalMs = 1000, onError = (_e: unknown) => {} } = {},
) {
  let pending: UsageRecord[] = []
  let flushing: Promise<void> | null = null

  async function flush(): Promise<void> {
    if (flushing) await flushing
    if (pending.length === 0) return
    const batch = pending
    pending = []
    flushing = write(batch)
      .catch((error) => {
        pending = [...batch, ...pending]
        onError(error)
      })
      .finally(() => {
        flushing = null
      })
    await flushing
  }

  const timer = setInterval(() => void flush(), intervalMs)
  timer.unref()

  return {
    add(record: UsageRecord) {
      pending.push(record)
      if (pending.length >= maxBatch) void flush()
    },
    flush,
    async close() {
      clearInterval(timer)
      await flush()
    },
    pendingCount: () => pending.length,
  }
}

export type UsageBuffer = ReturnType<typeof createUsageBuffer>
