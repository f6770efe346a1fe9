import type { CollectionBeforeChangeHook, CollectionConfig, FieldHook } from 'payload'

import { matrixAccess } from '../access/staff'
import { checkBalanceEndpoint } from '../endpoints/provider-balance'
import { secretHint, type Secrets } from '../lib/secrets'

/** Set in a Local API call's `context` to read provider keys' sealed secrets. */
export const REVEAL_SEALED_KEYS = 'modelgate.revealSealedKeys'

export const PROVIDER_KEY_STATUSES = [
  { value: 'active', label: 'Active' },
  { value: 'disabled-manual', label: 'Disabled by hand' },
  { value: 'disabled-auto', label: 'Disabled automatically' },
] as const

/**
 * An upstream credential. The key is sealed before it is stored and no API, admin page or export
 * ever returns it: the admin shows only a hint such as `sk-…wxyz`. Leaving the field empty on
 * save keeps the stored key.
 */
export function providerKeys(secrets: Secrets): CollectionConfig {
  const sealKey: CollectionBeforeChangeHook = ({ data }) => {
    const submitted = typeof data.key === 'string' ? data.key.trim() : ''
    if (submitted && !secrets.isSealed(submitted)) {
      return { ...data, key: secrets.seal(submitted), keyHint: secretHint(submitted) }
    }
    // Without a new key the field is left out, so the stored one stays.
    const { key: _empty, ...rest } = data
    return rest
  }

  const manualDisableSticks: FieldHook = ({ value, previousValue, req }) =>
    // Automation never re-enables a key that staff disabled by hand.
    previousValue === 'disabled-manual' && value === 'active' && !req.user ? previousValue : value

  return {
    slug: 'provider-keys',
    labels: { singular: 'Provider key', plural: 'Provider keys' },
    admin: {
      useAsTitle: 'name',
      defaultColumns: ['name', 'platform', 'keyHint', 'priority', 'weight', 'status', 'balance', 'balanceCurrency', 'balanceCheckedAt', 'lastError'],
      group: 'Catalog',
    },
    access: matrixAccess('provider-keys'),
    hooks: { beforeChange: [sealKey] },
    endpoints: [checkBalanceEndpoint(secrets)],
    fields: [
      { name: 'name', type: 'text', required: true },
      { name: 'platform', type: 'relationship', relationTo: 'platforms', required: true, index: true },
      {
        name: 'key',
        label: 'New key',
        type: 'text',
        custom: { secret: true },
        // Readers get nothing; the relay's loader asks for the sealed value by context.
        hooks: { afterRead: [({ value, req }) => (req.context[REVEAL_SEALED_KEYS] ? value : null)] },
        admin: { description: 'Stored encrypted and never shown again. Leave empty to keep the current key.' },
      },
      { name: 'keyHint', label: 'Stored key', type: 'text', admin: { readOnly: true } },
      {
        name: 'baseUrl',
        label: 'Base URL override',
        type: 'text',
        admin: { description: "Wins over the platform's base URL." },
      },
      {
        name: 'models',
        type: 'relationship',
        relationTo: 'models',
        hasMany: true,
        admin: { description: 'Preferred for these models. Empty: serves every model of the platform.' },
      },
      { name: 'priority', type: 'number', defaultValue: 0, admin: { description: 'Higher tiers are tried first.' } },
      { name: 'weight', type: 'number', defaultValue: 1, min: 0, admin: { description: 'Share of traffic within a tier.' } },
      {
        name: 'status',
        type: 'select',
        required: true,
        defaultValue: 'active',
        options: [...PROVIDER_KEY_STATUSES],
        hooks: { beforeChange: [manualDisableSticks] },
      },
      { name: 'disabledReason', type: 'text', admin: { readOnly: true, condition: (d) => d?.status === 'disabled-auto' } },
      { name: 'upstreamMessage', type: 'textarea', admin: { readOnly: true, condition: (d) => d?.status === 'disabled-auto' } },
      { name: 'lastError', type: 'text', admin: { readOnly: true } },
      { name: 'lastErrorAt', type: 'date', admin: { readOnly: true } },
      { name: 'lastCheckedAt', type: 'date', admin: { readOnly: true } },
      {
        name: 'balance',
        type: 'number',
        admin: {
          readOnly: true,
          description: "Micro-units (1,000,000 = 1) of the provider's currency, where the provider reports a balance; checked hourly.",
        },
      },
      { name: 'balanceCurrency', type: 'text', admin: { readOnly: true } },
      { name: 'balanceCheckedAt', type: 'date', admin: { readOnly: true } },
      { name: 'checkBalance', type: 'ui', admin: { components: { Field: '/components/admin/CheckBalance#CheckBalance' } } },
    ],
  }
}
