import type { CollectionConfig } from 'payload'

import { byMatrixOrOwner } from '../access/owner'
import { nobody } from '../access/staff'
import { moneyField, ownerField } from './fields'

export const ORDER_KINDS = ['top-up', 'plan', 'membership'] as const
export const ORDER_STATUSES = ['pending', 'paid', 'failed', 'closed', 'refunding', 'refunded', 'partially-refunded'] as const
export const PAYMENT_CHANNELS = ['stripe', 'epay', 'wechat', 'alipay', 'redemption', 'manual'] as const

const options = (values: readonly string[]) => values.map((value) => ({ value, label: value[0]!.toUpperCase() + value.slice(1).replace(/-/g, ' ') }))

/**
 * What a customer buys: a top-up, a plan or a membership. Orders are created and moved only by
 * src/payments (a paid order credits the wallet or grants the plan through the ledger, once), so
 * the fields here are read-only; staff act through the order endpoints, which audit.
 */
export const Orders: CollectionConfig = {
  slug: 'orders',
  labels: { singular: 'Order', plural: 'Orders' },
  admin: {
    useAsTitle: 'number',
    defaultColumns: ['number', 'owner', 'kind', 'payable', 'channel', 'status', 'createdAt', 'paidAt'],
    group: 'Billing',
    listSearchableFields: ['number', 'channelTransactionId'],
  },
  // Nobody edits an order's fields: they move only through src/payments, by the endpoints below.
  access: { read: byMatrixOrOwner('orders', 'read'), create: nobody, update: nobody, delete: nobody },
  fields: [
    { name: 'actions', type: 'ui', admin: { components: { Field: '/components/admin/OrderActions#OrderActions' } } },
    { name: 'number', type: 'text', required: true, unique: true, index: true, admin: { readOnly: true } },
    { ...ownerField, admin: { readOnly: true } } as typeof ownerField,
    { name: 'placedBy', label: 'Placed by', type: 'relationship', relationTo: 'users', admin: { readOnly: true, description: "The member who placed an organization's order." } },
    { name: 'kind', type: 'select', required: true, index: true, options: options(ORDER_KINDS), admin: { readOnly: true } },
    { name: 'plan', type: 'relationship', relationTo: 'plans', admin: { readOnly: true } },
    { name: 'items', type: 'json', admin: { readOnly: true } },
    moneyField('listAmount', { label: 'List amount', readOnly: true }),
    { name: 'coupon', type: 'relationship', relationTo: 'coupons', admin: { readOnly: true } },
    moneyField('discount', { readOnly: true }),
    moneyField('payable', { readOnly: true, description: 'What the customer pays.' }),
    { name: 'currency', type: 'text', required: true, defaultValue: 'CNY', admin: { readOnly: true } },
    { name: 'channel', type: 'select', index: true, options: options(PAYMENT_CHANNELS), admin: { readOnly: true } },
    { name: 'channelTransactionId', label: 'Channel transaction id', type: 'text', index: true, admin: { readOnly: true } },
    { name: 'status', type: 'select', required: true, index: true, defaultValue: 'pending', options: options(ORDER_STATUSES), admin: { readOnly: true } },
    moneyField('refunded', { readOnly: true }),
    { name: 'locked', type: 'checkbox', defaultValue: false, index: true, admin: { readOnly: true, description: 'A locked order is neither credited nor refunded until unlocked.' } },
    { name: 'lockReason', type: 'text', admin: { readOnly: true } },
    { name: 'failureReason', type: 'text', admin: { readOnly: true } },
    { name: 'payUrl', label: 'Payment link', type: 'text', admin: { readOnly: true } },
    { name: 'qrCode', label: 'QR code content', type: 'text', admin: { readOnly: true } },
    { name: 'expiresAt', type: 'date', index: true, admin: { readOnly: true } },
    { name: 'paidAt', type: 'date', index: true, admin: { readOnly: true } },
    { name: 'closedAt', type: 'date', admin: { readOnly: true } },
    { name: 'staff', label: 'Staff member', type: 'relationship', relationTo: 'admins', admin: { readOnly: true, description: 'Who confirmed, closed, locked or refunded it by hand.' } },
    { name: 'staffReason', type: 'text', admin: { readOnly: true } },
    {
      name: 'timeline',
      type: 'join',
      collection: 'payment-events',
      on: 'order',
      defaultSort: 'createdAt',
      admin: { description: 'Every callback received and every action taken on this order.', defaultColumns: ['createdAt', 'kind', 'verified', 'outcome', 'summary'] },
    },
  ],
}
