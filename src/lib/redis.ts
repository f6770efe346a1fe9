import { Redis } from 'ioredis'

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
