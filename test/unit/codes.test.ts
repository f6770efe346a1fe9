import { describe, expect, it } from '@jest/globals'

import { benefitOf, CODE_ALPHABET, generateCode, generateCodes, MAX_BATCH, normalizeCode, parseBatch } from '../../src/billing/codes'

const FORMAT = /^[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){3}$/

describe('code generation', () => {
  it('uses 32 symbols without 0, O, 1 or I', () => {
    expect(new Set(CODE_ALPHABET).size).toBe(32)
    expect(CODE_ALPHABET).not.toMatch(/[01IO]/)
  })

  it('makes XXXX-XXXX-XXXX-XXXX codes from that alphabet', () => {
    for (let i = 0; i < 1000; i++) expect(generateCode()).toMatch(FORMAT)
  })

  it('gives a full batch of distinct codes', () => {
    const codes = generateCodes(MAX_BATCH)
    expect(codes).toHaveLength(MAX_BATCH)
    expect(new Set(codes).size).toBe(MAX_BATCH)
  })

  it('uses every symbol about equally often', () => {
    const counts = new Map<string, number>()
    for (const code of generateCodes(4000)) for (const symbol of code.replace(/-/g, '')) counts.set(symbol, (counts.get(symbol) ?? 0) + 1)
    expect(counts.size).toBe(32)
    // 64,000 symbols: 2,000 expected each; a biased mapping would be far off.
    for (const count of counts.values()) expect(Math.abs(count - 2000)).toBeLessThan(250)
  })
})

describe('normalizeCode', () => {
  it('regroups a generated code however it was typed', () => {
    const code = generateCode()
    expect(normalizeCode(code.toLowerCase())).toBe(code)
    expect(normalizeCode(` ${code.replace(/-/g, '')} `)).toBe(code)
    expect(normalizeCode(code.replace(/-/g, ' '))).toBe(code)
  })

  it('keeps codes staff typed themselves, in upper case', () => {
    expect(normalizeCode(' welcome-2026 ')).toBe('WELCOME-2026')
  })
})

describe('benefitOf', () => {
  it('reads each kind', () => {
    expect(benefitOf({ kind: 'balance', amount: 5_000_000 })).toEqual({ kind: 'balance', amount: 5_000_000 })
    expect(benefitOf({ kind: 'plan', plan: { id: 'p1', name: 'Pro' } })).toEqual({ kind: 'plan', planId: 'p1' })
    expect(benefitOf({ kind: 'requests', requests: 100, validityDays: 30 })).toEqual({ kind: 'requests', requests: 100, validityDays: 30 })
  })

  it('says what is missing', () => {
    expect(benefitOf({ kind: 'balance', amount: 0 })).toMatchObject({ field: 'amount', message: expect.stringMatching(/amount/) })
    expect(benefitOf({ kind: 'balance', amount: 1.5 })).toMatchObject({ field: 'amount', message: expect.stringMatching(/whole number/) })
    expect(benefitOf({ kind: 'plan' })).toMatchObject({ field: 'plan' })
    expect(benefitOf({ kind: 'requests', requests: 10 })).toMatchObject({ field: 'validityDays' })
    expect(benefitOf({ kind: 'requests', validityDays: 10 })).toMatchObject({ field: 'requests' })
    expect(benefitOf({ kind: 'gold' })).toMatchObject({ field: 'kind' })
  })
})

describe('parseBatch', () => {
  const now = new Date('2026-11-22T10:00:00Z')

  it('accepts a batch and names it when unnamed', () => {
    const batch = parseBatch({ count: 3, kind: 'balance', amount: 1_000_000 }, now)
    expect(batch).toMatchObject({ count: 3, expiresAt: null, benefit: { kind: 'balance', amount: 1_000_000 } })
    expect((batch as { batch: string }).batch).toMatch(/^2026-11-22-[0-9a-f]{6}$/)
    expect(parseBatch({ count: 1, kind: 'balance', amount: 1, batch: ' promo ', expiresAt: '2027-01-01' }, now)).toMatchObject({
      batch: 'promo',
      expiresAt: new Date('2027-01-01T00:00:00Z'),
    })
  })

  it('refuses bad counts, past expiries and bodies that are not objects', () => {
    expect(parseBatch({ count: MAX_BATCH + 1, kind: 'balance', amount: 1 }, now)).toMatch(/count/)
    expect(parseBatch({ count: 0, kind: 'balance', amount: 1 }, now)).toMatch(/count/)
    expect(parseBatch({ count: '5', kind: 'balance', amount: 1 }, now)).toMatch(/count/)
    expect(parseBatch({ count: 1, kind: 'balance', amount: 1, expiresAt: '2026-01-01' }, now)).toMatch(/past/)
    expect(parseBatch({ count: 1, kind: 'balance', amount: 1, expiresAt: 'soon' }, now)).toMatch(/date/)
    expect(parseBatch([1], now)).toMatch(/object/)
  })
})
