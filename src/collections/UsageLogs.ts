import type { CollectionConfig } from 'payload'

import { byMatrixOrOwner } from '../access/owner'
import { nobody } from '../access/staff'
import { moneyField } from './fields'

/**
 * One record per relay request, written in batches by the relay (never through the API). Billing
 * charges from these; dashboards read them by time, customer, key and model, hence the indexes.
 */
export const UsageLogs: CollectionConfig = {
  slug: 'usage-logs',
  labels: { singular: 'Usage record', plural: 'Usage' },
  admin: {
    useAsTitle: 'requestId',
    defaultColumns: ['createdAt', 'owner', 'model', 'status', 'promptTokens', 'completionTokens', 'latencyMs'],
    group: 'Activity',
  },
  defaultSort: '-createdAt',
  access: {
    read: byMatrixOrOwner('usage-logs', 'read'),
    create: nobody,
    update: nobody,
    delete: nobody,
  },
  fields: [
    { name: 'requestId', type: 'text', index: true },
    { name: 'owner', label: 'Customer', type: 'relationship', relationTo: 'users', index: true },
    { name: 'apiKey', type: 'relationship', relationTo: 'api-keys', index: true },
    { name: 'endpoint', type: 'text' },
    { name: 'model', label: 'Requested model', type: 'text', index: true },
    { name: 'upstreamModel', type: 'text' },
    { name: 'platform', type: 'relationship', relationTo: 'platforms' },
    { name: 'providerKey', type: 'relationship', relationTo: 'provider-keys' },
    { name: 'stream', type: 'checkbox' },
    {
      name: 'status',
      type: 'select',
      required: true,
      index: true,
      options: [
        { value: 'success', label: 'Success' },
        { value: 'error', label: 'Error' },
        { value: 'client-aborted', label: 'Client aborted' },
        { value: 'interrupted', label: 'Interrupted (settled after a crash)' },
      ],
    },
    { name: 'httpStatus', type: 'number' },
    { name: 'error', type: 'text' },
    { name: 'promptTokens', type: 'number', defaultValue: 0 },
    { name: 'completionTokens', type: 'number', defaultValue: 0 },
    { name: 'cachedTokens', type: 'number', defaultValue: 0 },
    { name: 'characters', type: 'number', defaultValue: 0 },
    { name: 'usageSource', type: 'select', options: ['upstream', 'counted'] },
    { name: 'attempts', type: 'number', defaultValue: 1 },
    { name: 'latencyMs', type: 'number' },
    { name: 'ttfbMs', label: 'Time to first byte (ms)', type: 'number' },
    { name: 'ip', label: 'IP', type: 'text' },
    {
      type: 'collapsible',
      label: 'Billing',
      fields: [
        {
          name: 'billedTo',
          type: 'select',
          options: [
            { value: 'wallet', label: 'Wallet' },
            { value: 'subscription', label: 'Plan' },
            { value: 'none', label: 'Not charged' },
          ],
        },
        { name: 'subscription', type: 'relationship', relationTo: 'subscriptions' },
        { name: 'planUnits', type: 'number', defaultValue: 0, admin: { description: 'Counted against the plan resource.' } },
        moneyField('charge', { description: 'Taken from the wallet.' }),
        moneyField('cost', { description: 'Supplier cost.' }),
        moneyField('margin'),
        moneyField('shortfall', { description: 'Price the wallet could not cover.' }),
        { name: 'prices', label: 'Unit prices and multipliers', type: 'json' },
      ],
    },
  ],
}
