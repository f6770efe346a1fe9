import type { TaskConfig } from 'payload'

import { reconcileReservations } from '../billing/service'
import { sqlRunnerOf } from '../billing/sql'

/**
 * Settles reservations whose process died. Every app instance already does this at start and
 * once per lease; the job makes the work visible in the admin and covers deployments where the
 * crashed instance is not restarted.
 */
export const reconcileReservationsTask: TaskConfig<{ input: object; output: { settled: number } }> = {
  slug: 'reconcileReservations',
  label: 'Settle reservations left by a stopped server',
  schedule: [{ cron: '*/5 * * * *', queue: 'maintenance' }],
  retries: 0,
  outputSchema: [{ name: 'settled', type: 'number', required: true }],
  handler: async ({ req }) => ({ output: { settled: await reconcileReservations(sqlRunnerOf(req.payload)) } }),
}
