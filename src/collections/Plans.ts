import type { CheckboxField, CollectionConfig } from 'payload'

import { plansReadable } from '../access/plans'
import { matrixAccess } from '../access/staff'
import { purchasePlanEndpoint } from '../endpoints/purchase-plan'
import { syncPlanAfterChange } from '../hooks/subscriptions'
import { moneyField } from './fields'

/** Asked on every save, never stored: whether the change should reach subscriptions already given. */
export function applyToSubscriptionsField(description: string): CheckboxField {
  return {
    name: 'applyToSubscriptions',
    label: 'Apply to existing subscriptions',
    type: 'checkbox',
    virtual: true,
    admin: { position: 'sidebar', readOnly: false, description },
  }
}

/** Something customers buy or are given: resources for a period. */
export const Plans: CollectionConfig = {
  slug: 'plans',
  labels: { singular: 'Plan', plural: 'Plans' },
  admin: { useAsTitle: 'name', defaultColumns: ['name', 'price', 'periodUnit', 'periodLength', 'onSale'], group: 'Billing' },
  access: { ...matrixAccess('plans'), read: plansReadable },
  endpoints: [purchasePlanEndpoint],
  hooks: { afterChange: [syncPlanAfterChange] },
  fields: [
    { name: 'name', type: 'text', required: true },
    { name: 'resources', type: 'relationship', relationTo: 'plan-resources', hasMany: true },
    {
      type: 'row',
      fields: [
        {
          name: 'periodUnit',
          label: 'Billing period',
          type: 'select',
          required: true,
          defaultValue: 'months',
          options: [
            { value: 'days', label: 'Days' },
            { value: 'months', label: 'Months' },
            { value: 'years', label: 'Years' },
            { value: 'until-used-up', label: 'Until used up (one year)' },
          ],
        },
        { name: 'periodLength', type: 'number', required: true, defaultValue: 1, min: 1 },
      ],
    },
    moneyField('price'),
    {
      name: 'quantityMultiplier',
      type: 'number',
      required: true,
      defaultValue: 1,
      min: 0,
      admin: { description: 'The buyer gets each resource limit × this (1000 tokens × 10 = 10,000).' },
    },
    {
      type: 'row',
      fields: [
        { name: 'rateLimitRequests', label: 'At most N requests', type: 'number', min: 1 },
        { name: 'rateLimitHours', label: 'per H hours', type: 'number', min: 1 },
      ],
    },
    { name: 'givenOnRegistration', type: 'checkbox', defaultValue: false, admin: { description: 'Every new customer gets it.' } },
    { name: 'onSale', type: 'checkbox', defaultValue: true, admin: { description: 'Customers see it and can buy it with their balance.' } },
    { name: 'description', type: 'textarea' },
    applyToSubscriptionsField(
      'On save, active subscriptions of this plan get the resources they lack (one added here since). What they hold keeps its limit, usage and expiry; expired and used-up subscriptions are left alone.',
    ),
  ],
}
