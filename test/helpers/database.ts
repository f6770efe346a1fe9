import { randomBytes } from 'node:crypto'
import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import pg from 'pg'

declare const TEST_DB: 'sqlite' | 'postgres' | undefined

export function testDatabaseKind(): 'sqlite' | 'postgres' {
  return typeof TEST_DB === 'string' ? TEST_DB : 'sqlite'
}

export type TestDatabase = { url: string; drop: () => Promise<void> }

/** A database of its own for one test file: a temp SQLite file, or a new Postgres database. */
export async function createTestDatabase(kind = testDatabaseKind()): Promise<TestDatabase> {
  const name = `modelgate_test_${randomBytes(6).toString('hex')}`
  if (kind === 'sqlite') {
    const file = path.join(tmpdir(), `${name}.db`)
    return {
      url: `file:${file}`,
      drop: async () => {
        for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true })
      },
    }
  }
  const serverUrl = process.env.TEST_POSTGRES_URL
  if (!serverUrl) throw new Error('TEST_POSTGRES_URL is not set')
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl })
      await client.connect()
      // Connections the server just closed can take a moment to go; forcing them would surface as
      // an unhandled error in the process that owned them.
      for (let i = 0; i < 50; i++) {
        const { rows } = await client.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name])
        if (rows[0].n === 0) break
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await client.end()
    },
  }
}
