import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { requeueStaleJobs, STALE_AFTER_MS } from '../../src/jobs/requeue-stale'
import { TIDY_AFTER, tidyUp } from '../../src/jobs/tidy-up'
import { workerTick } from '../../src/worker'
import { startTestServer, type TestServer } from '../helpers/server'

let server: TestServer

beforeAll(async () => {
  server = await startTestServer()
})
afterAll(async () => server?.close())

/** Leaves a job as a crashed worker would: processing, never completed, last touched long ago. */
async function strandedJob(minutesAgo: number) {
  const job = await server.payload.jobs.queue({ task: 'requeueStaleJobs', input: {}, queue: 'maintenance' })
  const updatedAt = new Date(Date.now() - minutesAgo * 60_000).toISOString()
  await server.payload.db.updateOne({ collection: 'payload-jobs', id: job.id, data: { processing: true, updatedAt } })
  return job.id
}

describe('background jobs', () => {
  it('re-queues a job left processing by a stopped worker, and only such jobs', async () => {
    const stale = await strandedJob(STALE_AFTER_MS / 60_000 + 5)
    const running = await strandedJob(1)
    expect(await requeueStaleJobs(server.payload)).toBe(1)
    const [a, b] = await Promise.all(
      [stale, running].map((id) => server.payload.findByID({ collection: 'payload-jobs', id })),
    )
    expect(a.processing).toBe(false)
    expect(b.processing).toBe(true)
  })

  it('runs the re-queued job on the next worker pass', async () => {
    const stale = await strandedJob(STALE_AFTER_MS / 60_000 + 5)
    await workerTick(server.payload)
    // Payload deletes a job that completed; one that failed would stay, marked hasError.
    await expect(server.payload.findByID({ collection: 'payload-jobs', id: stale })).rejects.toThrow('Not Found')
  })

  it('removes spent sign-in records and marks answers cut off by a stopped server as failed', async () => {
    const ago = (ms: number) => new Date(Date.now() - ms - 60_000).toISOString()
    const user = await server.payload.create({ collection: 'users', data: { email: 'tidy@jobs.test', password: 'customer-password-1' } })
    const oldCode = await server.payload.create({ collection: 'sms-codes', data: { phone: '+8613800000000', codeHash: 'x', expiresAt: ago(TIDY_AFTER.signInCodesMs) }, overrideAccess: true })
    await server.payload.db.updateOne({ collection: 'sms-codes', id: oldCode.id, data: { createdAt: ago(TIDY_AFTER.signInCodesMs) } })
    const newCode = await server.payload.create({ collection: 'sms-codes', data: { phone: '+8613800000000', codeHash: 'y', expiresAt: new Date().toISOString() }, overrideAccess: true })
    await server.payload.create({ collection: 'wechat-sign-ins', data: { scene: 'old-scene', status: 'pending', expiresAt: ago(TIDY_AFTER.wechatSignInsMs) }, overrideAccess: true })
    const conversation = await server.payload.create({ collection: 'conversations', data: { owner: user.id, title: 't', model: 'modelgate-demo' } as never, overrideAccess: true })
    const message = (updatedAt: string) =>
      server.payload
        .create({ collection: 'messages', data: { conversation: conversation.id, owner: user.id, role: 'assistant', content: 'half an ans', status: 'streaming' } as never, overrideAccess: true })
        .then(async (m) => {
          await server.payload.db.updateOne({ collection: 'messages', id: m.id, data: { updatedAt } })
          return m.id
        })
    const cutOff = await message(ago(TIDY_AFTER.streamingAnswersMs))
    const live = await message(new Date().toISOString())

    expect(await tidyUp(server.payload)).toEqual({ removed: 2, interrupted: 1 })
    const codes = await server.payload.find({ collection: 'sms-codes', overrideAccess: true })
    expect(codes.docs.map((c) => c.id)).toEqual([newCode.id])
    expect(await server.payload.findByID({ collection: 'messages', id: cutOff, overrideAccess: true })).toMatchObject({ status: 'failed', content: 'half an ans' })
    expect(await server.payload.findByID({ collection: 'messages', id: live, overrideAccess: true })).toMatchObject({ status: 'streaming' })
  })
})
