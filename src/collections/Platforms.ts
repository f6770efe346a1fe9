import type { CollectionBeforeValidateHook, CollectionConfig } from 'payload'

import { matrixAccess } from '../access/staff'
import { PLATFORM_PRESETS, presetNamed } from '../relay/presets'
import { activeStatusField } from './fields'

/** Choosing a preset fills the kind and base URL the operator left empty. */
const fillFromPreset: CollectionBeforeValidateHook = ({ data }) => {
  const preset = presetNamed(data?.preset)
  if (!data || !preset) return data
  return { ...data, kind: data.kind || preset.kind, baseUrl: data.baseUrl || preset.baseUrl }
}

/** An upstream provider account (OpenAI, Anthropic, …, or the built-in offline Demo). */
export const Platforms: CollectionConfig = {
  slug: 'platforms',
  labels: { singular: 'Platform', plural: 'Platforms' },
  admin: { useAsTitle: 'name', defaultColumns: ['name', 'kind', 'baseUrl', 'status'], group: 'Catalog' },
  access: matrixAccess('platforms'),
  hooks: { beforeValidate: [fillFromPreset] },
  fields: [
    { name: 'name', type: 'text', required: true, unique: true },
    {
      name: 'preset',
      type: 'select',
      options: PLATFORM_PRESETS.map(({ value, label }) => ({ value, label })),
      admin: { description: 'Fills the kind and base URL for a known provider.' },
    },
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
    {
      name: 'baseUrl',
      label: 'Base URL',
      type: 'text',
      admin: { description: 'Up to and including the version path, e.g. https://api.openai.com/v1.' },
    },
    {
      name: 'apiVersion',
      label: 'API version',
      type: 'text',
      defaultValue: '2024-10-21',
      admin: { condition: (data) => data?.kind === 'azure-openai', description: 'Azure OpenAI api-version.' },
    },
    {
      name: 'extraHeaders',
      type: 'array',
      admin: { description: 'Sent with every request to this platform.' },
      fields: [
        { name: 'name', type: 'text', required: true },
        { name: 'value', type: 'text', required: true },
      ],
    },
    {
      name: 'routing',
      type: 'select',
      defaultValue: 'weighted',
      options: [
        { value: 'weighted', label: 'Weighted random within a priority tier' },
        { value: 'round-robin', label: 'Round-robin within a priority tier' },
      ],
    },
    activeStatusField,
  ],
}
