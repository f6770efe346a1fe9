import type { Endpoint, PayloadRequest } from 'payload'

import { staffCan } from '../access/staff'
import { sqlRunnerOf } from '../billing/sql'
import { recordAudit } from '../hooks/audit'
import type { Secrets } from '../lib/secrets'
import { channelFor } from '../payments/channels'
import { issueCoupon } from '../payments/coupons'
import { recordPaymentEvent } from '../payments/events'
import { closeOrder, confirmOrder, findOrder, OrderRejected, setOrderLock, type OrderRow } from '../payments/orders'
import { decideReward } from '../payments/referrals'
import { RefundRefused } from '../payments/channel'
import { beginRefund, finishRefund, markRefundSent, pendingRefund, type PendingRefund, type RefundOutcome } from '../payments/refunds'
import { readPaymentSettings, referralRuleOf } from '../payments/settings'
import { orderView } from './checkout'
import { payloadError } from '../lib/payload-errors'
import { unitsText } from '../lib/units'


type Body = Record<string, unknown>

/**
 * A staff action on one document: the permission is checked first, the body read, the work done
 * in one transaction, and the change audited with the old and new status.
 */
function staffAction(
  slug: 'orders' | 'coupons' | 'referral-rewards' | 'refunds',
  path: string,
  work: (req: PayloadRequest, id: string, body: Body, staffId: string) => Promise<{ response: Response; audit?: { summary: string; changes?: { field: string; old: unknown; new: unknown }[] } }>,
): Endpoint {
  return {
    path,
    method: 'post',
    handler: async (req: PayloadRequest) => {
      if (!staffCan(req.user, slug, 'update')) return payloadError(403, 'You are not allowed to perform this action.')
      const id = String(req.routeParams?.id ?? '')
      const body = ((await req.json?.().catch(() => undefined)) ?? {}) as Body
      try {
        const { response, audit } = await work(req, id, body, String(req.user!.id))
        if (audit) await recordAudit(req, { action: 'update', collectionSlug: slug, documentId: id, summary: audit.summary, changes: audit.changes })
        return response
      } catch (error) {
        if (error instanceof OrderRejected) return payloadError(error.status, error.message)
        throw error
      }
    },
  }
}

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '')
const statusChange = (before: OrderRow | undefined, after: OrderRow) => [{ field: 'status', old: before?.status ?? null, new: after.status }]

