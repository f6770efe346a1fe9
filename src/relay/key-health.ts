/**
 * What an upstream's failure says about the provider key that got it. A refused key (401/403, or
 * a quota/billing answer) is disabled with the reason; a busy or broken upstream (429, 5xx,
 * timeouts, connection errors) puts the key in cool-down; anything else is the request's own
 * fault and goes back to the client without trying another key.
 */
export type FailureVerdict = 'disable' | 'cool-down' | 'client-error'

const QUOTA_PATTERNS = /insufficient_quota|billing|quota exceeded|credit balance|account is not active|arrearage|余额不足/i

export function judgeUpstreamFailure(status: number | null, body = ''): FailureVerdict {
  if (status === null) return 'cool-down'
  if (status === 401 || status === 403) return 'disable'
  if (QUOTA_PATTERNS.test(body) && (status === 429 || status === 402 || status === 400)) return 'disable'
  if (status === 402) return 'disable'
  if (status === 408 || status === 429 || status >= 500) return 'cool-down'
  return 'client-error'
}

export const COOL_DOWN_MS = { rateLimited: 30_000, failing: 15_000 }

export function createCoolDowns() {
  const until = new Map<string, number>()
  return {
    isCooling: (keyId: string, now: number) => (until.get(keyId) ?? 0) > now,
    coolDown: (keyId: string, ms: number, now = Date.now()) => until.set(keyId, now + ms),
  }
}
