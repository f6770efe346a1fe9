import type { CollectionConfig } from 'payload'

import { matrixAccess } from '../access/staff'
import { moneyField } from './fields'
import { ORDER_KINDS } from './Orders'

/**
 * Discounts on orders. Staff issue a coupon to chosen customers or publish it for anyone to claim;
 * each grant is used at most once, together with the order that uses it (src/payments/coupons.ts).
 */
export const Coupons: CollectionConfig = {
  slug: 'coupons',
  labels: { singular: 'Coupon', plural: 'Coupons' },
  admin: { useAsTitle: 'name', defaultColumns: ['name', 'code', 'kind', 'amount', 'percent', 'used', 'totalLimit', 'endsAt'], group: 'Billing' },
  access: matrixAccess('coupons'),
  fields: [
    { name: 'name', type: 'text', required: true },
    { name: 'code', type: 'text', unique: true, index: true, admin: { description: 'What customers type to claim a published coupon.' } },
    {
      name: 'kind',
      type: 'select',
      required: true,
      defaultValue: 'fixed',
      options: [
        { value: 'fixed', label: 'Fixed amount' },
        { value: 'percent', label: 'Percentage' },
      ],
    },
    moneyField('amount', { description: 'Taken off the order (fixed amount).' }),
    { name: 'percent', type: 'number', min: 1, max: 100, admin: { description: 'Percent off (percentage).', condition: (data) => data?.kind === 'percent' } },
    moneyField('maxDiscount', { label: 'Largest discount', description: 'Caps a percentage discount; 0: no cap.' }),
    moneyField('minimumSpend', { description: 'The order must list at least this much.' }),
    { name: 'orderKinds', type: 'select', hasMany: true, options: ORDER_KINDS.map((value) => ({ value, label: value })), admin: { description: 'Empty: every kind.' } },
    { name: 'startsAt', type: 'date' },
    { name: 'endsAt', type: 'date' },
    { name: 'totalLimit', type: 'number', min: 0, admin: { description: 'How many times it can be used in all; empty: no limit.' } },
    { name: 'perUserLimit', type: 'number', min: 1, defaultValue: 1, admin: { description: 'How many grants one customer may hold.' } },
    { name: 'used', type: 'number', defaultValue: 0, access: { create: () => false, update: () => false }, admin: { readOnly: true } },
    { name: 'published', type: 'checkbox', defaultValue: false, admin: { description: 'Anyone may claim it with its code.' } },
  ],
}
