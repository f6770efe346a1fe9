import type { CollectionConfig } from 'payload'

import { byMatrix, nobody } from '../access/staff'
import { PAYMENT_CHANNELS } from './Orders'

/** An order's timeline: every callback received, verified or not, and every staff action on it. */
export const PaymentEvents: CollectionConfig = {
  slug: 'payment-events',
  labels: { singular: 'Payment event', plural: 'Payment events' },
  admin: { useAsTitle: 'summary', defaultColumns: ['createdAt', 'order', 'channel', 'kind', 'verified', 'outcome', 'summary'], group: 'Billing' },
  access: { read: byMatrix('payment-events', 'read'), create: nobody, update: nobody, delete: nobody },
  fields: [
    { name: 'order', type: 'relationship', relationTo: 'orders', index: true },
    { name: 'channel', type: 'select', options: PAYMENT_CHANNELS.map((value) => ({ value, label: value })) },
    {
      name: 'kind',
      type: 'select',
      required: true,
      options: ['created', 'notify', 'return', 'paid', 'refund', 'confirm', 'close', 'lock', 'unlock'].map((value) => ({ value, label: value })),
    },
    { name: 'verified', type: 'checkbox', defaultValue: false },
    {
      name: 'outcome',
      type: 'select',
      options: ['accepted', 'duplicate', 'rejected', 'held', 'failed'].map((value) => ({ value, label: value })),
    },
    { name: 'summary', type: 'text' },
    { name: 'detail', type: 'json', admin: { description: 'What the channel sent, without secrets.' } },
    { name: 'ip', label: 'IP', type: 'text' },
  ],
}
