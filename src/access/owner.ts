import type { Access, Where } from 'payload'

import { staffCan } from './staff'
import type { Action } from './roles'

/**
 * Matrix access for staff; a customer reaches only documents whose `owner` is themselves. A single
 * document by id gets a plain yes/no from the query, so someone else's answers 404 for lists and 403
 * for a direct request.
 */
export const byMatrixOrOwner =
  (slug: string, action: Action): Access =>
  ({ req }) => {
    if (staffCan(req.user, slug, action)) return true
    if (req.user?.collection !== 'users') return false
    const own: Where = { owner: { equals: req.user.id } }
    return own
  }

export const customerOrStaffCan =
  (slug: string, action: Action): Access =>
  ({ req }) =>
    staffCan(req.user, slug, action) || req.user?.collection === 'users'
