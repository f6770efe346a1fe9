import type { Access, Where } from 'payload'

import { ownersVisibleTo } from './organizations'
import { staffCan } from './staff'
import type { Action } from './roles'

/**
 * Matrix access for staff; a customer reaches only documents whose `owner` is themselves or the
 * account of an organization where their role opens this collection. A single document by id gets
 * a plain yes/no from the query, so someone else's answers 404 for lists and 403 for a direct
 * request.
 */
export const byMatrixOrOwner =
  (slug: string, action: Action): Access =>
  async ({ req }) => {
    if (staffCan(req.user, slug, action)) return true
    if (req.user?.collection !== 'users') return false
    const owners = await ownersVisibleTo(req, slug)
    const own: Where = owners.length === 1 ? { owner: { equals: owners[0] } } : { owner: { in: owners } }
    return own
  }
