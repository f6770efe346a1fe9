import type { CollectionAfterChangeHook, CollectionAfterDeleteHook } from 'payload'

import { CATALOG_CHANGED, catalogEvents } from '../relay/catalog-store'

/** Tells the relay's in-memory catalog (and, through Redis, other instances') to rebuild. */
export const catalogChangedAfterChange: CollectionAfterChangeHook = ({ doc, collection }) => {
  catalogEvents.emit(CATALOG_CHANGED, collection.slug)
  return doc
}

export const catalogChangedAfterDelete: CollectionAfterDeleteHook = ({ doc, collection }) => {
  catalogEvents.emit(CATALOG_CHANGED, collection.slug)
  return doc
}
