import { parentPort, workerData } from 'node:worker_threads'

import { writeSettlement, type SettlementBatch } from './settlement'
import { sqliteRunner } from './sql'

/** The settlement thread (settlement-writer.ts): one batch at a time, each in one transaction on its own connection. */
const runner = sqliteRunner(`file:${workerData.file as string}`, { checkpoints: false })
const port = parentPort!

port.on('message', async (message: { id: number; batch: SettlementBatch } | { close: true }) => {
  if ('close' in message) {
    await runner.close()
    port.close()
    return
  }
  try {
    const settled = await runner.transaction((tx) => writeSettlement(tx, message.batch))
    port.postMessage({ id: message.id, settled })
  } catch (error) {
    port.postMessage({ id: message.id, error: (error as Error).message })
  }
})
