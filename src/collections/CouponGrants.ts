import type { CollectionConfig } from 'payload'

import { byMatrixOrOwner } from '../access/owner'
import { byMatrix, nobody } from '../access/staff'
import { ownerField } from './fields'

/** A coupon in one customer's hands: issued by staff or claimed, used at most once. */
export const CouponGrants: CollectionConfig = {
  slug: 'coupon-grants',
  labels: { singular: 'Coupon grant', plural: 'Coupon grants' },
  admin: { useAsTitle: 'status', defaultColumns: ['coupon', 'owner', 'status', 'order', 'usedAt'], group: 'Billing' },
  // Used and given back only by orders (src/payments/coupons.ts); staff issue and withdraw grants.
  access: { read: byMatrixOrOwner('coupon-grants', 'read'), create: byMatrix('coupon-grants', 'create'), update: nobody, delete: byMatrix('coupon-grants', 'delete') },
  fields: [
    { name: 'coupon', type: 'relationship', relationTo: 'coupons', required: true, index: true },
    ownerField,
    {
      name: 'status',
      type: 'select',
      required: true,
      defaultValue: 'available',
      options: ['available', 'used', 'void'].map((value) => ({ value, label: value })),
    },
    { name: 'order', type: 'relationship', relationTo: 'orders', admin: { readOnly: true } },
    { name: 'usedAt', type: 'date', admin: { readOnly: true } },
  ],
}
