import type { Access, FieldAccess, PayloadRequest, Where } from 'payload'

import { roleCan } from './matrix'
import type { Action, StaffRole } from './roles'

type SignedIn = NonNullable<PayloadRequest['user']>

export type StaffUser = SignedIn & { collection: 'admins'; role: StaffRole; email: string }

export function isStaff(user: PayloadRequest['user'] | undefined): user is StaffUser {
  return Boolean(user && user.collection === 'admins')
}

export function isCustomer(user: PayloadRequest['user'] | undefined): boolean {
  return Boolean(user && user.collection === 'users')
}

export function staffRoleOf(user: PayloadRequest['user'] | undefined): StaffRole | undefined {
  return isStaff(user) ? user.role : undefined
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

/** Matrix access, or the signed-in account's own document in an auth collection. */
export const byMatrixOrSelf =
  (slug: string, action: Action): Access =>
  ({ req }) => {
    if (staffCan(req.user, slug, action)) return true
    if (req.user && req.user.collection === slug) {
      const self: Where = { id: { equals: req.user.id } }
      return self
    }
    return false
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
