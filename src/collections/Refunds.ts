import type { CollectionConfig } from 'payload'

import { byMatrixOrOwner } from '../access/owner'
import { nobody } from '../access/staff'
import { moneyField } from './fields'

/** Money given back on an order: through its channel where it refunds, else to the wallet. */
export const Refunds: CollectionConfig = {
  slug: 'refunds',
  labels: { singular: 'Refund', plural: 'Refunds' },
  admin: { useAsTitle: 'reason', defaultColumns: ['createdAt', 'order', 'amount', 'destination', 'status', 'staff'], group: 'Billing' },
  access: { read: byMatrixOrOwner('refunds', 'read'), create: nobody, update: nobody, delete: nobody },
  fields: [
    { name: 'order', type: 'relationship', relationTo: 'orders', required: true, index: true },
    { name: 'owner', type: 'relationship', relationTo: 'users', required: true, index: true },
    moneyField('amount', { required: true }),
    { name: 'reason', type: 'text', required: true },
    {
      name: 'destination',
      type: 'select',
      required: true,
      options: [
        { value: 'channel', label: 'Back through the payment channel' },
        { value: 'wallet', label: 'To the wallet' },
      ],
    },
    {
      name: 'status',
      type: 'select',
      required: true,
      defaultValue: 'pending',
      options: ['pending', 'succeeded', 'failed'].map((value) => ({ value, label: value })),
    },
    { name: 'channelRefundId', type: 'text' },
    { name: 'failureReason', type: 'text' },
    { name: 'staff', type: 'relationship', relationTo: 'admins' },
  ],
}
