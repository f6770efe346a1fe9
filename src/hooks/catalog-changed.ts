import type { CollectionAfterChangeHook, CollectionAfterDeleteHook } from 'payload'

import { announceCatalogChange } from '../relay/catalog-store'

/** Tells the relay's in-memory catalog (and, through Redis, other instances') to rebuild. */
export const catalogChangedAfterChange: CollectionAfterChangeHook = ({ doc, collection }) => {
  announceCatalogChange(collection.slug)
  return doc
}

export const catalogChangedAfterDelete: CollectionAfterDeleteHook = ({ doc, collection }) => {
  announceCatalogChange(collection.slug)
  return doc
}
