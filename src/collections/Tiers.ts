import type { CollectionConfig, Field } from 'payload'

import { matrixAccess } from '../access/staff'
import { moneyField } from './fields'

/** A limit counted over all of a customer's keys together, on top of each key's own limit. */
const perMinute = (name: string, label: string): Field => ({
  name,
  label,
  type: 'number',
  min: 0,
  // Replaces Payload's own number check, so `min` is checked here too.
  validate: (value: unknown) => value == null || (Number.isSafeInteger(value) && (value as number) >= 0) || 'Enter a whole number, 0 or more.',
  admin: { description: "Over all of a customer's keys together, on top of each key's own limit. Empty: no limit." },
})

/**
 * Account tiers: cumulative top-ups unlock higher limits and may change prices (see
 * src/billing/tiers.ts). Every change rebuilds the relay's catalog, which carries each key's tier.
 */
export const Tiers: CollectionConfig = {
  slug: 'tiers',
  labels: { singular: 'Tier', plural: 'Tiers' },
  admin: {
    useAsTitle: 'name',
    defaultColumns: ['name', 'threshold', 'rpm', 'tpm', 'priceMultiplier'],
    group: 'Billing',
    description:
      'A top-up moves a customer up to the highest tier whose threshold their total top-ups reach; never down. A tier with threshold 0 applies to every account from the start.',
  },
  access: matrixAccess('tiers'),
  fields: [
    { name: 'name', type: 'text', required: true, unique: true },
    moneyField('threshold', { description: 'Customers whose total top-ups reach this amount get the tier automatically.' }),
    perMinute('rpm', 'Requests per minute'),
    perMinute('tpm', 'Tokens per minute'),
    {
      name: 'priceMultiplier',
      type: 'number',
      required: true,
      defaultValue: 1,
      min: 0,
      admin: { description: 'Multiplies counted tokens and characters before pricing (0.8 = 20% off).' },
    },
  ],
}
