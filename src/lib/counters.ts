import type { Redis } from 'ioredis'
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract, type RateLimiterRes } from 'rate-limiter-flexible'

/**
 * Every key, account and plan has a limit of its own, so a counter never refuses by itself: one
 * counter serves them all and the count is compared with the limit here.
 */
const UNCAPPED = Number.MAX_SAFE_INTEGER
/** RateLimiterMemory drops a window with a timer, and Node's timers hold at most ~24.8 days. */
const MEMORY_MAX_SECONDS = 24 * 24 * 3600
export const MINUTE = 60

/** One kind of count (requests or tokens, per key, account or plan) in fixed windows that start at the first hit. */
export function counters(redis: Redis | null, prefix: string) {
  return (name: string, seconds: number): RateLimiterAbstract => {
    const keyPrefix = `${prefix}:${name}`
    const memory = new RateLimiterMemory({ keyPrefix, points: UNCAPPED, duration: Math.min(seconds, MEMORY_MAX_SECONDS) })
    if (!redis) return memory
    // While Redis is away each instance counts for itself, rather than failing every limited request.
    return new RateLimiterRedis({ storeClient: redis, keyPrefix, points: UNCAPPED, duration: seconds, rejectIfRedisNotReady: true, insuranceLimiter: memory })
  }
}

/** Whole seconds until a refused caller may try again (at least 1). */
export const retryAfter = (res: RateLimiterRes | null) => Math.max(1, Math.ceil((res?.msBeforeNext ?? MINUTE * 1000) / 1000))