export function orderAdminEndpoints(secrets: Secrets): { orders: Endpoint[]; coupons: Endpoint[]; referralRewards: Endpoint[]; refunds: Endpoint[] } {
  const runner = (req: PayloadRequest) => sqlRunnerOf(req.payload)

  /** `POST /api/orders/:id/confirm` {reason, transactionId?}: money received outside the channels. */
  const confirm = staffAction('orders', '/:id/confirm', async (req, id, body, staffId) => {
    const referral = referralRuleOf(await readPaymentSettings(req.payload))
    const before = await findOrder(runner(req).query, { id })
    const order = await runner(req).transaction(async (tx) => {
      const paid = await confirmOrder(tx, { orderId: id, staffId, reason: text(body.reason), transactionId: text(body.transactionId) || undefined }, referral)
      await recordPaymentEvent(tx, { orderId: id, channel: paid.channel, kind: 'confirm', verified: true, outcome: 'accepted', summary: `Confirmed by hand: ${text(body.reason)}` })
      return paid
    })
    return { response: Response.json({ order: orderView(order) }), audit: { summary: `confirmed order ${order.number} by hand: ${text(body.reason)}`, changes: statusChange(before, order) } }
  })

  /** `POST /api/orders/:id/close` {reason}: an unpaid order nobody will pay. */
  const close = staffAction('orders', '/:id/close', async (req, id, body, staffId) => {
    const reason = text(body.reason) || 'Closed by staff'
    const order = await runner(req).transaction(async (tx) => {
      const closed = await closeOrder(tx, { orderId: id, reason, staffId })
      if (!closed) throw new OrderRejected('Only a pending order can be closed.', 409)
      await recordPaymentEvent(tx, { orderId: id, channel: closed.channel, kind: 'close', verified: true, summary: reason })
      return closed
    })
    return { response: Response.json({ order: orderView(order) }), audit: { summary: `closed order ${order.number}: ${reason}`, changes: [{ field: 'status', old: 'pending', new: 'closed' }] } }
  })

  /** `POST /api/orders/:id/lock` {locked, reason}: a suspicious order is neither credited nor refunded while locked. */
  const lock = staffAction('orders', '/:id/lock', async (req, id, body, staffId) => {
    const locked = body.locked !== false
    const order = await runner(req).transaction(async (tx) => {
      const changed = await setOrderLock(tx, { orderId: id, locked, reason: text(body.reason), staffId })
      await recordPaymentEvent(tx, { orderId: id, channel: changed.channel, kind: locked ? 'lock' : 'unlock', verified: true, summary: text(body.reason) || (locked ? 'Locked' : 'Unlocked') })
      return changed
    })
    return { response: Response.json({ order: orderView(order) }), audit: { summary: `${locked ? 'locked' : 'unlocked'} order ${order.number}`, changes: [{ field: 'locked', old: !locked, new: locked }] } }
  })

  /**
   * Asks the gateway and records what it said: done, refused (the money goes back to the wallet),
   * or not known yet (the refund stays pending, to be retried with the same id).
   */
  async function sendRefund(req: PayloadRequest, order: OrderRow, refund: PendingRefund, destination: 'channel' | 'wallet') {
    const settings = await readPaymentSettings(req.payload, { reveal: true })
    const channel = order.channel ? channelFor(order.channel, settings, secrets) : undefined
    let outcome: RefundOutcome | { pending: string } = { ok: true }
    if (destination === 'channel') {
      if (!channel?.refund) outcome = { pending: `${order.channel} is not configured now; retry once it is.` }
      else {
        try {
          const result = await channel.refund({
            orderNumber: order.number,
            transactionId: order.channelTransactionId ?? '',
            refundId: refund.id,
            amount: refund.amount,
            total: order.payable,
            reason: refund.reason,
            currency: order.currency,
          })
          outcome = result.status === 'succeeded' ? { ok: true, channelRefundId: result.channelRefundId } : { pending: `${order.channel} is processing refund ${result.channelRefundId}.` }
          if ('pending' in outcome) await runner(req).transaction((tx) => markRefundSent(tx, refund.id, result.channelRefundId))
        } catch (error) {
          outcome = error instanceof RefundRefused ? { ok: false, reason: error.message } : { pending: `No clear answer from ${order.channel}: ${(error as Error).message}` }
        }
      }
    }
    const event = { orderId: order.id, channel: order.channel, kind: 'refund' as const, verified: true }
    if ('pending' in outcome) {
      const message = outcome.pending
      await runner(req).transaction((tx) => recordPaymentEvent(tx, { ...event, outcome: 'held', summary: `Refund ${refund.id} pending: ${message}` }))
      return { order: (await findOrder(runner(req).query, { id: order.id }))!, status: 'pending' as const, message }
    }
    const done = outcome
    const finished = await runner(req).transaction(async (tx) => {
      const after = await finishRefund(tx, { refundId: refund.id, outcome: done })
      await recordPaymentEvent(tx, {
        ...event,
        outcome: done.ok ? 'accepted' : 'failed',
        summary: done.ok ? `Refunded ${refund.amount} micro-units to the ${destination}: ${refund.reason}` : `Refund refused: ${done.reason}`,
      })
      return after
    })
    if (done.ok) await notifyRefund(req, finished, refund.amount)
    return { order: finished, status: done.ok ? ('succeeded' as const) : ('failed' as const), message: done.ok ? 'Refunded.' : done.reason }
  }

  const refundAnswer = (result: Awaited<ReturnType<typeof sendRefund>>, refund: { id: string; amount: number; destination: string }) => {
    const body = { order: orderView(result.order), refund: { ...refund, status: result.status } }
    if (result.status === 'failed') return payloadError(502, `The gateway refused the refund: ${result.message}. Nothing was refunded.`)
    return Response.json(result.status === 'pending' ? { ...body, message: result.message } : body, { status: result.status === 'pending' ? 202 : 200 })
  }

  /**
   * `POST /api/orders/:id/refund` {amount, reason}: back through the order's channel where it
   * refunds, else (plans) to the wallet. The money leaves the wallet before the gateway is asked
   * and comes back only if the gateway refuses.
   */
  const refund = staffAction('orders', '/:id/refund', async (req, id, body, staffId) => {
    const settings = await readPaymentSettings(req.payload, { reveal: true })
    const existing = await findOrder(runner(req).query, { id })
    if (!existing) throw new OrderRejected('No such order.', 404)
    const channel = existing.channel ? channelFor(existing.channel, settings, secrets) : undefined
    const started = await runner(req).transaction((tx) =>
      beginRefund(tx, {
        orderId: id,
        amount: typeof body.amount === 'number' ? body.amount : NaN,
        reason: text(body.reason),
        staffId,
        minimumRefund: settings.minimumRefund ?? 0,
        channelRefunds: Boolean(channel?.refund),
      }),
    )
    const result = await sendRefund(req, existing, { id: started.refundId, orderId: id, amount: started.amount, reason: text(body.reason), channelRefundId: null }, started.destination)
    return {
      response: refundAnswer(result, { id: started.refundId, amount: started.amount, destination: started.destination }),
      audit: { summary: `refund of ${started.amount} micro-units of order ${existing.number} ${result.status}: ${text(body.reason)}`, changes: statusChange(existing, result.order) },
    }
  })

  /** `POST /api/refunds/:id/retry`: asks the gateway again about a refund left pending (same refund id, so never twice). */
  const retryRefund = staffAction('refunds', '/:id/retry', async (req, id) => {
    const pending = await pendingRefund(runner(req).query, id)
    if (!pending) throw new OrderRejected('Only a pending refund can be retried.', 409)
    const order = (await findOrder(runner(req).query, { id: pending.orderId }))!
    const result = await sendRefund(req, order, pending, 'channel')
    return {
      response: refundAnswer(result, { id, amount: pending.amount, destination: 'channel' }),
      audit: { summary: `retried refund ${id} of order ${order.number}: ${result.status}` },
    }
  })

  /** `POST /api/coupons/:id/issue` {users: [ids]}: staff hand a coupon to chosen customers. */
  const issue = staffAction('coupons', '/:id/issue', async (req, id, body) => {
    const users = Array.isArray(body.users) ? body.users.map(String) : []
    if (!users.length) throw new OrderRejected('Choose the customers to give the coupon to.')
    const result = await runner(req).transaction((tx) => issueCoupon(tx, { couponId: id, ownerIds: users }))
    return { response: Response.json(result, { status: 201 }), audit: { summary: `issued coupon ${id} to ${result.issued.length} customers` } }
  })

  /** `POST /api/referral-rewards/:id/decide` {approve}: pays or rejects a reward waiting for approval. */
  const decide = staffAction('referral-rewards', '/:id/decide', async (req, id, body) => {
    const approve = body.approve === true
    const decided = await runner(req).transaction((tx) => decideReward(tx, { rewardId: id, approve }))
    if (!decided) throw new OrderRejected('Only a pending reward can be decided.', 409)
    return { response: Response.json({ status: approve ? 'paid' : 'rejected' }), audit: { summary: `${approve ? 'approved' : 'rejected'} referral reward ${id}`, changes: [{ field: 'status', old: 'pending', new: approve ? 'paid' : 'rejected' }] } }
  })

  return { orders: [confirm, close, lock, refund], coupons: [issue], referralRewards: [decide], refunds: [retryRefund] }
}

/** Tells the customer by mail that money is on its way back; a mail that fails is logged, not fatal. */
async function notifyRefund(req: PayloadRequest, order: OrderRow, amount: number) {
  try {
    const owner = await req.payload.findByID({ collection: 'users', id: order.ownerId, depth: 0, overrideAccess: true })
    if (!owner.email) return
    await req.payload.sendEmail({
      to: owner.email,
      subject: `Refund of order ${order.number}`,
      text: `We have refunded ${unitsText(amount)} ${order.currency} of your order ${order.number}.`,
    })
  } catch (error) {
    req.payload.logger.warn({ err: error }, `refund mail for order ${order.number} not sent`)
  }
}
