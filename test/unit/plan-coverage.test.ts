import { describe, expect, it } from '@jest/globals'

import { createPlanCoverage, type CoverageRow } from '../../src/billing/plan-coverage'

/**
 * The relay asks, before every short request, whether one of the customer's plans may take it.
 * The answer comes from memory; what it must never do is hide a plan the customer has.
 */

const HOUR = 3_600_000
const NOW = Date.UTC(2026, 10, 30, 12)
const row = (over: Partial<CoverageRow> = {}): CoverageRow => ({ models: ['gpt-4o*'], startsAt: NOW - HOUR, expiresAt: NOW + HOUR, hasRoom: true, ...over })

function coverageOver(rowsByOwner: Record<string, CoverageRow[]>, options?: { ttlMs?: number }) {
  const reads: string[] = []
  const coverage = createPlanCoverage(async (ownerId) => {
    reads.push(ownerId)
    return rowsByOwner[ownerId] ?? []
  }, options)
  return { coverage, reads }
}

describe('plan coverage hints', () => {
  it('answers from the rows: model pattern, room and the subscription period', async () => {
    const { coverage } = coverageOver({
      a: [row()],
      full: [row({ hasRoom: false })],
      later: [row({ startsAt: NOW + HOUR, expiresAt: NOW + 2 * HOUR })],
    })
    expect(await coverage.mayCover('a', 'gpt-4o-mini', NOW)).toBe(true)
    expect(await coverage.mayCover('a', 'claude-3', NOW)).toBe(false)
    expect(await coverage.mayCover('a', 'gpt-4o', NOW + 2 * HOUR)).toBe(false)
    expect(await coverage.mayCover('full', 'gpt-4o', NOW)).toBe(false)
    expect(await coverage.mayCover('later', 'gpt-4o', NOW)).toBe(false)
    expect(await coverage.mayCover('later', 'gpt-4o', NOW + HOUR + 1)).toBe(true)
    expect(await coverage.mayCover('nobody', 'gpt-4o', NOW)).toBe(false)
  })

  it('reads each owner once until told that subscriptions changed, or the rows grew old', async () => {
    const rows: Record<string, CoverageRow[]> = { a: [] }
    const { coverage, reads } = coverageOver(rows, { ttlMs: 1000 })
    for (let i = 0; i < 5; i++) expect(await coverage.mayCover('a', 'gpt-4o', NOW)).toBe(false)
    expect(reads).toEqual(['a'])

    rows.a = [row()]
    coverage.forget('a')
    expect(await coverage.mayCover('a', 'gpt-4o', NOW)).toBe(true)
    expect(reads).toEqual(['a', 'a'])

    rows.a = []
    expect(await coverage.mayCover('a', 'gpt-4o', NOW + 999)).toBe(true)
    expect(await coverage.mayCover('a', 'gpt-4o', NOW + 1000)).toBe(false)

    rows.a = [row({ expiresAt: NOW + 10 * HOUR })]
    coverage.forget()
    expect(await coverage.mayCover('a', 'gpt-4o', NOW + 2000)).toBe(true)
    expect(reads).toHaveLength(4)
  })

  it('does not keep a read that a change overlapped, so a purchase is never hidden by an older read', async () => {
    let release!: (rows: CoverageRow[]) => void
    const reads: Promise<CoverageRow[]>[] = []
    const coverage = createPlanCoverage(() => {
      const read = new Promise<CoverageRow[]>((resolve) => (release = resolve))
      reads.push(read)
      return read
    })
    const before = coverage.mayCover('a', 'gpt-4o', NOW)
    coverage.forget('a') // a plan was granted while the read above was on its way
    release([])
    expect(await before).toBe(false)

    const after = coverage.mayCover('a', 'gpt-4o', NOW)
    expect(reads).toHaveLength(2)
    release([row()])
    expect(await after).toBe(true)
  })
})
