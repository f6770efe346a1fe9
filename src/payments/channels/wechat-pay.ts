/**
 * WeChat Pay API v3, Native payments: the customer scans a QR code (`code_url`) with WeChat.
 * Requests are signed with the merchant key; answers and notifications are checked against the
 * platform key, and a notification's payment details are decrypted with the API v3 key.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto'

import { ForgedCallback, RefundRefused, type IncomingCallback, type Notice, type PayableOrder, type PaymentChannel, type RefundResult } from '../channel'
import { fromCents, toCents } from '../money'
import type { ChannelFactory } from './index'
import { authorizationHeader, decryptResource, newNonce, wechatSignatureProblem, type EncryptedResource } from './wechat-pay-signing'

export const WECHAT_PAY_API = 'https://api.mch.weixin.qq.com'

/** Native payments and domestic refunds are in yuan only. */
const CURRENCY = 'CNY'

export type WechatPayConfig = {
  mchId: string
  appId: string
  /** Serial number of the merchant certificate whose private key signs our requests. */
  serialNo: string
  privateKey: string
  /** 32 characters, set in the merchant console. */
  apiV3Key: string
  /** The platform certificate or WeChat Pay public key (PEM) that WeChat's signatures verify with. */
  platformKey: string
  apiBase?: string
  now?: () => Date
}

/** WeChat Pay refused a call or answered something we cannot trust; `code` is WeChat's own. */
export class WechatPayError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`WeChat Pay ${code}: ${message}`)
  }
}

/** `2024-05-01T18:30:00+08:00`: the RFC 3339 form WeChat documents, in China time whatever our zone. */
export function chinaTime(date: Date): string {
  return `${new Date(date.getTime() + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`
}

/** The first `length` characters, never splitting one: WeChat counts Chinese text in bytes. */
const clip = (text: string, length: number) => Array.from(text).slice(0, length).join('')

type Transaction = {
  mchid?: string
  appid?: string
  out_trade_no?: string
  transaction_id?: string
  trade_type?: string
  trade_state?: string
  bank_type?: string
  success_time?: string
  amount?: { total?: number; payer_total?: number; currency?: string }
}

