import type { CollectionConfig } from 'payload'

import { byMatrixOrOwner } from '../access/owner'
import { byMatrix, nobody } from '../access/staff'
import { updateWalletEndpoint } from '../endpoints/wallet-admin'
import { moneyField, ownerField } from './fields'

/**
 * A customer's money. Balances move only with ledger entries (see src/billing), so every field
 * but the credit limit is read-only here; each bucket equals the sum of its ledger entries.
 */
export const Wallets: CollectionConfig = {
  slug: 'wallets',
  labels: { singular: 'Wallet', plural: 'Wallets' },
  admin: {
    useAsTitle: 'owner',
    defaultColumns: ['owner', 'cash', 'gift', 'credit', 'creditLimit', 'reserved', 'tier'],
    group: 'Billing',
    description: 'Balances change only through ledger entries: add an adjustment entry to credit or debit a wallet.',
  },
  access: {
    read: byMatrixOrOwner('wallets', 'read'),
    create: nobody,
    // Only the credit limit and the tier change, through updateWalletEndpoint.
    update: byMatrix('wallets', 'update'),
    delete: nobody,
  },
  endpoints: [updateWalletEndpoint],
  fields: [
    { ...ownerField, unique: true, admin: { readOnly: true } } as typeof ownerField,
    moneyField('cash', { readOnly: true, description: 'Paid money.' }),
    moneyField('gift', { readOnly: true, description: 'Vouchers, trials and rewards; spent first, never refunded.' }),
    moneyField('credit', { readOnly: true, description: 'Credit drawn (zero or negative).' }),
    moneyField('creditLimit', { description: 'How far the customer may spend beyond cash and gift.' }),
    moneyField('reserved', { readOnly: true, description: 'Held for requests in flight.' }),
    moneyField('totalTopUp', { label: 'Total topped up', readOnly: true, description: 'Decides the automatic tier.' }),
    {
      name: 'tier',
      type: 'relationship',
      relationTo: 'tiers',
      admin: { description: 'Assigned automatically from total top-ups; set by hand to override.' },
    },
  ],
}
