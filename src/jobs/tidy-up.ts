import type { Payload, TaskConfig } from 'payload'

const HOUR = 60 * 60 * 1000

/** How long what the job removes or closes may stay as it is. */
export const TIDY_AFTER = {
  signInCodesMs: 48 * HOUR,
  wechatSignInsMs: 24 * HOUR,
  streamingAnswersMs: HOUR,
}

/**
 * Removes sign-in records nobody can use any more (SMS codes past the per-day limits' window,
 * WeChat QR sign-ins long expired), and marks chat answers that were still streaming when their
 * server stopped as failed, so the app shows them as such instead of waiting for ever.
 */
export async function tidyUp(payload: Payload, now = new Date()) {
  const before = (ms: number) => new Date(now.getTime() - ms).toISOString()
  const removed = await Promise.all([
    payload.delete({ collection: 'sms-codes', where: { createdAt: { less_than: before(TIDY_AFTER.signInCodesMs) } }, overrideAccess: true }),
    payload.delete({ collection: 'wechat-sign-ins', where: { expiresAt: { less_than: before(TIDY_AFTER.wechatSignInsMs) } }, overrideAccess: true }),
  ])
  const interrupted = await payload.update({
    collection: 'messages',
    where: { status: { equals: 'streaming' }, updatedAt: { less_than: before(TIDY_AFTER.streamingAnswersMs) } },
    data: { status: 'failed', error: 'The answer was cut off when the server stopped.' },
    overrideAccess: true,
  })
  return { removed: removed.reduce((sum, result) => sum + result.docs.length, 0), interrupted: interrupted.docs.length }
}

export const tidyUpTask: TaskConfig<{ input: object; output: { removed: number; interrupted: number } }> = {
  slug: 'tidyUp',
  label: 'Remove spent sign-in codes and close interrupted chat answers',
  schedule: [{ cron: '17 * * * *', queue: 'maintenance' }],
  retries: 0,
  outputSchema: [
    { name: 'removed', type: 'number', required: true },
    { name: 'interrupted', type: 'number', required: true },
  ],
  handler: async ({ req }) => ({ output: await tidyUp(req.payload) }),
}
