import { createHash, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

import Stripe from 'stripe'

import { rest, type Rest } from './rest'

/**
 * A local stand-in for the part of Stripe's REST API the channel calls (`POST /v1/checkout/sessions`,
 * `POST /v1/refunds`), form-encoded in, JSON objects shaped like Stripe's out, refusing a wrong
 * secret key and honouring `Idempotency-Key` as Stripe does (the same answer for the same request,
 * an error for other parameters under a used key). Its other half is Stripe's webhook: a paid
 * session's `checkout.session.completed` event, signed with the endpoint's signing secret.
 */

export type FakeSession = {
  id: string
  object: 'checkout.session'
  amount_subtotal: number
  amount_total: number
  cancel_url: string
  client_reference_id: string | null
  created: number
  currency: string
  expires_at: number
  line_items: { name: string; unit_amount: number; quantity: number }[]
  livemode: false
  metadata: Record<string, string>
  mode: string
  payment_intent: string | null
  payment_status: 'paid' | 'unpaid'
  status: 'open' | 'complete'
  success_url: string
  url: string
}

export type FakeRefund = {
  id: string
  object: 'refund'
  amount: number
  charge: string
  created: number
  currency: string
  metadata: Record<string, string>
  payment_intent: string
  reason: null
  status: 'succeeded' | 'pending' | 'failed'
  failure_reason?: string
}

/** A signed webhook call, kept so it can be replayed byte for byte. */
export type WebhookDelivery = { payload: string; signature: string }

export type FakeStripe = {
  /** The API base to put in the settings' apiBase. */
  url: string
  sessions: Map<string, FakeSession>
  refunds: FakeRefund[]
  /** Idempotency keys seen with each request, in order (replays included). */
  idempotencyKeys: string[]
  /** What the next refunds come back as (Stripe answers some methods' refunds `pending`). */
  refundStatus: FakeRefund['status']
  /** The session made for one of our orders. */
  sessionFor(orderNumber: string): FakeSession
  /** Marks the session paid and signs its `checkout.session.completed` event; `overrides` change the event only. */
  completedEvent(sessionId: string, overrides?: { amountTotal?: number; secret?: string; timestamp?: number }): WebhookDelivery
  /** POSTs a webhook call to our endpoint as Stripe does. */
  deliver(delivery: WebhookDelivery): Promise<Rest>
  close(): Promise<void>
}

const now = () => Math.floor(Date.now() / 1000)
const stripeId = (prefix: string) => `${prefix}_test_${randomBytes(12).toString('base64url')}`

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': stripeId('req'), ...headers })
  res.end(JSON.stringify(body, null, 2))
}

class StripeError extends Error {
  constructor(
    readonly status: number,
    readonly body: { type: string; message: string; code?: string; param?: string },
  ) {
    super(body.message)
  }
}

const invalid = (message: string, param?: string, code = param ? 'parameter_missing' : undefined) =>
  new StripeError(400, { type: 'invalid_request_error', message, param, code })

type Form = { [key: string]: string | Form | Form[] | string[] }

/** Stripe's form encoding: `line_items[0][price_data][currency]=usd` → nested objects and arrays. */
function parseForm(body: string): Form {
  const root: Form = {}
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.split(/\]?\[|\]$/).filter(Boolean)
    let node: any = root
    path.forEach((segment, i) => {
      if (i === path.length - 1) node[segment] = value
      else node = node[segment] ??= /^\d+$/.test(path[i + 1]) ? [] : {}
    })
  }
  return root
}

const text = (form: Form, key: string) => (typeof form[key] === 'string' ? (form[key] as string) : undefined)
const whole = (value: unknown) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined)

function createSession(form: Form, sessions: Map<string, FakeSession>): FakeSession {
  if (text(form, 'mode') !== 'payment') throw invalid('Missing required param: mode.', 'mode')
  const successUrl = text(form, 'success_url')
  if (!successUrl) throw invalid('Missing required param: success_url.', 'success_url')
  const items = form.line_items as Form[] | undefined
  if (!Array.isArray(items) || items.length === 0) throw invalid('Missing required param: line_items.', 'line_items')
  const lines = items.map((item, i) => {
    const price = item.price_data as Form | undefined
    const unitAmount = whole(price?.unit_amount)
    const quantity = whole(item.quantity)
    const name = (price?.product_data as Form | undefined)?.name
    if (!price || unitAmount === undefined || !quantity || typeof name !== 'string') throw invalid(`Invalid line_items[${i}].`, `line_items[${i}]`, 'parameter_invalid_integer')
    if (!/^[a-z]{3}$/.test(String(price.currency))) throw invalid(`Invalid currency: ${String(price.currency)}.`, `line_items[${i}][price_data][currency]`, 'parameter_invalid_string')
    return { name, unit_amount: unitAmount, quantity, currency: String(price.currency) }
  })
  const created = now()
  const expiresAt = whole(form.expires_at)
  if (expiresAt !== undefined && (expiresAt < created + 30 * 60 || expiresAt > created + 24 * 60 * 60)) {
    throw invalid('The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.', 'expires_at', 'parameter_invalid_integer')
  }
  const total = lines.reduce((sum, line) => sum + line.unit_amount * line.quantity, 0)
  const id = `cs_test_${randomBytes(30).toString('base64url')}`
  const session: FakeSession = {
    id,
    object: 'checkout.session',
    amount_subtotal: total,
    amount_total: total,
    cancel_url: text(form, 'cancel_url') ?? '',
    client_reference_id: text(form, 'client_reference_id') ?? null,
    created,
    currency: lines[0].currency,
    expires_at: expiresAt ?? created + 24 * 60 * 60,
    line_items: lines.map(({ name, unit_amount, quantity }) => ({ name, unit_amount, quantity })),
    livemode: false,
    metadata: (form.metadata as Record<string, string> | undefined) ?? {},
    mode: 'payment',
    payment_intent: null,
    payment_status: 'unpaid',
    status: 'open',
    success_url: successUrl,
    url: `https://checkout.stripe.com/c/pay/${id}`,
  }
  sessions.set(id, session)
  return session
}

