import { describe, expect, it } from '@jest/globals'

import { timeOrderedId } from '../../src/lib/ids'

describe('time-ordered ids', () => {
  it('are version 7 UUIDs that sort by their millisecond, and differ within one', () => {
    const at = Date.UTC(2026, 10, 30, 3, 0, 0, 123)
    const id = timeOrderedId(at)
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at)
    const later = Array.from({ length: 100 }, (_, i) => timeOrderedId(at + 1 + i))
    expect([...later].sort()).toEqual(later)
    expect(later.every((next) => next > id)).toBe(true)
    expect(new Set(Array.from({ length: 1000 }, () => timeOrderedId(at))).size).toBe(1000)
  })
})
