import { EventEmitter } from 'node:events'

import { announceNowAndAfterCommit } from '../lib/announce'
import { buildCatalog, EMPTY_CATALOG, type Catalog, type CatalogRows } from './catalog'

/** Collection hooks announce catalog changes here; the relay's store listens. */
export const catalogEvents = new EventEmitter()
export const CATALOG_CHANGED = 'changed'

export function announceCatalogChange(source: string) {
  announceNowAndAfterCommit(() => catalogEvents.emit(CATALOG_CHANGED, source))
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
