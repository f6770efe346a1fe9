import { mkdirSync } from 'node:fs'
import path from 'node:path'

import type { DatabaseAdapterObj, Payload } from 'payload'

import { closeSqlRunner } from '../billing/sql'
import type { AppConfig } from '../config/env'

export const MIGRATIONS_DIR = path.resolve(process.cwd(), 'src/migrations')

/** libsql creates the file but not its folder. */
function ensureSqliteFolder(url: string) {
  const file = url.replace(/^file:(\/\/)?/, '').split('?')[0]
  if (file && file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
}

/**
 * Schema changes reach SQLite and Postgres through the committed migrations in
 * src/migrations/<adapter>, run at start (see migrate.ts). Development pushes the schema
 * directly so collection edits show up without a migration. Only the adapter in use is loaded:
 * each of the others would hold ~4–9 MiB of the server's heap for nothing.
 */
export async function databaseAdapter(app: Pick<AppConfig, 'DATABASE_URL' | 'NODE_ENV' | 'databaseKind'>): Promise<DatabaseAdapterObj> {
  const push = app.NODE_ENV === 'development'
  switch (app.databaseKind) {
    case 'sqlite': {
      ensureSqliteFolder(app.DATABASE_URL)
      const { sqliteAdapter } = await import('@payloadcms/db-sqlite')
      return sqliteAdapter({
        client: { url: app.DATABASE_URL },
        idType: 'uuid',
        push,
        busyTimeout: 5000,
        wal: true,
        migrationDir: path.join(MIGRATIONS_DIR, 'sqlite'),
      })
    }
    case 'postgres': {
      const { postgresAdapter } = await import('@payloadcms/db-postgres')
      return postgresAdapter({
        pool: { connectionString: app.DATABASE_URL, max: 20 },
        idType: 'uuid',
        push,
        migrationDir: path.join(MIGRATIONS_DIR, 'postgres'),
      })
    }
    case 'mongodb': {
      const { mongooseAdapter } = await import('@payloadcms/db-mongodb')
      return mongooseAdapter({ url: app.DATABASE_URL })
    }
  }
}

type PooledClient = { release?: (destroy: boolean) => void; _activeQuery?: unknown; _queryQueue?: unknown[] }

const isQuerying = (client: PooledClient) => Boolean(client._activeQuery) || (client._queryQueue?.length ?? 0) > 0

/** Payload's destroy() forgets the schema but leaves connections open; close them too. */
export async function closeDatabase(payload: Payload) {
  const db = payload.db as unknown as {
    pool?: { end: () => Promise<void>; _clients?: PooledClient[]; _idle?: { client: unknown }[] }
    client?: { close: () => void }
    connection?: { close: () => Promise<void> }
  }
  await closeSqlRunner(payload)
  await payload.destroy()
  if (db.pool) {
    // The Postgres adapter checks out one client at connect and never releases it, so
    // pool.end() alone would wait for ever; releasing that client lets it finish. A client
    // still running a query is left to finish first: destroying it makes the pool release it
    // a second time when the query fails, which throws outside any caller.
    const pool = db.pool
    const held = () => {
      const idle = new Set((pool._idle ?? []).map((entry) => entry.client))
      return (pool._clients ?? []).filter((client) => !idle.has(client))
    }
    const deadline = Date.now() + 5000
    while (held().some(isQuerying) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
    for (const client of held()) if (!isQuerying(client)) client.release?.(true)
    await pool.end()
  }
  else if (db.client?.close) db.client.close()
  else if (db.connection?.close) await db.connection.close()
}
