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
