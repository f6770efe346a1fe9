import { afterAll, describe, expect, it } from '@jest/globals'
import { Redis } from 'ioredis'

import { RelayError } from '../../src/relay/errors'
import { createRateLimiter } from '../../src/relay/rate-limit'

const redisUrl = process.env.REDIS_URL
const connections: Redis[] = []

afterAll(() => connections.forEach((c) => c.disconnect()))

/** Two limiters on two connections stand for two app instances. */
function instances() {
  return [0, 1].map(() => {
    const redis = new Redis(redisUrl!)
    connections.push(redis)
    return createRateLimiter(redis)
  })
}

const refusal = (promise: Promise<unknown>) => promise.then(() => null, (e: RelayError) => e.code)

;(redisUrl ? describe : describe.skip)('rate limits shared through Redis', () => {
  it('hold across instances: requests per minute', async () => {
    const [a, b] = instances()
    const key = { id: `rpm-${Date.now()}-${Math.random()}`, rpmLimit: 3 }
    const now = Date.now()
    expect(await Promise.all([a!.admit(key, now), b!.admit(key, now), a!.admit(key, now)])).toEqual([undefined, undefined, undefined])
    expect(await refusal(b!.admit(key, now))).toBe('rate_limit_exceeded')
    expect(await refusal(a!.admit(key, now + 60_000))).toBeNull()
  })

  it('hold across instances: tokens per minute', async () => {
    const [a, b] = instances()
    const key = { id: `tpm-${Date.now()}-${Math.random()}`, tpmLimit: 100 }
    const now = Date.now()
    await a!.admit(key, now)
    await a!.spend(key, 60, now)
    await b!.spend(key, 50, now)
    expect(await refusal(b!.admit(key, now))).toBe('rate_limit_exceeded')
  })

  it('touch nothing for keys without limits', async () => {
    const [a] = instances()
    await a!.admit({ id: 'unlimited' })
    await a!.spend({ id: 'unlimited' }, 1000)
    expect(await connections[0]!.keys('modelgate:limit:*:unlimited:*')).toEqual([])
  })
})
