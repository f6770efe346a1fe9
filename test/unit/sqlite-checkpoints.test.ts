import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, describe, expect, it } from '@jest/globals'
import Database from 'libsql'

import { startCheckpoints } from '../../src/billing/sqlite-checkpoints'

/**
 * The money connection leaves checkpoints to a thread of its own; without it, a connection with
 * automatic checkpoints off grows its write-ahead log with every commit.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'modelgate-wal-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function database(name: string) {
  const file = path.join(dir, name)
  const db = new Database(file)
  db.exec('PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; CREATE TABLE rows (body TEXT)')
  const insert = db.prepare('INSERT INTO rows (body) VALUES (?)')
  const burst = () => {
    db.exec('BEGIN')
    for (let i = 0; i < 500; i++) insert.run(['x'.repeat(2000)])
    db.exec('COMMIT')
  }
  return { file, db, burst, walBytes: () => statSync(`${file}-wal`).size }
}

describe('SQLite checkpoints on their own thread', () => {
  it('keep the write-ahead log from growing with every commit', async () => {
    const checked = database('checked.db')
    const checkpoints = startCheckpoints(checked.file, 50)
    const unchecked = database('unchecked.db')
    for (let round = 0; round < 8; round++) {
      checked.burst()
      unchecked.burst()
      await pause(150)
    }
    await checkpoints.stop()
    // Eight bursts of ~1 MB: the unchecked log holds all of them, the checked one about one.
    expect(unchecked.walBytes()).toBeGreaterThan(7_000_000)
    expect(checked.walBytes()).toBeLessThan(3_000_000)
    checked.db.close()
    unchecked.db.close()
  })
})
