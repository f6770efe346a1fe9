import type { Endpoint, PayloadRequest } from 'payload'

import { isCustomer } from '../access/staff'
import { publicBaseUrl } from '../auth/mail'
import { sqlRunnerOf } from '../billing/sql'
import type { Secrets } from '../lib/secrets'
import { channelFor } from '../payments/channels'
import { claimCoupon, heldCoupons } from '../payments/coupons'
import { recordPaymentEvent } from '../payments/events'
import { closeOrder, createOrder, OrderRejected, savePaymentStart, type OrderKind, type OrderRow } from '../payments/orders'
import { readPaymentSettings, type PaymentSettings } from '../payments/settings'
import { clientIpOf } from '../hooks/audit'
import { payloadError } from '../lib/payload-errors'


type CheckoutBody = { kind?: unknown; amount?: unknown; plan?: unknown; channel?: unknown; method?: unknown; couponGrant?: unknown }

/** A top-up amount the settings allow: one of the presets, or a custom amount from the minimum up, in whole cents. */
function topUpProblem(amount: unknown, settings: PaymentSettings): string | null {
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) return 'Give the top-up amount in micro-units, such as 100000000 for 100.'
  if (amount % 10_000 !== 0) return 'A top-up is a whole number of cents.'
  const presets = (settings.topUpPresets ?? []).map((units) => Math.round(units * 1_000_000))
  const minimum = settings.minimumTopUp ?? 0
  if (!presets.includes(amount) && amount < minimum) return `The smallest custom top-up is ${minimum / 1_000_000}.`
  return null
}

export const orderView = (order: OrderRow & { payUrl?: string | null; qrCode?: string | null }) => ({
  id: order.id,
  number: order.number,
  kind: order.kind,
  listAmount: order.listAmount,
  discount: order.discount,
  payable: order.payable,
  currency: order.currency,
  channel: order.channel,
  status: order.status,
  payUrl: order.payUrl ?? null,
  qrCode: order.qrCode ?? null,
  expiresAt: order.expiresAt?.toISOString() ?? null,
})

/**
 * `POST /api/orders/checkout` {kind: 'top-up' | 'plan' | 'membership', amount | plan, channel,
 * method?, couponGrant?}: a signed-in customer places an order and gets where to pay it (a link or
 * a QR code). The order is stored before the gateway is asked, so a gateway that fails leaves a
 * closed order with the reason rather than nothing.
 */
export function checkoutEndpoint(secrets: Secrets): Endpoint {
  return {
    path: '/checkout',
    method: 'post',
    handler: async (req: PayloadRequest) => {
      if (!req.user) return payloadError(401, 'Sign in to place an order.')
      if (!isCustomer(req.user)) return payloadError(403, 'Only customer accounts place orders.')
      const body = ((await req.json?.().catch(() => undefined)) ?? {}) as CheckoutBody
      const kind = body.kind as OrderKind
      if (!['top-up', 'plan', 'membership'].includes(kind)) return payloadError(400, 'The kind must be top-up, plan or membership.')
      const settings = await readPaymentSettings(req.payload, { reveal: true })
      if (kind === 'top-up') {
        const problem = topUpProblem(body.amount, settings)
        if (problem) return payloadError(400, problem)
      }
      const channelId = String(body.channel ?? '')
      const channel = channelFor(channelId, settings, secrets)
      if (!channel) return payloadError(400, `Paying by ${channelId || 'that channel'} is not available.`)

      const runner = sqlRunnerOf(req.payload)
      const ownerId = String(req.user.id)
      let order: OrderRow
      try {
        order = await runner.transaction(async (tx) => {
          const created = await createOrder(tx, {
            ownerId,
            kind,
            amount: kind === 'top-up' ? (body.amount as number) : undefined,
            planId: kind === 'top-up' ? undefined : String(body.plan ?? ''),
            channel: channel.id,
            currency: settings.currency || 'CNY',
            couponGrantId: typeof body.couponGrant === 'string' ? body.couponGrant : undefined,
            timeoutMinutes: settings.orderTimeoutMinutes ?? 30,
          })
          await recordPaymentEvent(tx, { orderId: created.id, channel: channel.id, kind: 'created', verified: true, summary: `Order placed: ${created.payable} micro-units`, ip: clientIpOf(req) })
          return created
        })
      } catch (error) {
        if (error instanceof OrderRejected) return payloadError(error.status, error.message)
        throw error
      }

      const base = publicBaseUrl(req)
      try {
        const start = await channel.start({
          id: order.id,
          number: order.number,
          payable: order.payable,
          currency: order.currency,
          subject: order.items[0]?.description ?? 'Order',
          returnUrl: `${base}/api/payments/${channel.id}/return?order=${order.number}`,
          notifyUrl: `${base}/api/payments/${channel.id}/notify`,
          clientIp: clientIpOf(req) ?? undefined,
          expiresAt: order.expiresAt!,
          method: typeof body.method === 'string' ? body.method : undefined,
        })
        await runner.transaction((tx) => savePaymentStart(tx, order.id, start))
        return Response.json({ order: orderView({ ...order, ...start }) }, { status: 201 })
      } catch (error) {
        const reason = `The payment channel did not accept the order: ${(error as Error).message}`
        await runner.transaction(async (tx) => {
          await closeOrder(tx, { orderId: order.id, reason })
          await recordPaymentEvent(tx, { orderId: order.id, channel: channel.id, kind: 'close', verified: true, outcome: 'failed', summary: reason })
        })
        req.payload.logger.warn({ err: error }, `order ${order.number}: ${channel.id} refused to start`)
        return payloadError(502, reason)
      }
    },
  }
}

/** `POST /api/coupons/claim` {code}: a signed-in customer claims a published coupon. */
export const claimCouponEndpoint: Endpoint = {
  path: '/claim',
  method: 'post',
  handler: async (req: PayloadRequest) => {
    if (!req.user || !isCustomer(req.user)) return payloadError(401, 'Sign in to claim a coupon.')
    const code = ((await req.json?.().catch(() => undefined)) as { code?: unknown } | undefined)?.code
    if (typeof code !== 'string' || !code.trim()) return payloadError(400, 'Give the coupon code.')
    try {
      const claimed = await sqlRunnerOf(req.payload).transaction((tx) => claimCoupon(tx, { code, ownerId: String(req.user!.id) }))
      return Response.json({ grant: claimed.grantId, coupon: { id: claimed.coupon.id, name: claimed.coupon.name } }, { status: 201 })
    } catch (error) {
      if (error instanceof OrderRejected) return payloadError(error.status, error.message)
      throw error
    }
  },
}

/** `GET /api/coupons/mine`: the signed-in customer's usable coupons, to choose one at checkout. */
export const myCouponsEndpoint: Endpoint = {
  path: '/mine',
  method: 'get',
  handler: async (req: PayloadRequest) => {
    if (!req.user || !isCustomer(req.user)) return payloadError(401, 'Sign in to see your coupons.')
    return Response.json({ coupons: await heldCoupons(sqlRunnerOf(req.payload).query, String(req.user.id)) })
  },
}
