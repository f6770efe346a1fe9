import { Redis } from 'ioredis'
import type { Payload } from 'payload'

/**
 * The one Redis connection of a process, when REDIS_URL is set. Connects lazily and fails fast
 * rather than queueing commands while Redis is away, so a dead Redis shows up as an error.
 */
export function createRedis(url: string | undefined): Redis | null {
  if (!url) return null
  return new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false })
}

export async function ensureConnected(redis: Redis) {
  if (redis.status === 'wait' || redis.status === 'end') await redis.connect()
}

const shared = new WeakMap<Payload, Redis>()

/** Lets hooks and endpoints of `payload` (which do not see the server's wiring) count through Redis. */
export function shareRedis(payload: Payload, redis: Redis | null) {
  if (redis) shared.set(payload, redis)
}

/** The process's Redis connection, for counters that several instances must share; null without REDIS_URL. */
export const redisOf = (payload: Payload): Redis | null => shared.get(payload) ?? null
