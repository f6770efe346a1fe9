import type { CollectionConfig, DateFieldValidation, RelationshipField } from 'payload'
import { date } from 'payload/shared'

import { byMatrixOrOwner } from '../access/owner'
import { byMatrix } from '../access/staff'
import { subscriptionResourcesAfterChange, subscriptionResourcesBeforeDelete, subscriptionTermsBeforeChange } from '../hooks/subscriptions'
import { ownerField } from './fields'

export const SUBSCRIPTION_STATUSES = ['active', 'expired', 'exhausted', 'cancelled'] as const

/** Left empty on a new subscription, the date comes from the chosen plan (see subscriptionTermsBeforeChange). */
const fromPlanWhenEmpty: DateFieldValidation = (value, options) => {
  const fromPlan = options.operation === 'create' && Boolean((options.siblingData as { plan?: unknown } | undefined)?.plan)
  return date(value, { ...options, required: !fromPlan })
}

/**
 * A customer's copy of a plan, taken when it was bought or given: later edits of the plan do not
 * reach it except through an explicit sync. Its resources and counters live in
 * subscription-resources, which only billing writes.
 */
export const Subscriptions: CollectionConfig = {
  slug: 'subscriptions',
  labels: { singular: 'Subscription', plural: 'Subscriptions' },
  admin: { useAsTitle: 'planName', defaultColumns: ['owner', 'planName', 'status', 'startsAt', 'expiresAt'], group: 'Billing' },
  access: {
    read: byMatrixOrOwner('subscriptions', 'read'),
    create: byMatrix('subscriptions', 'create'),
    update: byMatrix('subscriptions', 'update'),
    delete: byMatrix('subscriptions', 'delete'),
  },
  hooks: {
    beforeChange: [subscriptionTermsBeforeChange],
    afterChange: [subscriptionResourcesAfterChange],
    beforeDelete: [subscriptionResourcesBeforeDelete],
  },
  fields: [
    // Its resources carry the owner too; a subscription stays with the customer it was given to.
    { ...(ownerField as RelationshipField), access: { update: () => false } },
    {
      name: 'plan',
      type: 'relationship',
      relationTo: 'plans',
      index: true,
      admin: { description: 'Copied when chosen: its resources, name and rate limit. Another plan replaces the resources it does not share.' },
    },
    { name: 'planName', type: 'text', admin: { readOnly: true } },
    { name: 'status', type: 'select', required: true, defaultValue: 'active', index: true, options: [...SUBSCRIPTION_STATUSES] },
    { name: 'startsAt', type: 'date', required: true, validate: fromPlanWhenEmpty, admin: { description: 'Empty: now.' } },
    {
      name: 'expiresAt',
      type: 'date',
      required: true,
      index: true,
      validate: fromPlanWhenEmpty,
      admin: { description: 'Empty: one period of the plan after the start. Moving it into the future makes an expired subscription active again.' },
    },
    {
      type: 'row',
      fields: [
        { name: 'rateLimitRequests', label: 'At most N requests', type: 'number', min: 1 },
        { name: 'rateLimitHours', label: 'per H hours', type: 'number', min: 1 },
      ],
    },
    {
      name: 'source',
      type: 'select',
      defaultValue: 'staff',
      options: ['purchase', 'registration', 'trial', 'code', 'recharge-card', 'staff'],
      admin: { readOnly: true },
    },
    {
      name: 'resetCounters',
      label: 'Reset counters',
      type: 'checkbox',
      virtual: true,
      admin: {
        position: 'sidebar',
        readOnly: false,
        description: 'On save, what has been used of every resource goes back to zero; a used-up subscription whose time is not over becomes active again.',
      },
    },
    {
      name: 'resources',
      type: 'join',
      collection: 'subscription-resources',
      on: 'subscription',
      admin: { defaultColumns: ['name', 'meter', 'limit', 'used', 'reserved'] },
    },
  ],
}
