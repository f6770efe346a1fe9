import type { Payload } from 'payload'

import type { DatabaseKind } from '../config/env'
import { migrations as postgresMigrations } from '../migrations/postgres'
import { migrations as sqliteMigrations } from '../migrations/sqlite'

const MIGRATIONS: Partial<Record<DatabaseKind, unknown[]>> = {
  sqlite: sqliteMigrations,
  postgres: postgresMigrations,
}

/**
 * Brings the schema up to date from the committed migrations. Safe to run on every start: applied
 * migrations are recorded in payload_migrations and skipped. MongoDB needs no schema migration.
 */
export async function migrateDatabase(payload: Payload, kind: DatabaseKind) {
  const migrations = MIGRATIONS[kind]
  if (!migrations) return
  await payload.db.migrate({ migrations: migrations as never })
}
