import type { Redis } from 'ioredis'
import type { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible'

import { counters, MINUTE, retryAfter } from '../lib/counters'
import type { CatalogApiKey } from './catalog'
import { RelayError } from './errors'

/** A 429 that says when to come back; the HTTP layer sends `retryAfterSeconds` as `retry-after`. */
export class RateLimitError extends RelayError {
  constructor(
    message: string,
    type: 'requests' | 'tokens',
    readonly retryAfterSeconds: number,
  ) {
    super(429, `${message} Try again in ${retryAfterSeconds} s.`, 'rate_limit_exceeded', type)
  }
}

export type LimitedKey = Pick<CatalogApiKey, 'id' | 'ownerId' | 'rpmLimit' | 'tpmLimit' | 'tier'>
export type PlanRule = { requests: number; hours: number }
export type PlanVerdict = { ok: true } | { ok: false; retryAfterSeconds: number }

type Limit = { counter: RateLimiterAbstract; id: string; max: number; says: (amount: string) => string }

function refusal(limit: Limit, type: 'requests' | 'tokens', res: RateLimiterRes | null) {
  return new RateLimitError(`Rate limit reached: ${limit.says(`${limit.max} ${type}`)}.`, type, retryAfter(res))
}

/**
 * Requests and tokens per minute for each key (its own limits) and for each account (its tier's
 * limits, counted over all the account's keys), plus plans' "N requests per H hours". Counted in
 * Redis when it is configured, so a limit holds across instances; in this process otherwise. A key
 * without limits touches no counter.
 */
export function createRateLimiter(redis: Redis | null = null, { prefix = 'modelgate:limit' } = {}) {
  const counter = counters(redis, prefix)
  const requests = { key: counter('key-rpm', MINUTE), account: counter('account-rpm', MINUTE) }
  const tokens = { key: counter('key-tpm', MINUTE), account: counter('account-tpm', MINUTE) }
  const plans = new Map<number, RateLimiterAbstract>()

  function limitsOn(of: typeof requests, key: LimitedKey, perKey: number | undefined, perAccount: number | undefined): Limit[] {
    const limits: Limit[] = []
    if (perKey !== undefined) limits.push({ counter: of.key, id: key.id, max: perKey, says: (amount) => `this key allows ${amount} per minute` })
    if (perAccount !== undefined) {
      limits.push({ counter: of.account, id: key.ownerId, max: perAccount, says: (amount) => `your account's tier allows ${amount} per minute over all its keys` })
    }
    return limits
  }
  const requestLimits = (key: LimitedKey) => limitsOn(requests, key, key.rpmLimit, key.tier?.rpm)
  const tokenLimits = (key: LimitedKey) => limitsOn(tokens, key, key.tpmLimit, key.tier?.tpm)

  function planCounter(rule: PlanRule) {
    const seconds = Math.max(1, Math.round(rule.hours * 3600))
    let plan = plans.get(seconds)
    if (!plan) plans.set(seconds, (plan = counter(`plan-${seconds}s`, seconds)))
    return plan
  }

  return {
    /** Refuses a key whose minute is used up; tokens are checked first so a refused request is not counted. */
    async admit(key: LimitedKey) {
      const byTokens = tokenLimits(key)
      const byRequests = requestLimits(key)
      if (byTokens.length === 0 && byRequests.length === 0) return
      const used = await Promise.all(byTokens.map((limit) => limit.counter.get(limit.id)))
      byTokens.forEach((limit, i) => {
        if ((used[i]?.consumedPoints ?? 0) >= limit.max) throw refusal(limit, 'tokens', used[i] ?? null)
      })
      const counted = await Promise.all(byRequests.map((limit) => limit.counter.consume(limit.id)))
      byRequests.forEach((limit, i) => {
        if (counted[i]!.consumedPoints > limit.max) throw refusal(limit, 'requests', counted[i]!)
      })
    },

    /** Counts a finished request's tokens against its key's and account's minute. */
    async spend(key: LimitedKey, used: number) {
      const points = Math.ceil(used)
      const limits = tokenLimits(key)
      if (!(points > 0) || limits.length === 0) return
      await Promise.all(limits.map((limit) => limit.counter.penalty(limit.id, points)))
    },

    /** Counts one request against a plan's "at most N requests per H hours" (a fixed window from the first one). */
    async admitPlan(subscriptionId: string, rule: PlanRule): Promise<PlanVerdict> {
      const counted = await planCounter(rule).consume(subscriptionId)
      return counted.consumedPoints <= rule.requests ? { ok: true } : { ok: false, retryAfterSeconds: retryAfter(counted) }
    },
  }
}

export type RateLimiter = ReturnType<typeof createRateLimiter>
