import type { CollectionConfig } from 'payload'

import { byMatrixOrOwner } from '../access/owner'
import { nobody } from '../access/staff'
import { METERS } from './PlanResources'
import { ownerField } from './fields'

/** One granted resource of a subscription and what has been used of it. Billing alone writes these. */
export const SubscriptionResources: CollectionConfig = {
  slug: 'subscription-resources',
  labels: { singular: 'Subscription resource', plural: 'Subscription resources' },
  admin: { useAsTitle: 'name', defaultColumns: ['subscription', 'name', 'meter', 'limit', 'used'], group: 'Billing', hidden: true },
  access: { read: byMatrixOrOwner('subscription-resources', 'read'), create: nobody, update: nobody, delete: nobody },
  fields: [
    ownerField,
    { name: 'subscription', type: 'relationship', relationTo: 'subscriptions', required: true, index: true },
    { name: 'planResource', type: 'relationship', relationTo: 'plan-resources' },
    { name: 'name', type: 'text' },
    { name: 'models', type: 'json', required: true },
    { name: 'meter', type: 'select', required: true, options: METERS },
    { name: 'limit', type: 'number', required: true, admin: { description: '−1 = unlimited.' } },
    { name: 'used', type: 'number', required: true, defaultValue: 0 },
    { name: 'reserved', type: 'number', required: true, defaultValue: 0 },
  ],
}
