import type { CollectionConfig } from 'payload'

import { byMatrixOrOwner } from '../access/owner'
import { nobody } from '../access/staff'
import { moneyField } from './fields'

/** What a referrer earns on their referee's first payment, paid into their gift balance. */
export const ReferralRewards: CollectionConfig = {
  slug: 'referral-rewards',
  labels: { singular: 'Referral reward', plural: 'Referral rewards' },
  admin: { useAsTitle: 'status', defaultColumns: ['createdAt', 'owner', 'referee', 'amount', 'status'], group: 'Billing' },
  // Decided only through POST /api/referral-rewards/:id/decide, which pays through the ledger.
  access: { read: byMatrixOrOwner('referral-rewards', 'read'), create: nobody, update: nobody, delete: nobody },
  fields: [
    { name: 'owner', label: 'Referrer', type: 'relationship', relationTo: 'users', required: true, index: true },
    { name: 'referee', type: 'relationship', relationTo: 'users', required: true, unique: true },
    { name: 'order', type: 'relationship', relationTo: 'orders', required: true },
    moneyField('amount', { required: true }),
    {
      name: 'status',
      type: 'select',
      required: true,
      defaultValue: 'pending',
      options: ['pending', 'paid', 'rejected'].map((value) => ({ value, label: value })),
      admin: { description: 'Pending rewards wait for staff approval (payment settings).' },
    },
  ],
}
