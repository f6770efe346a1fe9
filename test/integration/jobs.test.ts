import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { requeueStaleJobs, STALE_AFTER_MS } from '../../src/jobs/requeue-stale'
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
})
