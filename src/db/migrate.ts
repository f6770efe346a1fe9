import type { Payload } from 'payload'

import type { DatabaseKind } from '../config/env'

/** Loaded for the database in use only: each dialect's migrations import its adapter. */
const MIGRATIONS: Partial<Record<DatabaseKind, () => Promise<{ migrations: unknown[] }>>> = {
  sqlite: () => import('../migrations/sqlite'),
  postgres: () => import('../migrations/postgres'),
}

/**
 * Brings the schema up to date from the committed migrations. Safe to run on every start: applied
 * migrations are recorded in payload_migrations and skipped. MongoDB needs no schema migration.
 */
export async function migrateDatabase(payload: Payload, kind: DatabaseKind) {
  const load = MIGRATIONS[kind]
  if (!load) return
  const { migrations } = await load()
  await payload.db.migrate({ migrations: migrations as never })
}
