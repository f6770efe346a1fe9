/**
 * Changes are made inside transactions, and nothing runs after their commit, so whoever reacts to
 * an announcement at once could read the rows as they were before the change (on Postgres, from
 * another pooled connection). The change is announced at once and again after the commit has
 * certainly happened; listeners coalesce or repeat cheaply.
 */
const ANNOUNCE_AGAIN_MS = [300, 1500]

export function announceNowAndAfterCommit(emit: () => void) {
  emit()
  for (const delay of ANNOUNCE_AGAIN_MS) setTimeout(emit, delay).unref()
}
