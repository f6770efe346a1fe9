import path from 'node:path'

import { afterAll, describe, expect, it } from '@jest/globals'

import type { SettlementBatch } from '../../src/billing/settlement'
import { settlementThread } from '../../src/billing/settlement-writer'

/** The settlement thread (SQLite): a thread that dies fails its batch, and the next batch starts another. */

const writer = settlementThread('unused.db', path.resolve('test/helpers/settlement-thread-stub.ts'))
afterAll(() => writer.close())

const batch = (...keys: string[]): SettlementBatch => ({ items: [], allowances: [], lastUse: keys.map((key) => [key, '2026-11-30T00:00:00.000Z']) })

describe('the settlement thread', () => {
  it('answers batches in order, fails the batch it died on, and serves the next one from a new thread', async () => {
    expect(await Promise.all([writer.write(batch('a')), writer.write(batch('a', 'b'))])).toEqual([
      [{ remaining: 0, lost: false }],
      [
        { remaining: 0, lost: false },
        { remaining: 0, lost: false },
      ],
    ])
    await expect(writer.write(batch('die'))).rejects.toThrow(/settlement thread stopped \(exit code 3\)/)
    expect(await writer.write(batch('c'))).toEqual([{ remaining: 0, lost: false }])
  })

  it('refuses batches once closed', async () => {
    await writer.close()
    await expect(writer.write(batch('d'))).rejects.toThrow(/closed/)
  })
})
