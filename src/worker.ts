import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

import { getPayload, type Payload } from 'payload'

import { ConfigError, loadConfig } from './config/env'
import { closeDatabase } from './db/adapter'
import { requeueStaleJobs } from './jobs/requeue-stale'
import { createPayloadConfig } from './payload-config'

const POLL_MS = 5000

/** One pass of the worker: recover stale jobs, enqueue scheduled ones, run what is due. */
export async function workerTick(payload: Payload) {
  await requeueStaleJobs(payload)
  await payload.jobs.handleSchedules({ allQueues: true })
  return payload.jobs.run({ allQueues: true, limit: 50 })
}

/**
 * `npm run worker`: the single job runner of a scaled-out deployment. The app instances run with
 * JOBS_AUTORUN=false and migrate the schema; the worker only runs jobs.
 */
export async function main() {
  let config
  try {
    config = loadConfig()
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error)
    process.exit(1)
  }
  const payload = await getPayload({ config: createPayloadConfig({ ...config, JOBS_AUTORUN: false }) })
  const stopping = new AbortController()
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stopping.abort())
  payload.logger.info('worker started')
  while (!stopping.signal.aborted) {
    try {
      await workerTick(payload)
    } catch (error) {
      payload.logger.error({ err: error }, 'worker pass failed')
    }
    await sleep(POLL_MS, undefined, { signal: stopping.signal }).catch(() => undefined)
  }
  payload.logger.info('worker stopped')
  await closeDatabase(payload)
  process.exit(0)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) void main()
