import type { Payload, TaskConfig } from 'payload'

/** A job still marked processing after this long was left behind by a worker that died. */
export const STALE_AFTER_MS = 30 * 60 * 1000

/**
 * Payload 3 leaves a job `processing` for ever when its worker crashes mid-run, and no worker
 * picks it up again. Marking such jobs not-processing puts them back in the queue.
 */
export async function requeueStaleJobs(payload: Payload, now = Date.now(), staleAfterMs = STALE_AFTER_MS) {
  const cutoff = new Date(now - staleAfterMs).toISOString()
  const { docs } = await payload.update({
    collection: 'payload-jobs',
    overrideAccess: true,
    where: {
      and: [{ processing: { equals: true } }, { completedAt: { exists: false } }, { updatedAt: { less_than: cutoff } }],
    },
    data: { processing: false },
  })
  if (docs.length) payload.logger.warn(`re-queued ${docs.length} job(s) left processing by a stopped worker`)
  return docs.length
}

export const requeueStaleJobsTask: TaskConfig<{ input: object; output: { requeued: number } }> = {
  slug: 'requeueStaleJobs',
  label: 'Re-queue jobs left by a stopped worker',
  schedule: [{ cron: '*/5 * * * *', queue: 'maintenance' }],
  retries: 0,
  outputSchema: [{ name: 'requeued', type: 'number', required: true }],
  handler: async ({ req }) => ({ output: { requeued: await requeueStaleJobs(req.payload) } }),
}
