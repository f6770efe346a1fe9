import type { CollectionConfig } from 'payload'

import { matrixAccess } from '../access/staff'
import { moneyField } from './fields'

const multiplier = (name: string, description: string) => ({
  name,
  type: 'number' as const,
  defaultValue: 1,
  min: 0,
  admin: { description },
})

/** A model name customers can request, and the platforms that serve it. */
export const Models: CollectionConfig = {
  slug: 'models',
  labels: { singular: 'Model', plural: 'Models' },
  admin: { useAsTitle: 'name', defaultColumns: ['name', 'kind', 'platforms', 'status'], group: 'Catalog' },
  access: matrixAccess('models'),
  fields: [
    {
      name: 'name',
      type: 'text',
      required: true,
      unique: true,
      admin: { description: 'The name customers request, exactly as they send it.' },
    },
    { name: 'platforms', type: 'relationship', relationTo: 'platforms', hasMany: true, required: true },
    {
      name: 'upstreamName',
      type: 'text',
      admin: { description: 'Name sent to the platform when it differs from the requested name.' },
    },
    {
      name: 'kind',
      type: 'select',
      required: true,
      defaultValue: 'chat',
      options: ['chat', 'embedding', 'image', 'audio'],
    },
    { name: 'contextWindow', type: 'number', min: 0, admin: { description: 'In tokens.' } },
    { name: 'status', type: 'select', required: true, defaultValue: 'active', options: ['active', 'disabled'] },
    { name: 'defaultForNewChats', type: 'checkbox', defaultValue: false },
    { name: 'titleModel', label: 'Title model', type: 'checkbox', defaultValue: false },
    { name: 'vision', label: 'Reads images', type: 'checkbox', defaultValue: false, admin: { description: 'The chat app sends attached images to it.' } },
    {
      type: 'collapsible',
      label: 'Prices',
      admin: { description: 'What customers pay for the model they ask for, whichever platform serves it.' },
      fields: [
        {
          type: 'row',
          fields: [
            moneyField('inputPrice', { label: 'Input per 1M tokens' }),
            moneyField('outputPrice', { label: 'Output per 1M tokens' }),
            moneyField('cachedInputPrice', { label: 'Cached input per 1M tokens' }),
          ],
        },
        {
          type: 'row',
          fields: [
            moneyField('requestPrice', { label: 'Per request' }),
            moneyField('characterPrice', { label: 'Per 1,000 characters' }),
            moneyField('supplierCost', { label: 'Supplier cost per 1M tokens', description: 'What the provider charges you; for margins.' }),
          ],
        },
        {
          type: 'row',
          fields: [
            multiplier('inputMultiplier', 'Multiplies counted input tokens or characters before pricing and plan accounting.'),
            multiplier('outputMultiplier', 'Multiplies counted output tokens or characters before pricing and plan accounting.'),
          ],
        },
      ],
    },
  ],
}
