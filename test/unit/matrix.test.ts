import { describe, expect, it } from '@jest/globals'

import { COLLECTION_GROUPS, groupOf, PERMISSIONS, roleCan } from '../../src/access/matrix'
import { ACTIONS, STAFF_ROLES } from '../../src/access/roles'

const ALL_SLUGS = Object.values(COLLECTION_GROUPS).flat()
const WRITES = ['create', 'update', 'delete'] as const

describe('permission matrix', () => {
  it('places every contract collection in exactly one group', () => {
    expect(new Set(ALL_SLUGS).size).toBe(ALL_SLUGS.length)
    for (const slug of ['admins', 'users', 'organizations', 'platforms', 'models', 'provider-keys', 'api-keys', 'plan-resources', 'plans', 'subscriptions', 'redemption-codes', 'orders', 'wallets', 'ledger-entries', 'usage-logs', 'conversations', 'messages', 'prompt-templates', 'media', 'audit-logs']) {
      expect(groupOf(slug)).toBeDefined()
    }
  })

  it('lets a super-admin do everything except write audit entries', () => {
    for (const slug of ALL_SLUGS) {
      for (const action of ACTIONS) {
        expect(roleCan('super-admin', slug, action)).toBe(slug !== 'audit-logs' || action === 'read' || action === 'export')
      }
    }
  })

  it('lets an auditor read and export everything and change nothing', () => {
    for (const slug of ALL_SLUGS) {
      expect(roleCan('auditor', slug, 'read')).toBe(true)
      expect(roleCan('auditor', slug, 'export')).toBe(true)
      for (const action of WRITES) expect(roleCan('auditor', slug, action)).toBe(false)
    }
  })

  it('keeps editors to content collections', () => {
    for (const slug of ALL_SLUGS) {
      for (const action of ACTIONS) expect(roleCan('editor', slug, action)).toBe(groupOf(slug) === 'content')
    }
  })

  it('gives finance the money collections and operators the rest', () => {
    for (const slug of COLLECTION_GROUPS.money) {
      for (const action of WRITES) {
        expect(roleCan('finance', slug, action)).toBe(true)
        expect(roleCan('operator', slug, action)).toBe(false)
      }
    }
    for (const group of ['customers', 'catalog', 'customerKeys', 'activity'] as const) {
      for (const slug of COLLECTION_GROUPS[group]) {
        for (const action of ACTIONS) expect(roleCan('operator', slug, action)).toBe(true)
      }
    }
  })

  it('lets only a super-admin manage staff', () => {
    for (const role of STAFF_ROLES) {
      for (const action of WRITES) expect(roleCan(role, 'admins', action)).toBe(role === 'super-admin')
    }
  })

  it('never lets anyone write the audit log', () => {
    for (const role of STAFF_ROLES) {
      for (const action of WRITES) expect(roleCan(role, 'audit-logs', action)).toBe(false)
    }
    const readers = STAFF_ROLES.filter((role) => roleCan(role, 'audit-logs', 'read'))
    expect(readers).toEqual(['super-admin', 'auditor'])
  })

  it('closes an unplaced collection to all but super-admin', () => {
    for (const role of STAFF_ROLES) expect(roleCan(role, 'something-new', 'read')).toBe(role === 'super-admin')
  })

  it('is complete: every role names every group', () => {
    for (const role of STAFF_ROLES) expect(Object.keys(PERMISSIONS[role]).sort()).toEqual(Object.keys(COLLECTION_GROUPS).sort())
  })
})
