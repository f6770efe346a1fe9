import { describe, expect, it } from '@jest/globals'

import { unitsText } from '../../src/lib/units'

describe('amounts in messages', () => {
  it('shows two decimals, more only when the amount has them, and never rounds', () => {
    expect(unitsText(5_000_000)).toBe('5.00')
    expect(unitsText(12_500_000)).toBe('12.50')
    expect(unitsText(5_004_000)).toBe('5.004')
    expect(unitsText(123)).toBe('0.000123')
    expect(unitsText(0)).toBe('0.00')
    expect(unitsText(-2_750_000)).toBe('-2.75')
  })
})
