/**
 * Turning two versions of a document into the list of changed fields an audit entry shows.
 * Plain functions: no Payload imports, so the rules are tested without a database.
 */

export const MASK = '***'

/** Fields that change on every sign-in or save, or by Payload itself, and say nothing about what staff did. */
const NOISE = new Set(['updatedAt', 'createdAt', 'sessions', 'loginAttempts', 'lockUntil', '_verificationToken'])

/** Auth internals that are secret in every auth collection. */
export const AUTH_SECRET_FIELDS = [
  'password',
  'hash',
  'salt',
  'resetPasswordToken',
  'resetPasswordExpiration',
  '_verificationToken',
  'apiKey',
  'apiKeyIndex',
] as const

/** A password is stored as hash and salt; a change to them is shown as a change of the password. */
const STORED_AS: Record<string, string> = { hash: 'password', salt: 'password' }

export type FieldChange = { field: string; old: unknown; new: unknown }

type Doc = Record<string, unknown> | null | undefined

/** Relationships arrive populated at one depth and as ids at another; compare them by id. */
function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable)
  if (value && typeof value === 'object' && 'id' in value) return (value as { id: unknown }).id
  return value ?? null
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(comparable(a)) === JSON.stringify(comparable(b))
}

/**
 * @param secretFields names whose values are never written to the audit log
 * @param submitted the fields the caller sent: a secret such as `password` is never returned in
 *   the saved document, so that it was sent is the only sign that it changed
 */
export function diffDocuments(
  before: Doc,
  after: Doc,
  secretFields: Iterable<string>,
  submitted: Doc = undefined,
): FieldChange[] {
  const secrets = new Set(secretFields)
  const fields = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])
  for (const name of Object.keys(submitted ?? {})) if (secrets.has(name)) fields.add(name)

  const changes: FieldChange[] = []
  const add = (change: FieldChange) => {
    if (!changes.some((c) => c.field === change.field)) changes.push(change)
  }
  for (const field of fields) {
    if (NOISE.has(field) || field === 'id') continue
    const old = before?.[field]
    const now = after?.[field]
    if (secrets.has(field)) {
      const sent = submitted != null && field in submitted && submitted[field] != null
      if (sent || !same(old, now)) {
        // Secrets are not read back (a password, a provider key), so an existing document's old
        // value is shown as hidden rather than guessed empty.
        add({ field: STORED_AS[field] ?? field, old: before ? MASK : null, new: after ? MASK : null })
      }
      continue
    }
    if (!same(old, now)) add({ field, old: comparable(old), new: comparable(now) })
  }
  return changes
}
