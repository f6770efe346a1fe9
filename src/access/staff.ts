import type { Access, FieldAccess, PayloadRequest, Where } from 'payload'

import { awaitsSecondFactor } from '../auth/totp'
import { roleCan } from './matrix'
import type { Action, StaffRole } from './roles'

type SignedIn = NonNullable<PayloadRequest['user']>

/** Set by the staff sign-in strategy on a session used from outside the admin IP allow-list. */
export type OutsideAllowList = { outsideAllowList?: boolean }

export type StaffUser = SignedIn & { collection: 'admins'; role: StaffRole; email: string }

export function isStaff(user: PayloadRequest['user'] | undefined): user is StaffUser {
  return Boolean(user && user.collection === 'admins')
}

export function isCustomer(user: PayloadRequest['user'] | undefined): boolean {
  return Boolean(user && user.collection === 'users')
}

/**
 * The role a staff member acts in; none while their session still owes its second factor (a
 * password alone is never enough to do anything) or is used from outside the admin IP allow-list.
 */
export function staffRoleOf(user: PayloadRequest['user'] | undefined): StaffRole | undefined {
  return isStaff(user) && !awaitsSecondFactor(user) && !(user as OutsideAllowList).outsideAllowList ? user.role : undefined
}

export function isSuperAdmin(user: PayloadRequest['user'] | undefined): boolean {
  return staffRoleOf(user) === 'super-admin'
}

/** Staff whose role the permission matrix allows `action` on `slug`. */
export function staffCan(user: PayloadRequest['user'] | undefined, slug: string, action: Action) {
  const role = staffRoleOf(user)
  return role !== undefined && roleCan(role, slug, action)
}

/** A collection-level access function driven by the permission matrix. */
export const byMatrix =
  (slug: string, action: Action): Access =>
  ({ req }) =>
    staffCan(req.user, slug, action)

/**
 * Matrix access, or the signed-in account's own document in an auth collection. A request for one
 * document by id gets a plain yes or no, so asking for someone else's answers 403 rather than 404;
 * a list is narrowed to the account itself.
 */
export const byMatrixOrSelf =
  (slug: string, action: Action): Access =>
  ({ req, id }) => {
    if (staffCan(req.user, slug, action)) return true
    if (!req.user || req.user.collection !== slug) return false
    if (id !== undefined) return String(id) === String(req.user.id)
    const self: Where = { id: { equals: req.user.id } }
    return self
  }

export const superAdminOnly: Access = ({ req }) => isSuperAdmin(req.user)
export const superAdminField: FieldAccess = ({ req }) => isSuperAdmin(req.user)
export const staffField: FieldAccess = ({ req }) => isStaff(req.user)
export const nobody: Access = () => false

/** The four collection-level operations of a staff-managed collection, straight from the matrix. */
export function matrixAccess(slug: string) {
  return {
    read: byMatrix(slug, 'read'),
    create: byMatrix(slug, 'create'),
    update: byMatrix(slug, 'update'),
    delete: byMatrix(slug, 'delete'),
  }
}
