import type { Redis } from 'ioredis'

import { RelayError } from './errors'

type LimitedKey = { id: string; rpmLimit?: number; tpmLimit?: number }

/** What a limiter counts per key and minute; in this process, or shared through Redis. */
type Counters = {
  addRequest(keyId: string, minute: number): Promise<number>
  tokens(keyId: string, minute: number): Promise<number>
  addTokens(keyId: string, minute: number, tokens: number): Promise<void>
}

function memoryCounters(): Counters {
  const windows = new Map<string, { minute: number; requests: number; tokens: number }>()
  const windowOf = (keyId: string, minute: number) => {
    let w = windows.get(keyId)
    if (!w || w.minute !== minute) {
      w = { minute, requests: 0, tokens: 0 }
      windows.set(keyId, w)
    }
    return w
  }
  return {
    addRequest: async (keyId, minute) => ++windowOf(keyId, minute).requests,
    tokens: async (keyId, minute) => windowOf(keyId, minute).tokens,
    addTokens: async (keyId, minute, tokens) => {
      windowOf(keyId, minute).tokens += tokens
    },
  }
}

/** Counters every instance shares, so a limit holds however many instances run. */
function redisCounters(redis: Redis): Counters {
  const name = (kind: string, keyId: string, minute: number) => `modelgate:limit:${kind}:${keyId}:${minute}`
  return {
    async addRequest(keyId, minute) {
      const [[, count]] = (await redis.multi().incr(name('rpm', keyId, minute)).expire(name('rpm', keyId, minute), 120).exec()) as [[null, number]]
      return count
    },
    tokens: async (keyId, minute) => Number((await redis.get(name('tpm', keyId, minute))) ?? 0),
    async addTokens(keyId, minute, tokens) {
      await redis.multi().incrby(name('tpm', keyId, minute), tokens).expire(name('tpm', keyId, minute), 120).exec()
    },
  }
}

/**
 * Per-key requests-per-minute and tokens-per-minute in fixed one-minute windows. Keys without
 * limits cost nothing: no counter is touched for them.
 */
export function createRateLimiter(redis: Redis | null = null) {
  const counters = redis ? redisCounters(redis) : memoryCounters()
  const minuteOf = (now: number) => Math.floor(now / 60_000)
  return {
    async admit(key: LimitedKey, now = Date.now()) {
      if (key.tpmLimit !== undefined && (await counters.tokens(key.id, minuteOf(now))) >= key.tpmLimit) {
        throw new RelayError(429, `Rate limit reached: this key allows ${key.tpmLimit} tokens per minute.`, 'rate_limit_exceeded', 'tokens')
      }
      if (key.rpmLimit !== undefined && (await counters.addRequest(key.id, minuteOf(now))) > key.rpmLimit) {
        throw new RelayError(429, `Rate limit reached: this key allows ${key.rpmLimit} requests per minute.`, 'rate_limit_exceeded', 'requests')
      }
    },
    async spend(key: LimitedKey, tokens: number, now = Date.now()) {
      if (key.tpmLimit !== undefined && tokens > 0) await counters.addTokens(key.id, minuteOf(now), tokens)
    },
  }
}
