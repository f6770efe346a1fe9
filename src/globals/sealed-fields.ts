import type { Field, GlobalBeforeChangeHook } from 'payload'

import { secretHint, type Secrets } from '../lib/secrets'

/**
 * A credential in a settings global: sealed before it is stored, read back (still sealed) only by
 * Local API calls that set `revealKey` in their context, and shown to staff as a hint.
 */
export function sealedField(name: string, label: string, revealKey: string, { multiline = false } = {}): Field[] {
  return [
    {
      name,
      label,
      // A PEM private key spans lines.
      type: (multiline ? 'textarea' : 'text') as 'text',
      custom: { secret: true },
      hooks: { afterRead: [({ value, req }) => (req.context[revealKey] ? value : null)] },
      admin: { description: 'Stored encrypted and never shown again. Leave empty to keep the stored value.' },
    },
    { name: `${name}Hint`, label: `Stored ${label.toLowerCase()}`, type: 'text', admin: { readOnly: true } },
  ]
}

/** Seals newly typed credentials (`[group, field]` pairs) and keeps stored ones when left empty. */
export function sealSecrets(secrets: Secrets, fields: readonly (readonly [string, string])[]): GlobalBeforeChangeHook {
  return ({ data }) => {
    const next = { ...data } as Record<string, Record<string, unknown> | undefined>
    for (const [group, field] of fields) {
      const values = { ...(next[group] ?? {}) }
      const submitted = typeof values[field] === 'string' ? (values[field] as string).trim() : ''
      if (submitted && !secrets.isSealed(submitted)) {
        values[field] = secrets.seal(submitted)
        values[`${field}Hint`] = secretHint(submitted)
      } else {
        // Without a new value the field is left out, so the stored one stays.
        delete values[field]
      }
      next[group] = values
    }
    return next
  }
}
