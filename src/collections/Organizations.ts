import type { CollectionConfig } from 'payload'

import { organizationsEditable, organizationsReadable } from '../access/organizations'
import { byMatrix, staffField } from '../access/staff'
import { addMemberEndpoint, convertEndpoint } from '../organizations/endpoints'
import { giveOrganizationAnAccount, makeOwnerAdmin, putTierOnWallet } from '../organizations/hooks'

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
  access: {
    read: organizationsReadable,
    create: byMatrix('organizations', 'create'),
    update: organizationsEditable,
    delete: byMatrix('organizations', 'delete'),
  },
  hooks: { beforeChange: [giveOrganizationAnAccount], afterChange: [makeOwnerAdmin, putTierOnWallet] },
  endpoints: [convertEndpoint, addMemberEndpoint],
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
      access: { create: staffField, update: staffField },
      options: ['unverified', 'pending', 'verified', 'rejected'].map((value) => ({ value, label: value[0]!.toUpperCase() + value.slice(1) })),
    },
    // Fixed at creation: the owner's admin membership is made with the organization.
    { name: 'owner', type: 'relationship', relationTo: 'users', required: true, index: true, access: { update: () => false } },
    {
      name: 'account',
      type: 'relationship',
      relationTo: 'users',
      unique: true,
      // Made by giveOrganizationAnAccount, never chosen.
      access: { create: () => false, update: () => false },
      admin: { readOnly: true, description: "The organization's own account: its wallet, keys and usage." },
    },
    {
      name: 'tier',
      type: 'relationship',
      relationTo: 'tiers',
      access: { create: staffField, update: staffField },
      admin: { description: "Set by hand for organizations; saved onto the account's wallet, where the relay reads it." },
    },
    // Staff's own notes (verification and the like): customers neither see nor write them.
    { name: 'notes', type: 'textarea', access: { read: staffField, create: staffField, update: staffField } },
  ],
}
