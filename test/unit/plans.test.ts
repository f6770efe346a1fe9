import { describe, expect, it } from '@jest/globals'

import {
  acceptsSync,
  addPeriod,
  covers,
  grantedLimit,
  grantOf,
  missingResources,
  remaining,
  renewedExpiry,
  renewedLimit,
  statusAfterExpiryEdit,
  statusAfterReset,
  termsOf,
  UNLIMITED,
} from '../../src/billing/plans'
import { planUnits, type Usage } from '../../src/billing/pricing'

const utc = (text: string) => new Date(`${text}Z`)
const iso = (date: Date) => date.toISOString().replace('.000Z', '')

describe('billing periods', () => {
  it('adds days, months and years in UTC, keeping the time of day', () => {
    expect(iso(addPeriod(utc('2026-05-30T10:15:00'), { periodUnit: 'days', periodLength: 3 }))).toBe('2026-06-02T10:15:00')
    expect(iso(addPeriod(utc('2026-05-30T10:15:00'), { periodUnit: 'months', periodLength: 1 }))).toBe('2026-06-30T10:15:00')
    expect(iso(addPeriod(utc('2026-11-15T00:00:00'), { periodUnit: 'months', periodLength: 3 }))).toBe('2027-02-15T00:00:00')
    expect(iso(addPeriod(utc('2026-03-01T00:00:00'), { periodUnit: 'years', periodLength: 2 }))).toBe('2028-03-01T00:00:00')
  })

  it('clamps to the end of a shorter month', () => {
    expect(iso(addPeriod(utc('2026-01-31T08:00:00'), { periodUnit: 'months', periodLength: 1 }))).toBe('2026-02-28T08:00:00')
    expect(iso(addPeriod(utc('2028-01-31T08:00:00'), { periodUnit: 'months', periodLength: 1 }))).toBe('2028-02-29T08:00:00')
    expect(iso(addPeriod(utc('2026-03-31T00:00:00'), { periodUnit: 'months', periodLength: 1 }))).toBe('2026-04-30T00:00:00')
    expect(iso(addPeriod(utc('2028-02-29T00:00:00'), { periodUnit: 'years', periodLength: 1 }))).toBe('2029-02-28T00:00:00')
  })

  it('gives "until used up" one year whatever the length', () => {
    expect(iso(addPeriod(utc('2026-05-30T00:00:00'), { periodUnit: 'until-used-up', periodLength: 5 }))).toBe('2027-05-30T00:00:00')
  })

  it('renews from the current end, not from now', () => {
    const monthly = { periodUnit: 'months', periodLength: 1 } as const
    expect(iso(renewedExpiry(utc('2026-05-30T00:00:00'), utc('2026-05-10T00:00:00'), monthly))).toBe('2026-06-30T00:00:00')
    // A subscription already past its end (not yet marked) renews from now.
    expect(iso(renewedExpiry(utc('2026-05-01T00:00:00'), utc('2026-05-10T00:00:00'), monthly))).toBe('2026-06-10T00:00:00')
  })

  it('copies the plan into a new subscription: name, rate limit and expiry', () => {
    const plan = { name: 'Pro', periodUnit: 'months', periodLength: 1, rateLimitRequests: 100, rateLimitHours: 5 } as const
    expect(termsOf(plan, utc('2026-01-31T00:00:00'))).toEqual({
      planName: 'Pro',
      startsAt: utc('2026-01-31T00:00:00'),
      expiresAt: utc('2026-02-28T00:00:00'),
      rateLimitRequests: 100,
      rateLimitHours: 5,
    })
  })
})

