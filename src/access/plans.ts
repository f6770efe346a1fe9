import type { Access, Where } from 'payload'

import { isCustomer, staffCan } from './staff'

const ON_SALE: Where = { onSale: { equals: true } }

/** Staff by the matrix; a signed-in customer sees the plans on sale, to choose one to buy. */
export const plansReadable: Access = ({ req }) => {
  if (staffCan(req.user, 'plans', 'read')) return true
  return isCustomer(req.user) ? ON_SALE : false
}

/** Staff by the matrix; a signed-in customer sees the resources of plans on sale, what buying one gives. */
export const planResourcesReadable: Access = async ({ req }) => {
  if (staffCan(req.user, 'plan-resources', 'read')) return true
  if (!isCustomer(req.user)) return false
  const { docs } = await req.payload.find({
    collection: 'plans',
    where: ON_SALE,
    select: { resources: true },
    depth: 0,
    pagination: false,
    overrideAccess: true,
    req,
  })
  const ids = [...new Set(docs.flatMap((plan) => (plan.resources ?? []).map((r) => (typeof r === 'object' ? r.id : r))))]
  return ids.length ? { id: { in: ids } } : false
}
