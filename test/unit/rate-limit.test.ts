import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'

import { createRateLimiter, RateLimitError, type LimitedKey } from '../../src/relay/rate-limit'

/**
 * The in-process limiter (no REDIS_URL): per-key and per-account minutes, plans' hour windows,
 * and the 429 it answers with. Time is jest's: windows start at their first hit and last exactly
 * their length.
 */

const key = (id: string, limits: Partial<LimitedKey> = {}): LimitedKey => ({ id, ownerId: `owner-of-${id}`, ...limits })

async function refusal(promise: Promise<unknown>): Promise<RateLimitError | null> {
  try {
    await promise
    return null
  } catch (error) {
    if (!(error instanceof RateLimitError)) throw error
    return error
  }
}

beforeEach(() => {
  jest.useFakeTimers({ now: new Date('2026-11-22T10:00:00Z') })
})
afterEach(() => {
  jest.useRealTimers()
})

describe('requests per minute', () => {
  it('admits the limit, refuses the next with 429 rate_limit_exceeded and when to retry', async () => {
    const limits = createRateLimiter()
    const limited = key('k1', { rpmLimit: 2 })
    await limits.admit(limited)
    jest.advanceTimersByTime(20_000)
    await limits.admit(limited)
    const refused = await refusal(limits.admit(limited))
    expect(refused).toMatchObject({ status: 429, code: 'rate_limit_exceeded', type: 'requests', retryAfterSeconds: 40 })
    expect(refused!.message).toBe('Rate limit reached: this key allows 2 requests per minute. Try again in 40 s.')
    expect(refused!.body().error).toMatchObject({ code: 'rate_limit_exceeded', type: 'requests' })
  })

  it('opens a new window a minute after the first request', async () => {
    const limits = createRateLimiter()
    const limited = key('k1', { rpmLimit: 1 })
    await limits.admit(limited)
    jest.advanceTimersByTime(59_000)
    expect(await refusal(limits.admit(limited))).toMatchObject({ retryAfterSeconds: 1 })
    jest.advanceTimersByTime(1_000)
    expect(await refusal(limits.admit(limited))).toBeNull()
  })

  it('counts each key on its own', async () => {
    const limits = createRateLimiter()
    await limits.admit(key('a', { rpmLimit: 1 }))
    expect(await refusal(limits.admit(key('b', { rpmLimit: 1 })))).toBeNull()
    expect(await refusal(limits.admit(key('a', { rpmLimit: 1 })))).not.toBeNull()
  })

  it('refuses everything at a limit of 0', async () => {
    expect(await refusal(createRateLimiter().admit(key('k', { rpmLimit: 0 })))).toMatchObject({ retryAfterSeconds: 60 })
  })
})

describe('tokens per minute', () => {
  it('admits requests until the tokens spent reach the limit, then refuses until the window ends', async () => {
    const limits = createRateLimiter()
    const limited = key('k', { tpmLimit: 100 })
    await limits.admit(limited)
    await limits.spend(limited, 60)
    jest.advanceTimersByTime(30_000)
    await limits.admit(limited)
    await limits.spend(limited, 40)
    const refused = await refusal(limits.admit(limited))
    expect(refused).toMatchObject({ code: 'rate_limit_exceeded', type: 'tokens', retryAfterSeconds: 30 })
    expect(refused!.message).toBe('Rate limit reached: this key allows 100 tokens per minute. Try again in 30 s.')
    jest.advanceTimersByTime(30_000)
    expect(await refusal(limits.admit(limited))).toBeNull()
  })

  it('does not count a request refused for its tokens against its requests', async () => {
    const limits = createRateLimiter()
    const limited = key('k', { tpmLimit: 10, rpmLimit: 2 })
    await limits.admit(limited)
    await limits.spend(limited, 10)
    expect(await refusal(limits.admit(limited))).toMatchObject({ type: 'tokens' })
    expect(await refusal(limits.admit(limited))).toMatchObject({ type: 'tokens' })
    jest.advanceTimersByTime(60_000)
    await limits.admit(limited)
    await limits.admit(limited)
    expect(await refusal(limits.admit(limited))).toMatchObject({ type: 'requests' })
  })

  it('ignores nothing-used and rounds fractions up', async () => {
    const limits = createRateLimiter()
    const limited = key('k', { tpmLimit: 2 })
    await limits.spend(limited, 0)
    await limits.spend(limited, 1.2)
    expect(await refusal(limits.admit(limited))).toMatchObject({ type: 'tokens' })
  })
})