describe('granted amounts', () => {
  it('multiplies each limit by the quantity multiplier; unlimited stays unlimited', () => {
    expect(grantedLimit(1000, 10)).toBe(10_000)
    expect(grantedLimit(100, 0.29)).toBe(29)
    expect(grantedLimit(500, 0)).toBe(0)
    expect(grantedLimit(UNLIMITED, 10)).toBe(UNLIMITED)
  })

  it('snapshots a plan resource with the multiplied limit', () => {
    const resource = { id: 'r1', name: 'GPT-4o tokens', models: ['gpt-4o*'], meter: 'tokens', limit: 1000 } as const
    const grant = grantOf({ ...resource, models: [...resource.models] }, 10)
    expect(grant).toEqual({ planResourceId: 'r1', name: 'GPT-4o tokens', models: ['gpt-4o*'], meter: 'tokens', limit: 10_000 })
  })

  it('adds a renewal to what is left; unlimited on either side stays unlimited', () => {
    expect(renewedLimit(10_000, 10_000)).toBe(20_000)
    expect(renewedLimit(UNLIMITED, 500)).toBe(UNLIMITED)
    expect(renewedLimit(500, UNLIMITED)).toBe(UNLIMITED)
  })
})

describe('plan resources', () => {
  it('cover models by name or wildcard', () => {
    expect(covers({ models: ['gpt-4o*'] }, 'gpt-4o-mini')).toBe(true)
    expect(covers({ models: ['gpt-4o*'] }, 'gpt-4')).toBe(false)
    expect(covers({ models: ['claude-3-haiku', 'deepseek-chat'] }, 'deepseek-chat')).toBe(true)
    expect(covers({ models: ['*'] }, 'anything-at-all')).toBe(true)
  })

  it('count requests once, tokens and characters on input and output', () => {
    const usage: Usage = { promptTokens: 120, completionTokens: 30, cachedTokens: 0, inputCharacters: 400, outputCharacters: 90 }
    const plain = { inputMultiplier: 1, outputMultiplier: 1 }
    expect(planUnits('requests', plain, usage)).toBe(1)
    expect(planUnits('tokens', plain, usage)).toBe(150)
    expect(planUnits('characters', plain, usage)).toBe(490)
  })

  it('leave what is neither used nor held; −1 never runs out', () => {
    expect(remaining({ limit: 100, used: 60, reserved: 10 })).toBe(30)
    expect(remaining({ limit: 100, used: 120, reserved: 0 })).toBe(0)
    expect(remaining({ limit: UNLIMITED, used: 1e9, reserved: 0 })).toBe(Number.POSITIVE_INFINITY)
  })
})

describe('sync and status rules', () => {
  const now = utc('2026-06-01T00:00:00')
  const later = utc('2026-07-01T00:00:00')
  const earlier = utc('2026-05-01T00:00:00')

  it('syncs only subscriptions still in use', () => {
    expect(acceptsSync({ status: 'active', expiresAt: later }, now)).toBe(true)
    expect(acceptsSync({ status: 'active', expiresAt: earlier }, now)).toBe(false)
    expect(acceptsSync({ status: 'exhausted', expiresAt: later }, now)).toBe(false)
    expect(acceptsSync({ status: 'expired', expiresAt: earlier }, now)).toBe(false)
    expect(acceptsSync({ status: 'cancelled', expiresAt: later }, now)).toBe(false)
  })

  it('adds only the resources a subscription does not hold', () => {
    const resources = [{ id: 'a' }, { id: 'b' }, { id: 'c' }]
    expect(missingResources(resources, ['a', null, 'c'])).toEqual([{ id: 'b' }])
    expect(missingResources(resources, ['a', 'b', 'c'])).toEqual([])
  })

  it('moves the status with an edited expiry', () => {
    expect(statusAfterExpiryEdit('active', earlier, now)).toBe('expired')
    expect(statusAfterExpiryEdit('expired', later, now)).toBe('active')
    expect(statusAfterExpiryEdit('active', later, now)).toBe('active')
    expect(statusAfterExpiryEdit('exhausted', later, now)).toBe('exhausted')
    expect(statusAfterExpiryEdit('cancelled', later, now)).toBe('cancelled')
  })

  it('reactivates a used-up subscription on reset only while its time runs', () => {
    expect(statusAfterReset('exhausted', later, now)).toBe('active')
    expect(statusAfterReset('exhausted', earlier, now)).toBe('exhausted')
    expect(statusAfterReset('expired', later, now)).toBe('expired')
  })
})
