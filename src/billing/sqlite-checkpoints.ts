import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/**
 * Folds SQLite's write-ahead log back into the database file from a thread of its own. Left to
 * SQLite, the commit that fills the log past 1,000 pages copies it back (and syncs the file)
 * before returning: on the money connection that is the settlement of a usage batch, on the
 * event loop that serves requests. The money connection therefore turns that off and this
 * thread checkpoints every `intervalMs` (PASSIVE: it never waits for, or blocks, readers and
 * writers). Payload's own connection keeps SQLite's default, so the log stays bounded even if
 * this thread fell behind.
 */
const CHECKPOINTER = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.libsql)
const db = new Database(workerData.path)
db.exec('PRAGMA busy_timeout = 10000')
const checkpoint = () => {
  try {
    db.exec('PRAGMA wal_checkpoint(PASSIVE)')
  } catch {
    // Busy or locked: the next turn catches up.
  }
}
const timer = setInterval(checkpoint, workerData.intervalMs)
parentPort.once('message', () => {
  clearInterval(timer)
  checkpoint()
  db.close()
  parentPort.close()
})
`

export function startCheckpoints(path: string, intervalMs = 1000): { stop(): Promise<void> } {
  // Resolved here, as the app resolves its modules: an eval'd worker has no module path of its own.
  const libsql = createRequire(`${process.cwd()}/package.json`).resolve('libsql')
  const worker = new Worker(CHECKPOINTER, { eval: true, workerData: { path, intervalMs, libsql } })
  worker.unref()
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
  return {
    async stop() {
      worker.postMessage('stop')
      await exited
    },
  }
}
