import type { CollectionConfig } from 'payload'

import { nobody, superAdminOnly } from '../access/staff'

/** One-time sign-in codes sent by SMS; only their hash is kept (src/auth/sms). */
export const SmsCodes: CollectionConfig = {
  slug: 'sms-codes',
  labels: { singular: 'SMS code', plural: 'SMS codes' },
  admin: { hidden: true, useAsTitle: 'phone' },
  access: { read: superAdminOnly, create: nobody, update: nobody, delete: nobody },
  fields: [
    { name: 'phone', type: 'text', required: true, index: true },
    { name: 'codeHash', type: 'text', required: true, custom: { secret: true }, access: { read: () => false } },
    { name: 'ip', type: 'text', index: true },
    { name: 'expiresAt', type: 'date', required: true },
    { name: 'usedAt', type: 'date' },
    { name: 'attempts', type: 'number', defaultValue: 0 },
  ],
}
