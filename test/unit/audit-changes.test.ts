import { describe, expect, it } from '@jest/globals'

import { AUTH_SECRET_FIELDS, diffDocuments, MASK } from '../../src/audit/changes'

describe('diffDocuments', () => {
  it('lists every set field of a created document with old = null', () => {
    expect(diffDocuments(null, { id: '1', name: 'A', kind: 'demo', updatedAt: 'x', createdAt: 'x' }, [])).toEqual([
      { field: 'name', old: null, new: 'A' },
      { field: 'kind', old: null, new: 'demo' },
    ])
  })

  it('lists only changed fields of an update, with old and new values', () => {
    const before = { id: '1', name: 'A', status: 'active', tags: ['x'] }
    const after = { id: '1', name: 'B', status: 'active', tags: ['x', 'y'] }
    expect(diffDocuments(before, after, [])).toEqual([
      { field: 'name', old: 'A', new: 'B' },
      { field: 'tags', old: ['x'], new: ['x', 'y'] },
    ])
  })

  it('compares relationships by id whatever their depth', () => {
    const before = { platforms: [{ id: 'p1', name: 'Demo' }] }
    expect(diffDocuments(before, { platforms: ['p1'] }, [])).toEqual([])
    expect(diffDocuments(before, { platforms: ['p1', 'p2'] }, [])).toEqual([{ field: 'platforms', old: ['p1'], new: ['p1', 'p2'] }])
  })

  it('masks secret fields on both sides', () => {
    expect(diffDocuments({ key: 'sk-old' }, { key: 'sk-new' }, ['key'])).toEqual([{ field: 'key', old: MASK, new: MASK }])
    expect(diffDocuments(null, { key: 'sk-new' }, ['key'])).toEqual([{ field: 'key', old: null, new: MASK }])
    expect(diffDocuments({ key: 'sk-old' }, null, ['key'])).toEqual([{ field: 'key', old: MASK, new: null }])
  })

  it('records a password change, which only the submitted data shows', () => {
    expect(diffDocuments({ email: 'a@b.c' }, { email: 'a@b.c' }, AUTH_SECRET_FIELDS, { password: 'new-password' })).toEqual([
      { field: 'password', old: MASK, new: MASK },
    ])
  })

  it('shows a new hash and salt as one password change', () => {
    expect(diffDocuments({ hash: 'h1', salt: 's1' }, { hash: 'h2', salt: 's2' }, AUTH_SECRET_FIELDS, { password: 'p' })).toEqual([
      { field: 'password', old: MASK, new: MASK },
    ])
  })

  it('ignores sign-in bookkeeping', () => {
    expect(diffDocuments({ loginAttempts: 0, sessions: [] }, { loginAttempts: 1, sessions: [{ id: 's' }] }, [])).toEqual([])
  })

  it('lists every field of a deleted document with new = null', () => {
    expect(diffDocuments({ id: '1', name: 'A' }, null, [])).toEqual([{ field: 'name', old: 'A', new: null }])
  })
})
