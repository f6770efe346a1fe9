import type { CollectionConfig } from 'payload'

import { byMatrixOrOwner } from '../access/owner'
import { byMatrix, nobody } from '../access/staff'
import { adjustWalletEndpoint } from '../endpoints/wallet-admin'
import { moneyField, ownerField } from './fields'

export const LEDGER_KINDS = ['top-up', 'usage', 'refund', 'voucher', 'adjustment', 'reversal', 'redemption', 'trial'] as const
export const LEDGER_BUCKETS = ['gift', 'cash', 'credit'] as const

/**
 * Append-only money movements. Nothing edits or deletes an entry; a correction is a reversal.
 * Staff create only adjustments, which move the wallet in the same transaction.
 */
export const LedgerEntries: CollectionConfig = {
  slug: 'ledger-entries',
  labels: { singular: 'Ledger entry', plural: 'Ledger' },
  admin: {
    useAsTitle: 'idempotencyKey',
    defaultColumns: ['createdAt', 'owner', 'kind', 'bucket', 'amount', 'balanceAfter', 'note'],
    group: 'Billing',
    description: 'Every change to a balance. To credit or debit a wallet, create an adjustment with a reason.',
  },
  defaultSort: '-createdAt',
  access: {
    read: byMatrixOrOwner('ledger-entries', 'read'),
    create: byMatrix('ledger-entries', 'create'),
    update: nobody,
    delete: nobody,
  },
  endpoints: [adjustWalletEndpoint],
  fields: [
    ownerField,
    { name: 'wallet', type: 'relationship', relationTo: 'wallets', index: true, admin: { readOnly: true } },
    {
      name: 'kind',
      type: 'select',
      required: true,
      defaultValue: 'adjustment',
      index: true,
      options: [...LEDGER_KINDS],
      admin: { readOnly: true, description: 'Entries staff add are adjustments.' },
    },
    {
      name: 'bucket',
      type: 'select',
      required: true,
      defaultValue: 'cash',
      options: [...LEDGER_BUCKETS],
      admin: { description: 'Gift is spent first, then cash, then credit.' },
    },
    moneyField('amount', { required: true, description: 'Positive credits the wallet, negative debits it.' }),
    moneyField('balanceAfter', { label: 'Bucket balance after', readOnly: true, required: false }),
    {
      name: 'referenceType',
      type: 'select',
      options: ['order', 'usage', 'code', 'staff', 'subscription', 'registration'],
      admin: { readOnly: true },
    },
    { name: 'referenceId', type: 'text', index: true, admin: { readOnly: true } },
    { name: 'idempotencyKey', type: 'text', unique: true, index: true, admin: { readOnly: true } },
    { name: 'actor', type: 'relationship', relationTo: 'admins', admin: { readOnly: true } },
    { name: 'note', label: 'Reason', type: 'textarea', admin: { description: 'Required when staff add an entry.' } },
  ],
}
