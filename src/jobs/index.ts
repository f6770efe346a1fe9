import type { CollectionConfig, JobsConfig } from 'payload'

import { byMatrix, nobody } from '../access/staff'
import type { AppConfig } from '../config/env'
import type { Secrets } from '../lib/secrets'
import { closeExpiredOrdersTask } from './close-orders'
import { expireSubscriptionsTask } from './expire-subscriptions'
import { checkProviderBalancesTask } from './provider-balances'
import { reconcileReservationsTask } from './reconcile-reservations'
import { recheckProviderKeysTask } from './recheck-keys'
import { requeueStaleJobsTask } from './requeue-stale'
import { tidyUpTask } from './tidy-up'

export const QUEUES = ['default', 'maintenance'] as const

/**
 * Background work runs in the app itself (JOBS_AUTORUN=true, one instance) or in exactly one
 * `npm run worker` process when several app instances run (JOBS_AUTORUN=false on the apps).
 */
export function jobsConfig(app: Pick<AppConfig, 'JOBS_AUTORUN' | 'RELAY_RECHECK_DISABLED_KEYS'>, secrets: Secrets): JobsConfig {
  return {
    tasks: [requeueStaleJobsTask, tidyUpTask, expireSubscriptionsTask, reconcileReservationsTask, closeExpiredOrdersTask, checkProviderBalancesTask(secrets), ...(app.RELAY_RECHECK_DISABLED_KEYS ? [recheckProviderKeysTask(secrets)] : [])],
    autoRun: QUEUES.map((queue) => ({ cron: '* * * * *', queue, limit: 20 })),
    shouldAutoRun: () => app.JOBS_AUTORUN,
    jobsCollectionOverrides: ({ defaultJobsCollection }): CollectionConfig => ({
      ...defaultJobsCollection,
      labels: { singular: 'Job', plural: 'Jobs' },
      admin: { ...defaultJobsCollection.admin, hidden: false, group: 'System', defaultColumns: ['taskSlug', 'queue', 'processing', 'completedAt', 'hasError', 'updatedAt'] },
      access: {
        read: byMatrix('payload-jobs', 'read'),
        create: nobody,
        update: nobody,
        delete: byMatrix('payload-jobs', 'delete'),
      },
    }),
  }
}
