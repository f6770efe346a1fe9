import { describe, expect, it } from '@jest/globals'

import { cleanTitle, provisionalTitle, UNTITLED } from '../../src/chat/title'

describe('conversation titles', () => {
  it('starts with the first words of the question, on one line and cut short', () => {
    expect(provisionalTitle('  How do\n tides   work? ')).toBe('How do tides work?')
    expect(provisionalTitle('x'.repeat(100))).toHaveLength(40)
    expect(provisionalTitle('x'.repeat(100)).endsWith('…')).toBe(true)
    expect(provisionalTitle('', ['report.pdf'])).toBe('report.pdf')
    expect(provisionalTitle('  ')).toBe(UNTITLED)
  })

  it("takes the model's first line without quotes, labels or a final stop", () => {
    expect(cleanTitle('"Tides explained."\nMore text')).toBe('Tides explained')
    expect(cleanTitle('标题：《潮汐的成因》')).toBe('潮汐的成因')
    expect(cleanTitle('# Title: Ocean tides')).toBe('Ocean tides')
    expect(cleanTitle('  \n ')).toBeUndefined()
  })
})
