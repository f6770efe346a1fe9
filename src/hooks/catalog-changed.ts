import type { CollectionAfterChangeHook, CollectionAfterDeleteHook, PayloadRequest } from 'payload'

import { CATALOG_CHANGED, catalogEvents } from '../relay/catalog-store'

const COMMIT_WAIT_MS = 10_000

/**
 * Payload runs every hook inside the request's transaction, so a rebuild started from the hook
 * could read the state before the change. The announcement waits until the transaction is over.
 */
function afterCommit(req: PayloadRequest, announce: () => void) {
  const started = Date.now()
  const check = () => {
    if (!req.transactionID || Date.now() - started > COMMIT_WAIT_MS) return announce()
    setTimeout(check, 5).unref()
  }
  check()
}

/** Tells the relay's in-memory catalog (and, through Redis, other instances') to rebuild. */
export const catalogChangedAfterChange: CollectionAfterChangeHook = ({ doc, collection, req }) => {
  afterCommit(req, () => catalogEvents.emit(CATALOG_CHANGED, collection.slug))
  return doc
}

export const catalogChangedAfterDelete: CollectionAfterDeleteHook = ({ doc, collection, req }) => {
  afterCommit(req, () => catalogEvents.emit(CATALOG_CHANGED, collection.slug))
  return doc
}
