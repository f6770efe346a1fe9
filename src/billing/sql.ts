import Database from 'libsql'
import type { Payload } from 'payload'

import { startCheckpoints } from './sqlite-checkpoints'

export type Row = Record<string, unknown>

/** Runs one statement with `?` placeholders and returns its rows (RETURNING included). */
export type Query = (text: string, params?: unknown[]) => Promise<Row[]>

export type Dialect = 'sqlite' | 'postgres'

/** A transaction in progress. */
export type Tx = {
  query: Query
  /** `FOR UPDATE` where the database has row locks; SQLite's writer lock covers it. */
  forUpdate: string
}

/**
 * Money statements run here, each group in one transaction. Payload's own transactions are off
 * on SQLite (libsql opens a second connection for them, which then fails with "database is
 * locked"), so billing keeps one connection of its own there and runs its transactions one at a
 * time; SQLite serialises writers across processes. Postgres uses Payload's pool.
 */
export type SqlRunner = {
  dialect: Dialect
  /** SQLite's database file, for a thread that opens a connection of its own (settlement-writer.ts). */
  file?: string
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>
  /** Reads outside a transaction; every write goes through `transaction`. */
  query: Query
  close(): Promise<void>
}

type PgClient = { query(text: string, params?: unknown[]): Promise<{ rows: Row[] }>; release(): void }
type PgPool = { connect(): Promise<PgClient>; query(text: string, params?: unknown[]): Promise<{ rows: Row[] }> }

/** `?` → `$1, $2…`; the statements here never contain a literal question mark. */
function numbered(text: string): string {
  let n = 0
  return text.replace(/\?/g, () => `$${++n}`)
}

function sqliteValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'boolean') return value ? 1 : 0
  if (value !== null && typeof value === 'object') return JSON.stringify(value)
  return value ?? null
}

/** `file:/path`, `file:///path` or `file:relative` (options after `?` ignored) → the path libsql opens. */
function sqlitePath(url: string): string {
  const rest = url.replace(/^file:/, '').split('?')[0]!
  return rest.startsWith('//') ? decodeURIComponent(new URL(url).pathname) : rest
}

/**
 * The statements here are few and fixed (plus IN lists and multi-row VALUES of a few lengths), so
 * each is prepared once and kept: preparing costs more than running most of them.
 */
const STATEMENTS_KEPT = 500

/** How long a transaction waits for another connection (the settlement thread, Payload's, another process) to let go. */
const BUSY_WAIT_MS = 10_000

const isBusy = (error: unknown) => /SQLITE_BUSY|database is locked/i.test(String((error as { code?: string })?.code ?? '') + (error as Error)?.message)

export function sqliteRunner(url: string, { checkpoints: checkpointing = true } = {}): SqlRunner {
  const path = sqlitePath(url)
  const db = new Database(path)
  // WAL with synchronous=NORMAL: a commit survives the process being killed (the crash that
  // reservations are built for) without an fsync per request; only an OS crash or power loss can
  // take back the last commits. Checkpoints run on a thread of their own (sqlite-checkpoints.ts).
  // Statements wait for locks as SQLite does (asleep, blocking the thread); beginning a
  // transaction does not: while another connection writes, BEGIN is tried again on a timer, so the
  // event loop serves requests meanwhile (see `begin`).
  db.exec(`PRAGMA busy_timeout = ${BUSY_WAIT_MS}; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0;`)
  const checkpoints = checkpointing ? startCheckpoints(path) : undefined
  const statements = new Map<string, Database.Statement>()
  const statement = (text: string) => {
    let prepared = statements.get(text)
    if (!prepared) {
      if (statements.size >= STATEMENTS_KEPT) statements.clear()
      prepared = db.prepare(text)
      statements.set(text, prepared)
    }
    return prepared
  }
  const run = (text: string, params: unknown[] = []): Row[] => {
    const prepared = statement(text)
    const args = params.map(sqliteValue)
    if (prepared.reader) return prepared.all(args) as Row[]
    prepared.run(args)
    return []
  }
  // libsql runs statements synchronously; the promises keep the runner's shape shared with Postgres.
  const query: Query = async (text, params) => run(text, params)
  const begin = async () => {
    const giveUp = Date.now() + BUSY_WAIT_MS
    // Every millisecond: a settlement batch holds the lock for a few, and a stream's first byte
    // waits for its reservation; a refused BEGIN costs microseconds.
    for (;;) {
      try {
        statement('PRAGMA busy_timeout = 0').run()
        db.exec('BEGIN IMMEDIATE')
        return
      } catch (error) {
        if (!isBusy(error) || Date.now() > giveUp) throw error
      } finally {
        statement(`PRAGMA busy_timeout = ${BUSY_WAIT_MS}`).run()
      }
      await new Promise((resolve) => setTimeout(resolve, 1))
    }
  }
  let queue: Promise<unknown> = Promise.resolve()
  return {
    dialect: 'sqlite',
    file: path,
    query,
    transaction(work) {
      const next = queue.then(async () => {
        await begin()
        try {
          const result = await work({ query, forUpdate: '' })
          db.exec('COMMIT')
          return result
        } catch (error) {
          try {
            db.exec('ROLLBACK')
          } catch {
            // Nothing was open to roll back (BEGIN itself failed).
          }
          throw error
        }
      })
      queue = next.catch(() => undefined)
      return next
    },
    async close() {
      await queue
      statements.clear()
      db.close()
      await checkpoints?.stop()
    },
  }
}

