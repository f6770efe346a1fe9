import { parentPort } from 'node:worker_threads'

import type { SettlementBatch } from '../../src/billing/settlement'

/**
 * A settlement thread for settlement-writer tests: answers each batch with one allowance per
 * API key named in `lastUse`, and dies (exit code 3) on a batch whose first key is `die`.
 */
const port = parentPort!
port.on('message', (message: { id: number; batch: SettlementBatch } | { close: true }) => {
  if ('close' in message) return port.close()
  if (message.batch.lastUse[0]?.[0] === 'die') process.exit(3)
  port.postMessage({ id: message.id, settled: message.batch.lastUse.map(() => ({ remaining: 0, lost: false })) })
})
