import type { Field } from 'payload'

/** An on/off switch staff flip on a record; only active records are served. */
export const activeStatusField: Field = {
  name: 'status',
  type: 'select',
  required: true,
  defaultValue: 'active',
  options: [
    { value: 'active', label: 'Active' },
    { value: 'disabled', label: 'Disabled' },
  ],
}

export const MICRO_HINT = 'In micro-units: 1,000,000 = 1 unit of your currency.'

/** An amount of money: a whole number of micro-units, never a fraction. */
export function moneyField(name: string, options: { label?: string; description?: string; readOnly?: boolean; required?: boolean } = {}): Field {
  return {
    name,
    label: options.label,
    type: 'number',
    required: options.required ?? false,
    defaultValue: 0,
    validate: (value: unknown) => value == null || Number.isSafeInteger(value) || 'Enter a whole number of micro-units.',
    admin: { readOnly: options.readOnly, description: [options.description, MICRO_HINT].filter(Boolean).join(' ') },
  }
}

/** The customer a record belongs to; customers only ever see their own. */
export const ownerField: Field = { name: 'owner', label: 'Customer', type: 'relationship', relationTo: 'users', required: true, index: true }