const postgresQuery =
  (target: { query: PgPool['query'] }): Query =>
  async (text, params = []) =>
    (await target.query(numbered(text), params.map((v) => (v === undefined ? null : v)))).rows

/** A transaction already open on a Postgres client (BEGIN was sent by whoever owns it). */
export function postgresTx(client: { query: PgPool['query'] }): Tx {
  return { query: postgresQuery(client), forUpdate: ' FOR UPDATE' }
}

export function postgresRunner(pool: PgPool): SqlRunner {
  return {
    dialect: 'postgres',
    query: postgresQuery(pool),
    async transaction(work) {
      const client = await pool.connect()
      try {
        await client.query('BEGIN')
        const result = await work(postgresTx(client))
        await client.query('COMMIT')
        return result
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined)
        throw error
      } finally {
        client.release()
      }
    },
    async close() {},
  }
}

const runners = new WeakMap<Payload, SqlRunner>()

/**
 * The money runner of a Payload instance, made on first use, so hooks, endpoints, jobs and the
 * relay in one process share it. MongoDB has none yet (see the README).
 */
export function sqlRunnerOf(payload: Payload): SqlRunner {
  const existing = runners.get(payload)
  if (existing) return existing
  const db = payload.db as unknown as { name?: string; pool?: PgPool; clientConfig?: { url?: string } }
  let runner: SqlRunner
  if (db.pool) runner = postgresRunner(db.pool)
  else if (db.clientConfig?.url?.startsWith('file:')) runner = sqliteRunner(db.clientConfig.url)
  else throw new Error(`Billing needs SQLite or Postgres; ${db.name ?? 'this database'} is not supported yet.`)
  runners.set(payload, runner)
  return runner
}

/** Closes the money runner with the database (see closeDatabase). */
export async function closeSqlRunner(payload: Payload) {
  const runner = runners.get(payload)
  runners.delete(payload)
  await runner?.close()
}

/** A boolean column: 0/1 on SQLite, a boolean from Postgres (text forms tolerated). */
export const bool = (value: unknown): boolean => value === true || value === 1 || value === '1' || value === 'true' || value === 't'

/** Numbers come back as strings from Postgres `numeric` columns. */
export const num = (value: unknown): number => (value == null ? 0 : Number(value))

/** A timestamp column: a Date from Postgres, ISO text from SQLite. */
export const toDate = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)))

/** A json column: text on SQLite, already parsed from Postgres' jsonb. */
export const jsonColumn = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T

/** Timestamps as the database stores them: ISO text on SQLite, timestamptz on Postgres. */
export const at = (date: Date): string => date.toISOString()

/** `?, ?, ?` for an IN list or a VALUES tuple of `count` items. */
export const placeholders = (count: number) => Array.from({ length: count }, () => '?').join(', ')

/** One multi-row INSERT; every row has the same columns (snake_case keys). */
export async function insertRows(tx: Tx, table: string, rows: Row[]): Promise<void> {
  if (rows.length === 0) return
  const columns = Object.keys(rows[0]!)
  const tuple = `(${placeholders(columns.length)})`
  await tx.query(
    `INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${rows.map(() => tuple).join(', ')}`,
    rows.flatMap((row) => columns.map((c) => row[c])),
  )
}
