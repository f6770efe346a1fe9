import type { CollectionConfig } from 'payload'

import { planResourcesReadable } from '../access/plans'
import { matrixAccess } from '../access/staff'
import { syncPlanResourceAfterChange } from '../hooks/subscriptions'
import { applyToSubscriptionsField } from './Plans'

export const METERS = [
  { value: 'requests', label: 'Requests (only sent requests count)' },
  { value: 'tokens', label: 'Tokens (input and output)' },
  { value: 'characters', label: 'Characters (input and output)' },
]

/** What a plan grants: an amount of one meter on some models. */
export const PlanResources: CollectionConfig = {
  slug: 'plan-resources',
  labels: { singular: 'Plan resource', plural: 'Plan resources' },
  admin: { useAsTitle: 'name', defaultColumns: ['name', 'models', 'meter', 'limit'], group: 'Billing' },
  access: { ...matrixAccess('plan-resources'), read: planResourcesReadable },
  hooks: { afterChange: [syncPlanResourceAfterChange] },
  fields: [
    { name: 'name', type: 'text', required: true },
    {
      name: 'models',
      type: 'text',
      hasMany: true,
      required: true,
      admin: { description: 'Model names or wildcards such as gpt-4o* (a lone * covers every model).' },
    },
    { name: 'meter', type: 'select', required: true, defaultValue: 'requests', options: METERS },
    {
      name: 'limit',
      type: 'number',
      required: true,
      defaultValue: 0,
      min: -1,
      admin: { description: '−1 = unlimited: the covered models are free for holders of the plan.' },
    },
    applyToSubscriptionsField(
      'On save, active subscriptions of every plan that includes this resource get it if they lack it. Subscriptions that hold it keep their copy, usage and expiry; expired and used-up ones are left alone.',
    ),
  ],
}
