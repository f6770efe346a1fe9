import type { CollectionConfig } from 'payload'

import { byMatrix, nobody } from '../access/staff'
import { moneyField, ownerField } from './fields'

/**
 * Money or plan units held for a request in flight. The relay creates one before calling the
 * provider and removes it when it settles; the reconciliation job settles those whose lease ran
 * out (the process holding them died). An allowance row holds money for many short requests of one
 * customer on one server at once (see docs/billing.md).
 */
export const Reservations: CollectionConfig = {
  slug: 'reservations',
  labels: { singular: 'Reservation', plural: 'Reservations' },
  admin: {
    useAsTitle: 'requestId',
    defaultColumns: ['createdAt', 'owner', 'model', 'amount', 'units', 'leaseUntil'],
    group: 'Billing',
    description: 'Requests in flight and what they hold. Read-only; the relay and the reconciliation job manage them.',
  },
  access: { read: byMatrix('reservations', 'read'), create: nobody, update: nobody, delete: nobody },
  fields: [
    { name: 'requestId', type: 'text', required: true, unique: true },
    ownerField,
    { name: 'wallet', type: 'relationship', relationTo: 'wallets' },
    { name: 'subscriptionResource', type: 'relationship', relationTo: 'subscription-resources' },
    { name: 'model', type: 'text' },
    moneyField('amount', { description: 'Held on the wallet.' }),
    { name: 'units', type: 'number', defaultValue: 0, admin: { description: 'Held on the plan resource.' } },
    moneyField('delivered', { description: 'Charge for what was delivered so far, kept up to date for long streams.' }),
    { name: 'deliveredUnits', type: 'number', defaultValue: 0 },
    { name: 'leaseUntil', type: 'date', required: true, index: true },
    {
      name: 'allowance',
      type: 'checkbox',
      defaultValue: false,
      admin: { description: "A server's allowance: money set aside for the customer's short requests in flight on that server, released once they settle." },
    },
  ],
}
