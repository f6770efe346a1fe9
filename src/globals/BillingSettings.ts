import type { GlobalConfig } from 'payload'

import { staffCan } from '../access/staff'
import { moneyField } from '../collections/fields'
import { auditGlobalAfterChange } from '../hooks/audit'

/**
 * Operator settings for trials, registration gifts and how much a request holds in advance. What a
 * new customer gets is read when the account is created (src/billing/registration.ts): changing it
 * reaches later sign-ups, not earlier ones.
 */
export const BillingSettings: GlobalConfig = {
  slug: 'billing-settings',
  label: 'Billing settings',
  admin: { group: 'Billing' },
  hooks: { afterChange: [auditGlobalAfterChange] },
  access: {
    read: ({ req }) => staffCan(req.user, 'billing-settings', 'read'),
    update: ({ req }) => staffCan(req.user, 'billing-settings', 'update'),
  },
  fields: [
    {
      type: 'collapsible',
      label: 'Free trial on registration',
      fields: [
        {
          name: 'trialRequests',
          type: 'number',
          min: 0,
          defaultValue: 0,
          admin: { description: 'Requests on any model, as a "Free trial" subscription; 0: none.' },
        },
        { name: 'trialDays', type: 'number', min: 1, defaultValue: 7, admin: { description: 'How long the trial requests last.' } },
        moneyField('trialAmount', { description: 'Credited to the gift balance; 0: none.' }),
      ],
    },
    {
      name: 'giftPlan',
      label: 'Plan given on registration',
      type: 'relationship',
      relationTo: 'plans',
      admin: { description: 'Plans marked "given on registration" are given too.' },
    },
    {
      name: 'reserveOutputTokens',
      type: 'number',
      min: 1,
      defaultValue: 4096,
      admin: { description: 'Output tokens held before a request that sets no max_tokens.' },
    },
  ],
}
