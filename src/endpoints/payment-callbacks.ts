import type { Endpoint, PayloadRequest } from 'payload'

import { publicBaseUrl } from '../auth/mail'
import { sqlRunnerOf } from '../billing/sql'
import { clientIpOf, recordRejection } from '../hooks/audit'
import type { Secrets } from '../lib/secrets'
import { ForgedCallback, type IncomingCallback, type Notice, type PaymentChannel } from '../payments/channel'
import { channelFor } from '../payments/channels'
import { recordPaymentEvent } from '../payments/events'
import { findOrder, payOrder, type PaymentOutcome } from '../payments/orders'
import { readPaymentSettings, referralRuleOf } from '../payments/settings'
import { payloadError } from '../lib/payload-errors'

type Verified = { ok: true; channel: PaymentChannel; notice: Notice } | { ok: false; response: Response }

/** The answer a gateway gets when we refuse its callback: its own failure body, with status 400. */
async function refusal(channel: PaymentChannel): Promise<Response> {
  const ack = channel.acknowledge(false)
  return new Response(await ack.text(), { status: 400, headers: ack.headers })
}

async function incoming(req: PayloadRequest): Promise<IncomingCallback> {
  return { method: req.method ?? 'GET', headers: req.headers, query: new URL(req.url!).searchParams, body: (await req.text?.()) ?? '' }
}

/** The channel named in the path and what it says the callback means; a forged callback is audited and refused. */
async function verifyCallback(req: PayloadRequest, secrets: Secrets, kind: 'notify' | 'return'): Promise<Verified> {
  const settings = await readPaymentSettings(req.payload, { reveal: true })
  const channel = channelFor(String(req.routeParams?.channel ?? ''), settings, secrets)
  if (!channel) return { ok: false, response: payloadError(404, 'No such payment channel.') }
  const callback = await incoming(req)
  try {
    return { ok: true, channel, notice: await channel.verify(callback) }
  } catch (error) {
    if (!(error instanceof ForgedCallback)) throw error
    // A browser coming back from a gateway that signs nothing (Stripe) is not an attack.
    if (kind === 'return') return { ok: false, response: Response.redirect(`${publicBaseUrl(req)}/`, 302) }
    const summary = `${channel.id} callback refused: ${error.message}`
    await recordRejection(req, { collectionSlug: 'orders', summary })
    await sqlRunnerOf(req.payload).transaction((tx) =>
      recordPaymentEvent(tx, {
        channel: channel.id,
        kind,
        verified: false,
        outcome: 'rejected',
        summary,
        detail: { query: Object.fromEntries(callback.query), body: callback.body.slice(0, 2000) },
        ip: clientIpOf(req),
      }),
    )
    return { ok: false, response: await refusal(channel) }
  }
}

/** Pays the order a verified notice names, recording the callback on its timeline in the same transaction. */
async function settle(req: PayloadRequest, channel: PaymentChannel, notice: Notice, kind: 'notify' | 'return'): Promise<PaymentOutcome | undefined> {
  const runner = sqlRunnerOf(req.payload)
  const ip = clientIpOf(req)
  if (notice.kind === 'ignored') {
    const order = notice.orderNumber ? await findOrder(runner.query, { number: notice.orderNumber }) : undefined
    await runner.transaction((tx) => recordPaymentEvent(tx, { orderId: order?.id, channel: channel.id, kind, verified: true, summary: notice.reason, detail: notice.detail, ip }))
    return undefined
  }
  const referral = referralRuleOf(await readPaymentSettings(req.payload))
  return runner.transaction(async (tx) => {
    const outcome = await payOrder(tx, { orderNumber: notice.orderNumber, channel: channel.id, transactionId: notice.transactionId, amount: notice.amount, currency: notice.currency }, referral)
    await recordPaymentEvent(tx, {
      orderId: outcome.order?.id,
      channel: channel.id,
      kind,
      verified: true,
      outcome: outcome.outcome,
      summary: 'reason' in outcome ? outcome.reason : `Paid by ${notice.transactionId}`,
      detail: notice.detail,
      ip,
    })
    return outcome
  })
}

/**
 * `GET|POST /api/payments/:channel/notify`: a gateway says an order was paid. Only a verified
 * callback for the right order, amount and currency pays it, once; replays change nothing and are
 * answered as the gateway expects, so it stops sending them.
 */
export function paymentNotifyEndpoints(secrets: Secrets): Endpoint[] {
  const handler = async (req: PayloadRequest) => {
    const verified = await verifyCallback(req, secrets, 'notify')
    if (!verified.ok) return verified.response
    const outcome = await settle(req, verified.channel, verified.notice, 'notify')
    if (outcome?.outcome === 'rejected') {
      await recordRejection(req, { collectionSlug: 'orders', documentId: outcome.order?.id, summary: `${verified.channel.id} callback refused: ${outcome.reason}` })
      return refusal(verified.channel)
    }
    return verified.channel.acknowledge(true)
  }
  return [
    { path: '/payments/:channel/notify', method: 'post', handler },
    { path: '/payments/:channel/notify', method: 'get', handler },
  ]
}

/**
 * `GET /api/payments/:channel/return?order=…`: the customer's browser back from the gateway. A
 * signed return (Epay) pays the order like a notify; anything else only leads the customer home.
 */
export function paymentReturnEndpoint(secrets: Secrets): Endpoint {
  return {
    path: '/payments/:channel/return',
    method: 'get',
    handler: async (req: PayloadRequest) => {
      const verified = await verifyCallback(req, secrets, 'return')
      if (!verified.ok) return verified.response
      await settle(req, verified.channel, verified.notice, 'return')
      const number = new URL(req.url!).searchParams.get('order') ?? (verified.notice.kind === 'paid' ? verified.notice.orderNumber : '')
      return Response.redirect(`${publicBaseUrl(req)}/?order=${encodeURIComponent(number ?? '')}`, 302)
    },
  }
}
