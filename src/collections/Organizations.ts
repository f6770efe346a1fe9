import type { CollectionConfig } from 'payload'

import { matrixAccess } from '../access/staff'

export const ORGANIZATION_ROLES = ['admin', 'finance', 'developer', 'read-only'] as const
export type OrganizationRole = (typeof ORGANIZATION_ROLES)[number]

/**
 * A company or team that buys together. Its money and keys belong to its account: a customer
 * record of type "organization" that nobody signs in as, so billing treats it like anyone else.
 */
export const Organizations: CollectionConfig = {
  slug: 'organizations',
  labels: { singular: 'Organization', plural: 'Organizations' },
  admin: { useAsTitle: 'name', defaultColumns: ['name', 'type', 'verification', 'owner', 'tier'], group: 'Customers' },
  access: matrixAccess('organizations'),
  fields: [
    { name: 'name', type: 'text', required: true },
    {
      name: 'type',
      type: 'select',
      required: true,
      defaultValue: 'company',
      options: [
        { value: 'company', label: 'Company' },
        { value: 'team', label: 'Developer team' },
        { value: 'individual', label: 'Individual developer' },
      ],
    },
    {
      name: 'verification',
      type: 'select',
      required: true,
      defaultValue: 'unverified',
      options: ['unverified', 'pending', 'verified', 'rejected'].map((value) => ({ value, label: value[0]!.toUpperCase() + value.slice(1) })),
    },
    { name: 'owner', type: 'relationship', relationTo: 'users', required: true, index: true },
    {
      name: 'account',
      type: 'relationship',
      relationTo: 'users',
      unique: true,
      admin: { readOnly: true, description: "The organization's own account: its wallet, keys and usage." },
    },
    { name: 'tier', type: 'relationship', relationTo: 'tiers', admin: { description: 'Set by hand for organizations.' } },
    { name: 'notes', type: 'textarea' },
  ],
}
