import { RelayError } from './errors'

/**
 * Per-key requests-per-minute and tokens-per-minute in fixed one-minute windows, in this process.
 * (Several instances share limits through Redis once billing's shared counters land.)
 */
export function createRateLimiter() {
  const windows = new Map<string, { minute: number; requests: number; tokens: number }>()

  const windowOf = (keyId: string, now: number) => {
    const minute = Math.floor(now / 60_000)
    let w = windows.get(keyId)
    if (!w || w.minute !== minute) {
      w = { minute, requests: 0, tokens: 0 }
      windows.set(keyId, w)
    }
    return w
  }

  return {
    admit(key: { id: string; rpmLimit?: number; tpmLimit?: number }, now = Date.now()) {
      const w = windowOf(key.id, now)
      if (key.rpmLimit !== undefined && w.requests >= key.rpmLimit) {
        throw new RelayError(429, `Rate limit reached: this key allows ${key.rpmLimit} requests per minute.`, 'rate_limit_exceeded', 'requests')
      }
      if (key.tpmLimit !== undefined && w.tokens >= key.tpmLimit) {
        throw new RelayError(429, `Rate limit reached: this key allows ${key.tpmLimit} tokens per minute.`, 'rate_limit_exceeded', 'tokens')
      }
      w.requests += 1
    },
    spend(keyId: string, tokens: number, now = Date.now()) {
      windowOf(keyId, now).tokens += tokens
    },
  }
}
