import { EventEmitter } from 'node:events'

import { buildCatalog, EMPTY_CATALOG, type Catalog, type CatalogRows } from './catalog'

/** Collection hooks announce catalog changes here; the relay's store listens. */
export const catalogEvents = new EventEmitter()
export const CATALOG_CHANGED = 'changed'

/**
 * Changes are made inside transactions, and nothing runs after their commit, so a rebuild started
 * at once could read the rows as they were before the change (on Postgres, from another pooled
 * connection). The change is announced at once and again after the commit has certainly
 * happened; the store coalesces the rebuilds.
 */
const ANNOUNCE_AGAIN_MS = [300, 1500]

export function announceCatalogChange(source: string) {
  catalogEvents.emit(CATALOG_CHANGED, source)
  for (const delay of ANNOUNCE_AGAIN_MS) setTimeout(() => catalogEvents.emit(CATALOG_CHANGED, source), delay).unref()
}

/**
 * Holds the current catalog and rebuilds it after changes. Changes that arrive while a rebuild
 * runs cause one more rebuild, so the last change is never missed; bursts are coalesced.
 */
export function createCatalogStore(load: () => Promise<CatalogRows>, { debounceMs = 25, onError = (_e: unknown) => {} } = {}) {
  let catalog: Catalog = EMPTY_CATALOG
  let loading: Promise<void> | null = null
  let again = false
  let timer: NodeJS.Timeout | undefined
  let closed = false

  function refresh(): Promise<void> {
    if (loading) {
      again = true
      return loading
    }
    loading = (async () => {
      do {
        again = false
        catalog = buildCatalog(await load())
      } while (again)
    })().finally(() => {
      loading = null
    })
    return loading
  }

  function invalidate() {
    if (closed) return
    clearTimeout(timer)
    timer = setTimeout(() => refresh().catch(onError), debounceMs)
  }

  return {
    current: () => catalog,
    refresh,
    invalidate,
    /** Stops rebuilding and waits for a rebuild under way, so no query outlives the database. */
    async close() {
      closed = true
      clearTimeout(timer)
      await loading?.catch(() => undefined)
    },
  }
}

export type CatalogStore = ReturnType<typeof createCatalogStore>
