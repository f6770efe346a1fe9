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

const HERE = path.dirname(fileURLToPath(import.meta.url))

/**
 * The thread, started with the first batch and again with the next batch after it died (its
 * batches in flight fail and are tried again by the usage buffer; settlement.ts makes that safe).
 * `entry` is the thread's module (tests give their own).
 */
export function settlementThread(file: string, entry = path.join(HERE, 'settlement-thread.ts')): SettlementWriter {
  const boot = path.join(HERE, 'settlement-thread.mjs')
  const waiting = new Map<number, { resolve: (settled: AllowanceSettled[]) => void; reject: (error: Error) => void }>()
  let next = 0
  let thread: { worker: Worker; exited: Promise<void> } | undefined
  let closed = false
  const failWaiting = (error: Error) => {
    for (const { reject } of waiting.values()) reject(error)
    waiting.clear()
  }

  function start() {
    const worker = new Worker(boot, { workerData: { file, entry: pathToFileURL(entry).href } })
    worker.on('message', ({ id, settled, error }: Reply) => {
      const call = waiting.get(id)
      waiting.delete(id)
      if (error !== undefined) call?.reject(new Error(error))
      else call?.resolve(settled!)
    })
    worker.on('error', failWaiting)
    const exited = new Promise<void>((resolve) =>
      worker.once('exit', (code) => {
        failWaiting(new Error(`The settlement thread stopped (exit code ${code}).`))
        if (thread?.worker === worker) thread = undefined
        resolve()
      }),
    )
    return { worker, exited }
  }

  return {
    write(batch) {
      if (closed) return Promise.reject(new Error('The settlement writer is closed.'))
      thread ??= start()
      const { worker } = thread
      const id = next++
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject })
        worker.postMessage({ id, batch })
      })
    },
    async close() {
      closed = true
      if (!thread) return
      thread.worker.postMessage({ close: true })
      await thread.exited
    },
  }
}
