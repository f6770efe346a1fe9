/**
 * Alipay face-to-face payments (当面付): `alipay.trade.precreate` gives a QR code the customer
 * scans, Alipay posts an asynchronous notice when the trade is paid, `alipay.trade.refund` sends
 * money back. Requests are signed with the app's private key (RSA2); answers and notices are
 * checked against the Alipay public key of the app.
 */
import type { KeyObject } from 'node:crypto'

import type { Secrets } from '../../lib/secrets'
import { ForgedCallback, RefundRefused, type IncomingCallback, type Notice, type PayableOrder, type PaymentChannel, type RefundResult } from '../channel'
import { fromDecimal, toDecimal } from '../money'
import type { PaymentSettings } from '../settings'
import { alipayPrivateKey, alipayPublicKey, rsa2Sign, rsa2Verify, shanghaiTime, signContent, topLevelMembers } from './alipay-signing'

export const ALIPAY_GATEWAY = 'https://openapi.alipay.com/gateway.do'

const SUCCESS = '10000'
const PAID_STATES = ['TRADE_SUCCESS', 'TRADE_FINISHED']
const REQUEST_TIMEOUT_MS = 15_000
const REFUND_ATTEMPTS = 3

export type AlipayConfig = { appId: string; privateKey: KeyObject; alipayPublicKey: KeyObject; gateway: string }

/** Alipay refused a request; `subCode` (such as ACQ.TRADE_NOT_EXIST) says why. */
export class AlipayError extends Error {
  constructor(
    readonly code: string,
    readonly subCode: string | undefined,
    message: string,
  ) {
    super(message)
  }
}

type ResponseNode = Record<string, unknown> & { code?: string; msg?: string; sub_code?: string; sub_msg?: string }

/**
 * The response node of a method's answer, once its signature is checked. Alipay leaves the
 * signature off some refusals (such as an unknown app); those are read but never trusted as success.
 */
export function readResponse(body: string, method: string, publicKey: KeyObject): ResponseNode {
  const members = topLevelMembers(body)
  const nodeText = members[`${method.replace(/\./g, '_')}_response`] ?? members.error_response
  if (nodeText === undefined) throw new Error(`Alipay's answer to ${method} has no response node.`)
  const node = JSON.parse(nodeText) as ResponseNode
  const signature = members.sign === undefined ? undefined : (JSON.parse(members.sign) as string)
  const signed = signature !== undefined && rsa2Verify(nodeText, signature, publicKey)
  if (signature !== undefined && !signed) throw new Error(`Alipay's answer to ${method} has a wrong signature.`)
  if (node.code !== SUCCESS) {
    throw new AlipayError(String(node.code), node.sub_code, `Alipay refused ${method}: ${node.sub_code ?? node.code} ${node.sub_msg ?? node.msg ?? ''}`.trim())
  }
  if (!signed) throw new Error(`Alipay's answer to ${method} is not signed.`)
  return node
}

const outcomeUnknown = (error: unknown) => !(error instanceof AlipayError) || error.code === '20000' || error.subCode === 'ACQ.SYSTEM_ERROR'

