import type { PayloadRequest } from 'payload'

import { postgresTx, sqlRunnerOf, type Tx } from '../billing/sql'

type PgClient = Parameters<typeof postgresTx>[0]
/** What Payload's Postgres adapter keeps per open transaction: a drizzle transaction on one pooled client. */
type DrizzleSession = { db?: { session?: { client?: PgClient } } }

/**
 * Runs billing SQL for a hook. On Postgres, Payload's change is still uncommitted in the request's
 * transaction: a statement on another connection would not see it (or would wait on its locks for
 * ever), so the work joins that transaction and commits or rolls back with the change and its
 * audit entry. SQLite runs Payload without transactions, so the change is already committed and
 * the work takes a billing transaction of its own. Never call this inside a billing transaction.
 */
export async function inRequestTransaction<T>(req: PayloadRequest, work: (tx: Tx) => Promise<T>): Promise<T> {
  const runner = sqlRunnerOf(req.payload)
  const id = req.transactionID === undefined ? undefined : await req.transactionID
  if (runner.dialect !== 'postgres' || id === undefined) return runner.transaction(work)
  const sessions = req.payload.db.sessions as Record<string, DrizzleSession> | undefined
  const client = sessions?.[String(id)]?.db?.session?.client
  if (!client) throw new Error('The request transaction has no database client to run billing statements on.')
  return work(postgresTx(client))
}
