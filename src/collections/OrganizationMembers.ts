import type { CollectionConfig } from 'payload'

import { matrixAccess } from '../access/staff'
import { ORGANIZATION_ROLES } from './Organizations'

/** Who belongs to an organization, and what their role lets them do there. */
export const OrganizationMembers: CollectionConfig = {
  slug: 'organization-members',
  labels: { singular: 'Organization member', plural: 'Organization members' },
  admin: { useAsTitle: 'role', defaultColumns: ['organization', 'user', 'role'], group: 'Customers' },
  access: matrixAccess('organization-members'),
  indexes: [{ fields: ['organization', 'user'], unique: true }],
  fields: [
    { name: 'organization', type: 'relationship', relationTo: 'organizations', required: true, index: true },
    { name: 'user', type: 'relationship', relationTo: 'users', required: true, index: true },
    {
      name: 'role',
      type: 'select',
      required: true,
      defaultValue: 'developer',
      options: ORGANIZATION_ROLES.map((value) => ({ value, label: value })),
    },
  ],
}
