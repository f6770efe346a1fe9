import { ValidationError, type CollectionBeforeChangeHook, type CollectionBeforeDeleteHook, type CollectionConfig, type FieldHook } from 'payload'

import { matrixAccess } from '../access/staff'
import { benefitOf, claimForEdit, CodeRejected, generateCode, isProblem, isRedeemed, normalizeCode } from '../billing/codes'
import { xlsxExportEndpoint } from '../endpoints/export-xlsx'
import { generateCodesEndpoint } from '../endpoints/redemption'
import { inRequestTransaction } from '../db/request-transaction'
import { moneyField } from './fields'

/** A 400 naming the field, which the admin form marks. */
const refuse = (message: string, path = 'status') => new ValidationError({ collection: 'redemption-codes', errors: [{ path, message }] })

/** Set by the redemption alone. */
const byRedemptionOnly = { create: () => false, update: () => false }

const normalized: FieldHook = ({ value }) => (typeof value === 'string' ? normalizeCode(value) : value)

/**
 * Staff make single codes here and void them; only a customer's redemption marks one redeemed,
 * and a redeemed code is a record of money given: it is never edited or deleted afterwards.
 */
const guardChanges: CollectionBeforeChangeHook = async ({ data, operation, originalDoc, req }) => {
  const benefit = benefitOf({ ...originalDoc, ...data })
  if (isProblem(benefit)) throw refuse(benefit.message, benefit.field)
  const status = data.status ?? originalDoc?.status
  if (operation === 'create') {
    if (status === 'redeemed') throw refuse('A code becomes redeemed only when a customer redeems it.')
    return data
  }
  if (originalDoc?.status === 'redeemed') throw refuse('This code has been redeemed; it can no longer be changed.')
  if (status === 'redeemed') throw refuse('A code becomes redeemed only when a customer redeems it.')
  try {
    await inRequestTransaction(req, (tx) => claimForEdit(tx, String(originalDoc.id), status))
  } catch (error) {
    throw error instanceof CodeRejected ? refuse(error.message) : error
  }
  return data
}

const keepRedeemed: CollectionBeforeDeleteHook = async ({ id, req }) => {
  if (await inRequestTransaction(req, (tx) => isRedeemed(tx, String(id)))) throw refuse('A redeemed code cannot be deleted.')
}

/** Codes staff generate in batches; each is redeemed once, for a plan, a balance or a recharge card. */
export const RedemptionCodes: CollectionConfig = {
  slug: 'redemption-codes',
  labels: { singular: 'Redemption code', plural: 'Redemption codes' },
  admin: {
    useAsTitle: 'code',
    defaultColumns: ['code', 'batch', 'kind', 'status', 'redeemedBy', 'redeemedAt'],
    group: 'Billing',
    description: 'A new code comes with a generated value; generate many at once with the button above the list (or POST /api/redemption-codes/generate, see docs/billing.md).',
    components: { beforeListTable: ['/components/admin/GenerateCodes#GenerateCodes'] },
  },
  access: matrixAccess('redemption-codes'),
  hooks: { beforeChange: [guardChanges], beforeDelete: [keepRedeemed] },
  endpoints: [generateCodesEndpoint, xlsxExportEndpoint],
  fields: [
    {
      name: 'code',
      type: 'text',
      required: true,
      unique: true,
      index: true,
      defaultValue: generateCode,
      hooks: { beforeValidate: [normalized] },
      admin: { description: 'Generated; type your own to replace it. Stored in upper case.' },
    },
    { name: 'batch', type: 'text', index: true },
    {
      name: 'kind',
      type: 'select',
      required: true,
      defaultValue: 'balance',
      options: [
        { value: 'balance', label: 'Balance' },
        { value: 'plan', label: 'Plan' },
        { value: 'requests', label: 'Recharge card (N requests)' },
      ],
    },
    moneyField('amount', { description: 'For balance codes: credited to the gift balance.' }),
    { name: 'plan', type: 'relationship', relationTo: 'plans' },
    { name: 'requests', type: 'number', min: 1, admin: { description: 'For recharge cards.' } },
    { name: 'validityDays', type: 'number', min: 1, admin: { description: 'For recharge cards.' } },
    { name: 'expiresAt', label: 'Redeem before', type: 'date' },
    {
      name: 'status',
      type: 'select',
      required: true,
      defaultValue: 'active',
      index: true,
      options: ['active', 'redeemed', 'void'],
      admin: { description: 'Set void to cancel an unused code. Redeemed is set by the redemption itself.' },
    },
    { name: 'redeemedBy', type: 'relationship', relationTo: 'users', access: byRedemptionOnly, admin: { readOnly: true } },
    { name: 'redeemedAt', type: 'date', access: byRedemptionOnly, admin: { readOnly: true } },
  ],
}
