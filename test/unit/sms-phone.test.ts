import { describe, expect, it } from '@jest/globals'

import { nationalNumber, normalizePhone } from '../../src/auth/sms/phone'

describe('phone numbers', () => {
  it('spells every form of a mainland mobile number the same way', () => {
    for (const typed of ['13800138000', '138 0013 8000', '+86 138-0013-8000', '8613800138000', '008613800138000']) {
      expect(normalizePhone(typed)).toBe('+8613800138000')
    }
  })

  it('keeps international numbers in E.164', () => {
    expect(normalizePhone('+852 9123 4567')).toBe('+85291234567')
    expect(normalizePhone('+1 (415) 555-2671')).toBe('+14155552671')
  })

  it('refuses what is not a mobile number with 400', () => {
    for (const typed of ['', '12345', '23800138000', '+8612345678', '+0123456789', 'abc', undefined, 13800138000]) {
      expect(() => normalizePhone(typed)).toThrow(expect.objectContaining({ status: 400 }))
    }
  })

  it('gives the national number of mainland phones only', () => {
    expect(nationalNumber('+8613800138000')).toBe('13800138000')
    expect(nationalNumber('+85291234567')).toBeNull()
  })
})