export function createAlipayChannel(config: AlipayConfig): PaymentChannel {
  async function call(method: string, bizContent: Record<string, string>, extra: Record<string, string> = {}): Promise<ResponseNode> {
    const params: Record<string, string> = {
      app_id: config.appId,
      method,
      format: 'JSON',
      charset: 'utf-8',
      sign_type: 'RSA2',
      timestamp: shanghaiTime(new Date()),
      version: '1.0',
      ...extra,
      biz_content: JSON.stringify(bizContent),
    }
    params.sign = rsa2Sign(signContent(params), config.privateKey)
    const res = await fetch(config.gateway, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
      body: new URLSearchParams(params).toString(),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    })
    const text = await res.text()
    if (!res.ok) throw new Error(`Alipay answered ${method} with HTTP ${res.status}.`)
    return readResponse(text, method, config.alipayPublicKey)
  }

  return {
    id: 'alipay',

    async start(order: PayableOrder) {
      // Face-to-face trades are always in yuan: another currency would be charged as yuan.
      if (order.currency.toUpperCase() !== 'CNY') throw new Error(`Alipay charges in CNY, not ${order.currency}.`)
      const minutes = Math.max(1, Math.ceil((order.expiresAt.getTime() - Date.now()) / 60_000))
      const node = await call(
        'alipay.trade.precreate',
        { out_trade_no: order.number, total_amount: toDecimal(order.payable), subject: order.subject.slice(0, 256), timeout_express: `${minutes}m` },
        { notify_url: order.notifyUrl },
      )
      if (node.out_trade_no !== order.number || typeof node.qr_code !== 'string') throw new Error('Alipay answered the precreate of another trade.')
      return { qrCode: node.qr_code }
    },

    async verify(callback: IncomingCallback): Promise<Notice> {
      const params = Object.fromEntries(new URLSearchParams(callback.body))
      if (params.sign_type !== 'RSA2' || !rsa2Verify(signContent(params, ['sign', 'sign_type']), params.sign ?? '', config.alipayPublicKey)) {
        throw new ForgedCallback('The Alipay notice is not signed by Alipay.')
      }
      // The Alipay public key may be shared by several apps; a notice for another one is not ours.
      if (params.app_id !== config.appId) throw new ForgedCallback(`The Alipay notice is for app ${params.app_id}, not ${config.appId}.`)
      const { sign: _sign, ...detail } = params
      if (!PAID_STATES.includes(params.trade_status)) {
        return { kind: 'ignored', orderNumber: params.out_trade_no, reason: `Trade status ${params.trade_status}.`, detail }
      }
      const amount = fromDecimal(params.total_amount ?? '')
      if (amount === undefined || !params.out_trade_no || !params.trade_no) throw new ForgedCallback('The Alipay notice lacks the trade or its amount.')
      return { kind: 'paid', orderNumber: params.out_trade_no, transactionId: params.trade_no, amount, currency: 'CNY', detail }
    },

    acknowledge(ok: boolean) {
      // Alipay retries until the body is exactly `success`.
      return new Response(ok ? 'success' : 'failure', { status: ok ? 200 : 400, headers: { 'content-type': 'text/plain;charset=utf-8' } })
    },

    async refund(input): Promise<RefundResult> {
      const bizContent = {
        out_trade_no: input.orderNumber,
        trade_no: input.transactionId,
        refund_amount: toDecimal(input.amount),
        out_request_no: input.refundId,
        refund_reason: input.reason.slice(0, 256),
      }
      // A system error or a lost answer may hide a refund Alipay made; failing would put the money
      // back in the wallet too. The same out_request_no is one refund to Alipay, so asking again is safe.
      for (let attempt = 1; ; attempt++) {
        try {
          await call('alipay.trade.refund', bizContent)
          return { channelRefundId: input.refundId, status: 'succeeded' }
        } catch (error) {
          if (!outcomeUnknown(error)) throw new RefundRefused((error as Error).message)
          if (attempt >= REFUND_ATTEMPTS) throw error
        }
      }
    },
  }
}

/** The channel as configured in Billing → Payment settings, or undefined while it is off or incomplete. */
export function alipayFromSettings(settings: PaymentSettings, secrets: Secrets): PaymentChannel | undefined {
  const alipay = settings.alipay
  if (!alipay?.enabled || !alipay.appId || !alipay.privateKey || !alipay.alipayPublicKey) return undefined
  return createAlipayChannel({
    appId: alipay.appId.trim(),
    privateKey: alipayPrivateKey(secrets.open(alipay.privateKey)),
    alipayPublicKey: alipayPublicKey(alipay.alipayPublicKey),
    gateway: alipay.gateway?.trim() || ALIPAY_GATEWAY,
  })
}
