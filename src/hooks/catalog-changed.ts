import type { CollectionAfterChangeHook, CollectionAfterDeleteHook } from 'payload'

import { CATALOG_CHANGED, catalogEvents } from '../relay/catalog-store'

/**
 * Payload runs hooks inside the request's transaction, and no hook runs after the commit, so a
 * rebuild started at once could read the rows as they were before the change (on Postgres, from
 * another pooled connection). The change is announced at once and again after the commit has
 * certainly happened; the store coalesces the rebuilds.
 */
const ANNOUNCE_AGAIN_MS = [300, 1500]

function announce(slug: string) {
  catalogEvents.emit(CATALOG_CHANGED, slug)
  for (const delay of ANNOUNCE_AGAIN_MS) setTimeout(() => catalogEvents.emit(CATALOG_CHANGED, slug), delay).unref()
}

/** Tells the relay's in-memory catalog (and, through Redis, other instances') to rebuild. */
export const catalogChangedAfterChange: CollectionAfterChangeHook = ({ doc, collection }) => {
  announce(collection.slug)
  return doc
}

export const catalogChangedAfterDelete: CollectionAfterDeleteHook = ({ doc, collection }) => {
  announce(collection.slug)
  return doc
}