describe("an account's tier", () => {
  const tier = { id: 'gold', rpm: 3, tpm: 50, priceMultiplier: 1 }

  it('limits requests over all the keys of one owner', async () => {
    const limits = createRateLimiter()
    const [a, b] = ['a', 'b'].map((id) => ({ id, ownerId: 'owner-1', tier }))
    await limits.admit(a!)
    await limits.admit(b!)
    await limits.admit(a!)
    const refused = await refusal(limits.admit(b!))
    expect(refused).toMatchObject({ code: 'rate_limit_exceeded', type: 'requests' })
    expect(refused!.message).toMatch(/^Rate limit reached: your account's tier allows 3 requests per minute over all its keys\./)
    // Another owner in the same tier has a minute of their own.
    expect(await refusal(limits.admit({ id: 'c', ownerId: 'owner-2', tier }))).toBeNull()
  })

  it('limits tokens over all the keys of one owner', async () => {
    const limits = createRateLimiter()
    const [a, b] = ['a', 'b'].map((id) => ({ id, ownerId: 'owner-1', tier }))
    await limits.spend(a!, 30)
    await limits.spend(b!, 20)
    expect(await refusal(limits.admit(a!))).toMatchObject({ type: 'tokens' })
  })

  it('applies on top of the key’s own, tighter limit', async () => {
    const limits = createRateLimiter()
    const tight = { id: 'a', ownerId: 'owner-1', tier, rpmLimit: 1 }
    await limits.admit(tight)
    expect((await refusal(limits.admit(tight)))!.message).toMatch(/this key allows 1 requests/)
    await limits.admit({ id: 'b', ownerId: 'owner-1', tier })
    // The refused request still counted for the account: 3 so far.
    expect((await refusal(limits.admit({ id: 'b', ownerId: 'owner-1', tier })))!.message).toMatch(/your account's tier/)
  })

  it('leaves limits that are not set unlimited', async () => {
    const limits = createRateLimiter()
    const onlyTokens = { id: 'a', ownerId: 'o', tier: { id: 't', tpm: 5, priceMultiplier: 1 } }
    for (let i = 0; i < 100; i++) await limits.admit(onlyTokens)
  })
})

describe("a plan's N requests per H hours", () => {
  it('admits N requests in a window of H hours from the first, then says when the window ends', async () => {
    const limits = createRateLimiter()
    const rule = { requests: 2, hours: 5 }
    expect(await limits.admitPlan('sub-1', rule)).toEqual({ ok: true })
    jest.advanceTimersByTime(60 * 60_000)
    expect(await limits.admitPlan('sub-1', rule)).toEqual({ ok: true })
    expect(await limits.admitPlan('sub-1', rule)).toEqual({ ok: false, retryAfterSeconds: 4 * 3600 })
    jest.advanceTimersByTime(4 * 60 * 60_000 - 1_000)
    expect(await limits.admitPlan('sub-1', rule)).toEqual({ ok: false, retryAfterSeconds: 1 })
    jest.advanceTimersByTime(1_000)
    expect(await limits.admitPlan('sub-1', rule)).toEqual({ ok: true })
  })

  it('counts each subscription, and each window length, on its own', async () => {
    const limits = createRateLimiter()
    await limits.admitPlan('sub-1', { requests: 1, hours: 1 })
    expect(await limits.admitPlan('sub-2', { requests: 1, hours: 1 })).toEqual({ ok: true })
    expect(await limits.admitPlan('sub-1', { requests: 1, hours: 24 })).toEqual({ ok: true })
    expect((await limits.admitPlan('sub-1', { requests: 1, hours: 1 })).ok).toBe(false)
  })

  it('is a plain function, as billing calls it', async () => {
    const { admitPlan } = createRateLimiter()
    expect(await admitPlan('sub-1', { requests: 1, hours: 1.5 })).toEqual({ ok: true })
    expect(await admitPlan('sub-1', { requests: 1, hours: 1.5 })).toEqual({ ok: false, retryAfterSeconds: 5400 })
  })
})

it('keys without limits are admitted however often they are used', async () => {
  const limits = createRateLimiter()
  for (let i = 0; i < 1000; i++) await limits.admit(key('free'))
  await limits.spend(key('free'), 1_000_000)
  await limits.admit(key('free'))
})
