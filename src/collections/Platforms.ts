import type { CollectionConfig } from 'payload'

import { matrixAccess } from '../access/staff'

/** An upstream provider account (OpenAI, Anthropic, …, or the built-in offline Demo). */
export const Platforms: CollectionConfig = {
  slug: 'platforms',
  labels: { singular: 'Platform', plural: 'Platforms' },
  admin: { useAsTitle: 'name', defaultColumns: ['name', 'kind', 'baseUrl', 'status'], group: 'Catalog' },
  access: matrixAccess('platforms'),
  fields: [
    { name: 'name', type: 'text', required: true, unique: true },
    {
      name: 'kind',
      type: 'select',
      required: true,
      options: [
        { value: 'openai-compatible', label: 'OpenAI-compatible' },
        { value: 'azure-openai', label: 'Azure OpenAI' },
        { value: 'anthropic', label: 'Anthropic' },
        { value: 'gemini', label: 'Google Gemini' },
        { value: 'demo', label: 'Demo (offline, answers locally)' },
      ],
    },
    { name: 'baseUrl', label: 'Base URL', type: 'text' },
    {
      name: 'status',
      type: 'select',
      required: true,
      defaultValue: 'active',
      options: ['active', 'disabled'],
    },
  ],
}
