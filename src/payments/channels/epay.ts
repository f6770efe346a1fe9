/**
 * Epay (易支付): the page-redirect protocol most Chinese aggregator gateways share. The browser
 * goes to submit.php with signed parameters; the gateway calls notify_url (usually by GET) and
 * sends the browser back to return_url with the same signed parameters. Every message is signed
 * with MD5 over the sorted parameters followed by the merchant key. There is no standard refund
 * API, so this channel has none: the order logic refuses top-up refunds through it.
 */
import { createHash, timingSafeEqual } from 'node:crypto'

import { ForgedCallback, type IncomingCallback, type Notice, type PayableOrder, type PaymentChannel } from '../channel'
import { fromDecimal, toDecimal } from '../money'
import { OrderRejected } from '../orders'
import type { ChannelFactory } from './index'

export type EpayConfig = {
  /** The address submit.php sits under, ending in a slash. */
  gateway: string
  pid: string
  key: string
  /** The payment types offered, the first being the default. */
  types: string[]
}

/** What is signed: every parameter but sign and sign_type that has a value, sorted by name, as `k=v&k=v`. */
export function epaySigningString(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((name) => name !== 'sign' && name !== 'sign_type' && params[name] !== '')
    .sort()
    .map((name) => `${name}=${params[name]}`)
    .join('&')
}

/** Lowercase hex MD5 of the signing string with the merchant key appended directly. */
export function epaySign(params: Record<string, string>, key: string): string {
  return createHash('md5')
    .update(epaySigningString(params) + key, 'utf8')
    .digest('hex')
}

/** Whether `params.sign` is ours, compared in constant time. */
export function epaySignatureValid(params: Record<string, string>, key: string): boolean {
  const given = Buffer.from((params.sign ?? '').toLowerCase(), 'utf8')
  const expected = Buffer.from(epaySign(params, key), 'utf8')
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/**
 * Our return URL has a query of its own (`order=<number>`) that the gateway keeps and appends its
 * parameters to, but signs only its own: ours are left out before checking.
 */
const OUR_RETURN_PARAMS = ['order']

/** GET notifies carry the query; POST ones a form body (some gateways POST with the query instead). */
function callbackParams(callback: IncomingCallback): Record<string, string> {
  const source = callback.method.toUpperCase() === 'POST' && callback.body.trim() ? new URLSearchParams(callback.body) : callback.query
  return Object.fromEntries([...source].filter(([name]) => !OUR_RETURN_PARAMS.includes(name)))
}

const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`)

export function epayChannel(config: EpayConfig): PaymentChannel {
  const gateway = withSlash(config.gateway)

  function paymentType(order: PayableOrder): string {
    if (!order.method) return config.types[0]
    if (config.types.includes(order.method)) return order.method
    throw new OrderRejected(`Choose one of: ${config.types.join(', ')}.`)
  }

  return {
    id: 'epay',

    async start(order) {
      const params: Record<string, string> = {
        pid: config.pid,
        type: paymentType(order),
        out_trade_no: order.number,
        notify_url: order.notifyUrl,
        return_url: order.returnUrl,
        name: order.subject,
        money: toDecimal(order.payable),
      }
      const signed = new URLSearchParams({ ...params, sign: epaySign(params, config.key), sign_type: 'MD5' })
      return { payUrl: `${gateway}submit.php?${signed}` }
    },

    async verify(callback): Promise<Notice> {
      const params = callbackParams(callback)
      if (!epaySignatureValid(params, config.key)) throw new ForgedCallback('The Epay signature does not match.')
      if (params.sign_type && params.sign_type.toUpperCase() !== 'MD5') throw new ForgedCallback(`Unsupported Epay sign_type ${params.sign_type}.`)
      // A gateway serving several merchants signs each one's notices with that merchant's key, but
      // a pid that is not ours means the notice was meant for someone else.
      if (params.pid !== config.pid) throw new ForgedCallback(`The Epay notice is for merchant ${params.pid}, not ours.`)
      const detail = Object.fromEntries(Object.entries(params).filter(([name]) => name !== 'sign' && name !== 'sign_type'))
      const orderNumber = params.out_trade_no
      if (params.trade_status !== 'TRADE_SUCCESS') {
        return { kind: 'ignored', orderNumber, reason: `Epay trade status ${params.trade_status ?? '(none)'}.`, detail }
      }
      const amount = fromDecimal(params.money ?? '')
      if (amount === undefined || !orderNumber || !params.trade_no) throw new ForgedCallback('The Epay notice lacks its order, trade number or amount.')
      return { kind: 'paid', orderNumber, transactionId: params.trade_no, amount, detail }
    },

    acknowledge(ok) {
      // Epay gateways retry until the body is exactly "success".
      return new Response(ok ? 'success' : 'fail', { status: ok ? 200 : 400, headers: { 'content-type': 'text/plain; charset=utf-8' } })
    },
  }
}

/** The channel while it is enabled with a gateway, merchant id, key and at least one payment type. */
export const epayFromSettings: ChannelFactory = (settings, secrets) => {
  const epay = settings.epay
  if (!epay?.enabled || !epay.gateway || !epay.pid || !secrets.isSealed(epay.key) || !epay.types?.length) return undefined
  return epayChannel({ gateway: epay.gateway.trim(), pid: epay.pid.trim(), key: secrets.open(epay.key), types: epay.types })
}
