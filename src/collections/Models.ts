import type { CollectionConfig } from 'payload'

import { matrixAccess } from '../access/staff'

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
  ],
}
