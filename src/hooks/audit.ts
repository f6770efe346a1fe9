import type {
  CollectionAfterChangeHook,
  CollectionAfterOperationHook,
  CollectionAfterDeleteHook,
  CollectionConfig,
  Field,
  GlobalAfterChangeHook,
  PayloadRequest,
} from 'payload'

import { AUTH_SECRET_FIELDS, diffDocuments, type FieldChange } from '../audit/changes'
import { CLIENT_IP_HEADER } from '../http/client-ip'

export type AuditAction = 'create' | 'update' | 'delete' | 'login' | 'export' | 'view' | 'rejected'

/** Top-level fields marked `custom: { secret: true }`, plus the auth internals. */
export function secretFieldsOf(collection: Pick<CollectionConfig, 'fields' | 'auth'>): string[] {
  const marked = (collection.fields as Field[])
    .filter((f) => 'name' in f && (f.custom as { secret?: boolean } | undefined)?.secret)
    .map((f) => (f as { name: string }).name)
  return collection.auth ? [...marked, ...AUTH_SECRET_FIELDS] : marked
}

export function clientIpOf(req: PayloadRequest): string | null {
  return req.headers?.get?.(CLIENT_IP_HEADER) ?? null
}

type AuditInput = {
  action: AuditAction
  collectionSlug: string
  documentId?: string | number | null
  changes?: FieldChange[]
  summary?: string
}

/**
 * Writes one audit entry in the request's transaction, so a change and its record commit or
 * roll back together. Work done by the system itself (no signed-in user) is not audited here.
 */
export async function recordAudit(req: PayloadRequest, entry: AuditInput, actor = req.user) {
  const user = actor
  if (!user) return
  await req.payload.create({
    collection: 'audit-logs',
    overrideAccess: true,
    req,
    data: {
      action: entry.action,
      collectionSlug: entry.collectionSlug,
      documentId: entry.documentId == null ? null : String(entry.documentId),
      actorId: String(user.id),
      actorEmail: (user as { email?: string }).email ?? null,
      actorRole: (user as { role?: string }).role ?? (user.collection === 'users' ? 'customer' : null),
      actorType: user.collection,
      ip: clientIpOf(req),
      userAgent: req.headers?.get?.('user-agent')?.slice(0, 500) ?? null,
      changes: entry.changes ?? [],
      summary: entry.summary ?? `${entry.action} ${entry.collectionSlug} ${entry.documentId ?? ''}`.trim(),
    },
  })
}

/**
 * An outside call we refused (a forged signature, a replay): recorded with no actor but the
 * caller's address, since nobody signed in made it.
 */
export async function recordRejection(req: PayloadRequest, entry: { collectionSlug: string; documentId?: string | null; summary: string }) {
  await req.payload.create({
    collection: 'audit-logs',
    overrideAccess: true,
    req,
    data: {
      action: 'rejected',
      collectionSlug: entry.collectionSlug,
      documentId: entry.documentId ?? null,
      actorType: 'system',
      ip: clientIpOf(req),
      userAgent: req.headers?.get?.('user-agent')?.slice(0, 500) ?? null,
      changes: [],
      summary: entry.summary.slice(0, 500),
    },
  })
}

/** Staff opening one customer's record is a view of personal data, and is audited as one. */
export const auditStaffView: CollectionAfterOperationHook = async ({ collection, operation, req, result }) => {
  if (operation !== 'findByID' || req.user?.collection !== 'admins' || !result) return result
  await recordAudit(req, { action: 'view', collectionSlug: collection.slug, documentId: (result as { id?: string }).id })
  return result
}

export const auditAfterChange: CollectionAfterChangeHook = async ({
  collection,
  data,
  doc,
  operation,
  previousDoc,
  req,
}) => {
  const changes = diffDocuments(
    operation === 'create' ? null : previousDoc,
    doc,
    secretFieldsOf(collection),
    data,
  )
  if (operation === 'update' && changes.length === 0) return doc
  await recordAudit(req, { action: operation, collectionSlug: collection.slug, documentId: doc.id, changes })
  return doc
}

export const auditAfterDelete: CollectionAfterDeleteHook = async ({ collection, doc, id, req }) => {
  const changes = diffDocuments(doc, null, secretFieldsOf(collection))
  await recordAudit(req, { action: 'delete', collectionSlug: collection.slug, documentId: id, changes })
  return doc
}

/** Settings changes are audited like collection changes, under the global's slug. */
export const auditGlobalAfterChange: GlobalAfterChangeHook = async ({ doc, global, previousDoc, req }) => {
  const changes = diffDocuments(previousDoc, doc, [])
  if (changes.length > 0) await recordAudit(req, { action: 'update', collectionSlug: global.slug, documentId: global.slug, changes })
  return doc
}
