import type { CollectionConfig } from 'payload'

import { membersCreatable, membersManageable, membersReadable } from '../access/organizations'
import { checkMembership, keepOwner } from '../organizations/hooks'
import { ORGANIZATION_ROLES } from './Organizations'

/** Who belongs to an organization, and what their role lets them do there. */
export const OrganizationMembers: CollectionConfig = {
  slug: 'organization-members',
  labels: { singular: 'Organization member', plural: 'Organization members' },
  admin: { useAsTitle: 'role', defaultColumns: ['organization', 'user', 'role'], group: 'Customers' },
  access: {
    read: membersReadable,
    create: membersCreatable,
    update: membersManageable('update'),
    delete: membersManageable('delete'),
  },
  hooks: { beforeChange: [checkMembership], beforeDelete: [keepOwner] },
  indexes: [{ fields: ['organization', 'user'], unique: true }],
  fields: [
    // A membership moves nowhere: only its role changes.
    { name: 'organization', type: 'relationship', relationTo: 'organizations', required: true, index: true, access: { update: () => false } },
    { name: 'user', type: 'relationship', relationTo: 'users', required: true, index: true, access: { update: () => false } },
    {
      name: 'role',
      type: 'select',
      required: true,
      defaultValue: 'developer',
      options: ORGANIZATION_ROLES.map((value) => ({ value, label: value })),
    },
  ],
}
