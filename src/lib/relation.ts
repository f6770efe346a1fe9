/** A relationship's id, whether Payload handed over the id or the populated document. */
export function relationId(value: unknown): string | undefined {
  if (value && typeof value === 'object' && 'id' in value) return String((value as { id: unknown }).id)
  if ((typeof value === 'string' && value) || typeof value === 'number') return String(value)
  return undefined
}
