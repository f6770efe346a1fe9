import type { TaskConfig } from 'payload'

import { sqlRunnerOf } from '../billing/sql'
import { recordPaymentEvent } from '../payments/events'
import { closeOrder, expiredOrders } from '../payments/orders'

/** Closes orders nobody paid in time, giving their coupons back; a late payment still counts (see payOrder). */
export const closeExpiredOrdersTask: TaskConfig<{ input: object; output: { closed: number } }> = {
  slug: 'closeExpiredOrders',
  label: 'Close unpaid orders that timed out',
  schedule: [{ cron: '* * * * *', queue: 'maintenance' }],
  retries: 0,
  outputSchema: [{ name: 'closed', type: 'number', required: true }],
  handler: async ({ req }) => {
    const runner = sqlRunnerOf(req.payload)
    let closed = 0
    for (const orderId of await expiredOrders(runner.query, new Date())) {
      const order = await runner.transaction(async (tx) => {
        const done = await closeOrder(tx, { orderId, reason: 'Not paid in time' })
        if (done) await recordPaymentEvent(tx, { orderId, channel: done.channel, kind: 'close', verified: true, summary: 'Not paid in time' })
        return done
      })
      if (order) closed += 1
    }
    return { output: { closed } }
  },
}