function createRefund(form: Form, fake: FakeStripe): FakeRefund {
  const paymentIntent = text(form, 'payment_intent')
  if (!paymentIntent) throw invalid('One of the following params should be provided for this request: payment_intent or charge.', 'payment_intent')
  const session = [...fake.sessions.values()].find((candidate) => candidate.payment_intent === paymentIntent)
  if (!session) throw new StripeError(400, { type: 'invalid_request_error', code: 'resource_missing', param: 'payment_intent', message: `No such payment_intent: '${paymentIntent}'` })
  const refunded = fake.refunds.filter((refund) => refund.payment_intent === paymentIntent && refund.status !== 'failed').reduce((sum, refund) => sum + refund.amount, 0)
  const remaining = session.amount_total - refunded
  const amount = form.amount === undefined ? remaining : whole(form.amount)
  if (!amount) throw invalid('Invalid positive integer', 'amount', 'parameter_invalid_integer')
  if (remaining === 0) throw new StripeError(400, { type: 'invalid_request_error', code: 'charge_already_refunded', message: `Charge for ${paymentIntent} has already been refunded.` })
  if (amount > remaining) {
    throw new StripeError(400, { type: 'invalid_request_error', param: 'amount', message: `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})` })
  }
  const refund: FakeRefund = {
    id: stripeId('re'),
    object: 'refund',
    amount,
    charge: `ch_${paymentIntent.slice(3)}`,
    created: now(),
    currency: session.currency,
    metadata: (form.metadata as Record<string, string> | undefined) ?? {},
    payment_intent: paymentIntent,
    reason: null,
    status: fake.refundStatus,
    ...(fake.refundStatus === 'failed' ? { failure_reason: 'expired_or_canceled_card' } : {}),
  }
  fake.refunds.push(refund)
  return refund
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** `secretKey`: the key our requests must bear; `webhookSecret`: the endpoint's signing secret; `webhookUrl`: our endpoint. */
export async function startFakeStripe(options: { secretKey: string; webhookSecret: string; webhookUrl: string }): Promise<FakeStripe> {
  // Stripe keeps each key's first answer and the request it answered (keys are per account).
  const answered = new Map<string, { request: string; status: number; body: unknown }>()

  const server = createServer(async (req, res) => {
    const body = await readBody(req)
    try {
      const authorization = req.headers.authorization ?? ''
      if (!authorization) throw new StripeError(401, { type: 'invalid_request_error', message: 'You did not provide an API key.' })
      if (authorization !== `Bearer ${options.secretKey}`) {
        const key = authorization.replace(/^Bearer /, '')
        throw new StripeError(401, { type: 'invalid_request_error', code: 'api_key_invalid', message: `Invalid API Key provided: ${key.slice(0, 8)}****${key.slice(-4)}` })
      }
      const route = `${req.method} ${req.url}`
      const key = req.headers['idempotency-key'] as string | undefined
      const request = createHash('sha256').update(`${route}\n${body}`).digest('hex')
      if (key) {
        fake.idempotencyKeys.push(key)
        const earlier = answered.get(key)
        if (earlier && earlier.request !== request) {
          throw new StripeError(400, {
            type: 'idempotency_error',
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
          })
        }
        if (earlier) return send(res, earlier.status, earlier.body, { 'idempotent-replayed': 'true', 'idempotency-key': key })
      }
      const form = parseForm(body)
      let answer: unknown
      if (route === 'POST /v1/checkout/sessions') answer = createSession(form, fake.sessions)
      else if (route === 'POST /v1/refunds') answer = createRefund(form, fake)
      else throw new StripeError(404, { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${req.url}).` })
      if (key) answered.set(key, { request, status: 200, body: answer })
      send(res, 200, answer, key ? { 'idempotency-key': key } : {})
    } catch (error) {
      if (!(error instanceof StripeError)) return send(res, 500, { error: { type: 'api_error', message: String(error) } })
      send(res, error.status, { error: error.body })
    }
  })

  const fake: FakeStripe = {
    url: '',
    sessions: new Map(),
    refunds: [],
    idempotencyKeys: [],
    refundStatus: 'succeeded',
    sessionFor(orderNumber) {
      const session = [...fake.sessions.values()].find((candidate) => candidate.client_reference_id === orderNumber)
      if (!session) throw new Error(`no checkout session was made for order ${orderNumber}`)
      return session
    },
    completedEvent(sessionId, overrides = {}) {
      const session = fake.sessions.get(sessionId)
      if (!session) throw new Error(`no checkout session ${sessionId}`)
      session.payment_intent ??= stripeId('pi')
      session.payment_status = 'paid'
      session.status = 'complete'
      const { line_items: _lines, ...object } = session
      const event = {
        id: stripeId('evt'),
        object: 'event',
        api_version: Stripe.API_VERSION,
        created: now(),
        data: { object: { ...object, amount_total: overrides.amountTotal ?? session.amount_total } },
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
        type: 'checkout.session.completed',
      }
      // Stripe sends its events pretty-printed: the signature covers those exact bytes.
      const payload = JSON.stringify(event, null, 2)
      const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: overrides.secret ?? options.webhookSecret, timestamp: overrides.timestamp })
      return { payload, signature }
    },
    deliver: ({ payload, signature }) =>
      rest(options.webhookUrl, '', {
        method: 'POST',
        body: payload,
        headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature, 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' },
      }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return fake
}