export function wechatPayChannel(config: WechatPayConfig): PaymentChannel {
  const privateKey = createPrivateKey(config.privateKey)
  const platformKey = createPublicKey(config.platformKey)
  const apiV3Key = Buffer.from(config.apiV3Key, 'utf8')
  if (apiV3Key.length !== 32) throw new Error('The WeChat Pay API v3 key must be 32 characters.')
  const apiBase = (config.apiBase?.trim() || WECHAT_PAY_API).replace(/\/+$/, '')
  const now = config.now ?? (() => new Date())

  /** A signed POST whose answer must carry WeChat's valid signature. */
  async function call(path: string, payload: unknown): Promise<Record<string, any>> {
    const url = new URL(apiBase + path)
    const body = JSON.stringify(payload)
    const authorization = authorizationHeader(
      { mchId: config.mchId, serialNo: config.serialNo, privateKey },
      { method: 'POST', pathWithQuery: url.pathname + url.search, body, timestamp: String(Math.floor(now().getTime() / 1000)), nonce: newNonce() },
    )
    const res = await fetch(url, {
      method: 'POST',
      // WeChat refuses requests without a User-Agent.
      headers: { authorization, accept: 'application/json', 'content-type': 'application/json', 'user-agent': 'Modelgate' },
      body,
      signal: AbortSignal.timeout(15_000),
    })
    const text = await res.text()
    if (!res.ok) {
      // Error answers need not be signed; they only ever make us fail, never pay or refund.
      const error = parse(text)
      throw new WechatPayError(res.status, String(error?.code ?? `HTTP_${res.status}`), String(error?.message ?? text.slice(0, 200)))
    }
    const problem = wechatSignatureProblem(res.headers, text, platformKey, now())
    if (problem) throw new WechatPayError(res.status, 'UNVERIFIED_ANSWER', `the answer cannot be trusted: ${problem}`)
    const answer = parse(text)
    if (!answer) throw new WechatPayError(res.status, 'UNREADABLE_ANSWER', 'the answer is not JSON')
    return answer
  }

  function requireYuan(currency: string) {
    if (currency.toUpperCase() !== CURRENCY) throw new Error(`WeChat Pay collects ${CURRENCY} only, not ${currency}.`)
  }

  return {
    id: 'wechat',

    async start(order: PayableOrder) {
      requireYuan(order.currency)
      const answer = await call('/v3/pay/transactions/native', {
        appid: config.appId,
        mchid: config.mchId,
        // WeChat caps descriptions at 127 bytes; 40 characters stay under it even when all are Chinese.
        description: clip(order.subject, 40) || 'Order',
        out_trade_no: order.number,
        time_expire: chinaTime(order.expiresAt),
        notify_url: order.notifyUrl,
        amount: { total: toCents(order.payable), currency: CURRENCY },
      })
      if (typeof answer.code_url !== 'string' || !answer.code_url) throw new WechatPayError(200, 'NO_CODE_URL', 'the answer has no code_url')
      return { qrCode: answer.code_url }
    },

    async verify(callback: IncomingCallback): Promise<Notice> {
      const problem = wechatSignatureProblem(callback.headers, callback.body, platformKey, now())
      if (problem) throw new ForgedCallback(problem)
      const notification = parse(callback.body)
      if (!notification) throw new ForgedCallback('the notification is not JSON')
      const head = { id: notification.id, event_type: notification.event_type }
      if (notification.event_type !== 'TRANSACTION.SUCCESS') return { kind: 'ignored', reason: `WeChat Pay event ${notification.event_type}`, detail: head }

      let transaction: Transaction | undefined
      try {
        transaction = parse(decryptResource(apiV3Key, notification.resource as EncryptedResource)) as Transaction | undefined
      } catch (error) {
        throw new ForgedCallback(`the resource does not decrypt with the API v3 key (${(error as Error).message})`)
      }
      if (!transaction) throw new ForgedCallback('the decrypted resource is not JSON')
      if (transaction.mchid !== config.mchId || transaction.appid !== config.appId) {
        throw new ForgedCallback(`the payment is for merchant ${transaction.mchid} and app ${transaction.appid}, not ours`)
      }
      const amount = transaction.amount ?? {}
      const detail = {
        ...head,
        transaction_id: transaction.transaction_id,
        trade_type: transaction.trade_type,
        trade_state: transaction.trade_state,
        bank_type: transaction.bank_type,
        success_time: transaction.success_time,
        amount,
      }
      if (transaction.trade_state !== 'SUCCESS') {
        return { kind: 'ignored', orderNumber: transaction.out_trade_no, reason: `WeChat Pay trade state ${transaction.trade_state}`, detail }
      }
      if (!transaction.out_trade_no || !transaction.transaction_id || !Number.isSafeInteger(amount.total)) {
        throw new ForgedCallback('the payment lacks its order number, transaction id or amount')
      }
      return {
        kind: 'paid',
        orderNumber: transaction.out_trade_no,
        transactionId: transaction.transaction_id,
        amount: fromCents(amount.total!),
        currency: amount.currency,
        detail,
      }
    },

    acknowledge(ok: boolean) {
      // Any 2xx stops WeChat's retries; a 4xx/5xx with FAIL makes it try again later.
      return ok ? new Response(null, { status: 204 }) : Response.json({ code: 'FAIL', message: 'The notification was not accepted.' }, { status: 400 })
    },

    async refund(input): Promise<RefundResult> {
      requireYuan(input.currency)
      const answer = await call('/v3/refund/domestic/refunds', {
        transaction_id: input.transactionId,
        out_refund_no: input.refundId,
        // WeChat shows the reason to the payer and caps it at 80 characters.
        reason: clip(input.reason, 80),
        amount: { refund: toCents(input.amount), total: toCents(input.total), currency: CURRENCY },
      }).catch((error: unknown) => {
        // A 4xx is WeChat saying no; a 5xx, a timeout or an answer we cannot trust says nothing.
        if (error instanceof WechatPayError && error.status >= 400 && error.status < 500) throw new RefundRefused(error.message)
        throw error
      })
      const channelRefundId = String(answer.refund_id ?? '')
      if (answer.status === 'SUCCESS') return { channelRefundId, status: 'succeeded' }
      if (answer.status === 'PROCESSING') return { channelRefundId, status: 'pending' }
      throw new RefundRefused(`WeChat Pay ${answer.status ?? 'UNKNOWN'}: the refund ${channelRefundId || input.refundId} is ${answer.status}`)
    },
  }
}

function parse(text: string): Record<string, any> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, any>) : undefined
  } catch {
    return undefined
  }
}

/** The channel from Billing → Payment settings, or undefined until every credential is set. */
export const wechatPayFromSettings: ChannelFactory = (settings, secrets) => {
  const group = settings.wechat
  if (!group?.enabled) return undefined
  const { mchId, appId, serialNo, privateKey, apiV3Key, platformCertificate } = group
  if (!mchId || !appId || !serialNo || !privateKey || !apiV3Key || !platformCertificate) return undefined
  return wechatPayChannel({
    // Pasted from the merchant console, often with a stray space; mchid and appid are compared exactly.
    mchId: mchId.trim(),
    appId: appId.trim(),
    serialNo: serialNo.trim(),
    privateKey: secrets.open(privateKey),
    apiV3Key: secrets.open(apiV3Key),
    platformKey: platformCertificate,
    apiBase: group.apiBase ?? undefined,
  })
}
