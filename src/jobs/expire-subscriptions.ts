import type { TaskConfig } from 'payload'

import { sqlRunnerOf } from '../billing/sql'
import { expireSubscriptions } from '../billing/subscriptions'

/**
 * Marks subscriptions whose time is over as expired, so lists and the customer's view say so.
 * Hourly rather than daily: billing checks the expiry itself, but a status a day late confuses.
 */
export const expireSubscriptionsTask: TaskConfig<{ input: object; output: { expired: number } }> = {
  slug: 'expireSubscriptions',
  label: 'Expire subscriptions past their end',
  schedule: [{ cron: '0 * * * *', queue: 'maintenance' }],
  // The next run catches up whatever this one missed.
  retries: 0,
  outputSchema: [{ name: 'expired', type: 'number', required: true }],
  handler: async ({ req }) => ({
    output: { expired: await sqlRunnerOf(req.payload).transaction((tx) => expireSubscriptions(tx, new Date())) },
  }),
}
