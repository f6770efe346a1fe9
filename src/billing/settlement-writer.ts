import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'

import { writeSettlement, type AllowanceSettled, type SettlementBatch } from './settlement'
import type { SqlRunner } from './sql'

/**
 * Where usage batches are settled. SQLite runs every statement on the thread that calls it, and a
 * batch (a usage row with ten indexes and a ledger entry per request, plus the wallets) costs more
 * than the relay's own work on the requests it settles; so on SQLite a thread of its own, with its
 * own connection to the file, writes them while the event loop serves requests. On Postgres the
 * statements already run in the database server: the batch goes through the shared pool.
 */
export type SettlementWriter = {
  write(batch: SettlementBatch): Promise<AllowanceSettled[]>
  close(): Promise<void>
}

export function settlementWriter(runner: SqlRunner): SettlementWriter {
  if (runner.dialect === 'sqlite' && runner.file) return settlementThread(runner.file)
  return { write: (batch) => runner.transaction((tx) => writeSettlement(tx, batch)), close: async () => {} }
}

type Reply = { id: number; settled?: AllowanceSettled[]; error?: string }

function settlementThread(file: string): SettlementWriter {
  const here = path.dirname(fileURLToPath(import.meta.url))
  const worker = new Worker(path.join(here, 'settlement-thread.mjs'), {
    workerData: { file, entry: pathToFileURL(path.join(here, 'settlement-thread.ts')).href },
  })
  const waiting = new Map<number, { resolve: (settled: AllowanceSettled[]) => void; reject: (error: Error) => void }>()
  let next = 0
  let broken: Error | undefined
  const failAll = (error: Error) => {
    broken = error
    for (const { reject } of waiting.values()) reject(error)
    waiting.clear()
  }
  worker.on('message', ({ id, settled, error }: Reply) => {
    const call = waiting.get(id)
    waiting.delete(id)
    if (error !== undefined) call?.reject(new Error(error))
    else call?.resolve(settled!)
  })
  worker.on('error', (error) => failAll(error))
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', (code) => {
      failAll(new Error(`The settlement thread stopped (exit code ${code}).`))
      resolve()
    }),
  )
  return {
    write(batch) {
      if (broken) return Promise.reject(broken)
      const id = next++
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject })
        worker.postMessage({ id, batch })
      })
    },
    async close() {
      if (!broken) worker.postMessage({ close: true })
      await exited
    },
  }
}
