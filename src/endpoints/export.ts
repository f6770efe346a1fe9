import type { CollectionConfig, CollectionSlug, Endpoint, Field, PayloadRequest, Where } from 'payload'

import { staffCan } from '../access/staff'
import { recordAudit, secretFieldsOf } from '../hooks/audit'
import { csvRow } from '../lib/csv'
import { payloadError } from '../lib/payload-errors'

const PAGE_SIZE = 500
const EXPORTABLE = new Set(['text', 'email', 'textarea', 'select', 'number', 'checkbox', 'date', 'relationship', 'json', 'radio', 'upload', 'code'])

export function exportColumns(collection: Pick<CollectionConfig, 'fields' | 'auth'>): string[] {
  const secrets = new Set(secretFieldsOf(collection))
  const named = (collection.fields as Field[]).filter(
    (f): f is Field & { name: string } => 'name' in f && EXPORTABLE.has(f.type) && !secrets.has(f.name),
  )
  const columns = named.map((f) => f.name)
  if (collection.auth) columns.unshift('email')
  return [...new Set(['id', ...columns, 'createdAt', 'updatedAt'])]
}

export function exportName(slug: string, extension: string) {
  return `${slug}-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.${extension}`
}

/**
 * What every export starts with: the export permission, the columns, the caller's filters read
 * with the caller's access, the first page, and the audit entry (an export takes data out of the
 * system). A refusal comes back as the 403 response to send.
 */
export async function startExport(req: PayloadRequest, format: string) {
  const slug = req.routeParams?.collection as CollectionSlug
  if (!staffCan(req.user, slug, 'export')) {
    return payloadError(403, 'You are not allowed to perform this action.')
  }
  const collection = req.payload.collections[slug]!.config
  const where = (req.query?.where ?? {}) as Where
  const { payload, user } = req
  const page = (n: number) => payload.find({ collection: slug, where, limit: PAGE_SIZE, page: n, depth: 0, user, overrideAccess: false })
  const first = await page(1)
  await recordAudit(req, { action: 'export', collectionSlug: slug, summary: `export ${slug}${format} (${first.totalDocs} rows)` })
  return { slug, collection, columns: exportColumns(collection), first, page }
}

/**
 * `GET /api/<slug>/export?where[...]=...`: the filtered list as CSV, for staff whose role has the
 * `export` permission. Rows are read page by page and streamed, so a large export does not sit in
 * memory. Exporting is audited because it takes data out of the system.
 */
export const exportEndpoint: Endpoint = {
  path: '/export',
  method: 'get',
  handler: async (req: PayloadRequest) => {
    const started = await startExport(req, '')
    if (started instanceof Response) return started
    const { slug, columns, first } = started

    const encoder = new TextEncoder()
    let page = 1
    let docs = first.docs
    let hasNextPage = first.hasNextPage
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(csvRow(columns)))
      },
      async pull(controller) {
        for (const doc of docs) {
          controller.enqueue(encoder.encode(csvRow(columns.map((c) => (doc as unknown as Record<string, unknown>)[c]))))
        }
        if (!hasNextPage) return controller.close()
        page += 1
        const next = await started.page(page)
        docs = next.docs
        hasNextPage = next.hasNextPage
      },
    })
    return new Response(body, {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${exportName(slug, 'csv')}"`,
      },
    })
  },
}
