import { randomBytes, randomInt, type KeyObject } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

import { rsa2Sign, rsa2Verify, shanghaiTime, signContent } from '../../src/payments/channels/alipay-signing'
import { fromDecimal, toDecimal } from '../../src/payments/money'

/**
 * A local stand-in for Alipay's open platform gateway (`/gateway.do`): `alipay.trade.precreate`
 * and `alipay.trade.refund` in Alipay's wire format. It checks each request's RSA2 signature with
 * the app's public key, its app id, timestamp and common parameters, and refuses with Alipay's own
 * codes; answers are signed with Alipay's private key over the response node as sent (slashes
 * escaped as Alipay's serializer does). `pay` plays the buyer: the trade is paid and Alipay's
 * signed notice is posted to the notify_url, again until the answer is `success`.
 */
export type FakeTrade = {
  outTradeNo: string
  tradeNo: string
  totalAmount: string
  subject: string
  notifyUrl: string
  status: 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_CLOSED'
  /** out_request_no → refunded micro-units. */
  refunds: Map<string, number>
}

export type FakeAlipayRequest = { method: string; code: string; subCode?: string; bizContent?: Record<string, any> }

export type NotifyAttempt = { status: number; body: string }

export type FakeAlipay = {
  gateway: string
  appId: string
  trades: Map<string, FakeTrade>
  /** Every call received, refused ones included, with the code it got. */
  requests: FakeAlipayRequest[]
  /** How many of the next successful calls are answered ACQ.SYSTEM_ERROR all the same. */
  systemErrors: number
  /** Alipay's signed notice for a trade, as a form body; `overrides` change fields before signing. */
  notice(outTradeNo: string, overrides?: Record<string, string>): string
  /** Posts a notice body to the trade's notify_url once; status 0 when it could not be reached. */
  deliver(outTradeNo: string, body: string): Promise<NotifyAttempt>
  /** The buyer pays: the trade is marked paid and notified until the answer is `success` (at most `attempts` times). */
  pay(outTradeNo: string, options?: { attempts?: number }): Promise<NotifyAttempt[]>
  close(): Promise<void>
}

const MAX_SKEW_MS = 15 * 60_000
const COMMON = { format: 'JSON', charset: 'utf-8', sign_type: 'RSA2', version: '1.0' }

type Node = Record<string, unknown>
type Refusal = { code: string; msg: string; sub_code: string; sub_msg: string }

const refusal = (code: string, msg: string, sub_code: string, sub_msg: string): Refusal => ({ code, msg, sub_code, sub_msg })
const invalid = (sub_code: string, sub_msg: string) => refusal('40004', 'Business Failed', sub_code, sub_msg)

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('')

/** Alipay's 28-digit trade number: the date, then digits. */
const tradeNumber = () => `${new Date().toISOString().slice(0, 10).replace(/-/g, '')}2200${digits(16)}`

/** Alipay's timestamp (Beijing time) as a Date. */
const fromShanghai = (text: string) => new Date(`${text.replace(' ', 'T')}+08:00`)

export async function startFakeAlipay(keys: { appId: string; appPublicKey: KeyObject; alipayPrivateKey: KeyObject }): Promise<FakeAlipay> {
  const trades = new Map<string, FakeTrade>()
  const requests: FakeAlipayRequest[] = []

  function answer(res: ServerResponse, nodeName: string, node: Node, signed = true) {
    // Alipay's JSON writer escapes slashes; the signature covers the text as written.
    const nodeText = JSON.stringify(node).replace(/\//g, '\\/')
    const sign = signed ? `,"sign":"${rsa2Sign(nodeText, keys.alipayPrivateKey)}"` : ''
    res.writeHead(200, { 'content-type': 'text/html;charset=utf-8' })
    res.end(`{"${nodeName}":${nodeText}${sign}}`)
  }

  function precreate(biz: Record<string, any>, params: Record<string, string>): Node | Refusal {
    const cents = fromDecimal(String(biz.total_amount ?? ''))
    if (!biz.out_trade_no || String(biz.out_trade_no).length > 64) return invalid('ACQ.INVALID_PARAMETER', '参数无效: out_trade_no')
    if (!biz.subject) return invalid('ACQ.INVALID_PARAMETER', '参数无效: subject')
    if (cents === undefined || cents < 10_000 || cents > 100_000_000_000_000) return invalid('ACQ.TOTAL_FEE_EXCEED', '订单金额超过限额')
    const existing = trades.get(biz.out_trade_no)
    if (existing && existing.status !== 'WAIT_BUYER_PAY') return invalid('ACQ.TRADE_HAS_SUCCESS', '交易已被支付')
    if (existing && existing.totalAmount !== biz.total_amount) return invalid('ACQ.CONTEXT_INCONSISTENT', '交易信息被篡改')
    const trade = existing ?? {
      outTradeNo: biz.out_trade_no,
      tradeNo: tradeNumber(),
      totalAmount: biz.total_amount,
      subject: biz.subject,
      notifyUrl: params.notify_url ?? '',
      status: 'WAIT_BUYER_PAY' as const,
      refunds: new Map(),
    }
    trades.set(trade.outTradeNo, trade)
    return { code: '10000', msg: 'Success', out_trade_no: trade.outTradeNo, qr_code: `https://qr.alipay.com/bax0${trade.tradeNo.slice(-12)}` }
  }

  function refund(biz: Record<string, any>): Node | Refusal {
    const trade = biz.trade_no ? [...trades.values()].find((t) => t.tradeNo === biz.trade_no) : trades.get(biz.out_trade_no)
    if (!trade || (biz.out_trade_no && biz.out_trade_no !== trade.outTradeNo)) return invalid('ACQ.TRADE_NOT_EXIST', '交易不存在')
    if (trade.status === 'WAIT_BUYER_PAY') return invalid('ACQ.TRADE_STATUS_ERROR', '交易状态不合法')
    const amount = fromDecimal(String(biz.refund_amount ?? ''))
    if (amount === undefined || amount <= 0) return invalid('ACQ.INVALID_PARAMETER', '参数无效: refund_amount')
    const requestNo = String(biz.out_request_no ?? trade.outTradeNo)
    const previous = trade.refunds.get(requestNo)
    if (previous !== undefined && previous !== amount) return invalid('ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', '退款金额与原请求不一致')
    const refunded = [...trade.refunds.values()].reduce((sum, value) => sum + value, 0)
    if (previous === undefined) {
      if (trade.status === 'TRADE_CLOSED' || refunded + amount > fromDecimal(trade.totalAmount)!) return invalid('ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', '退款金额超限')
      trade.refunds.set(requestNo, amount)
      if (refunded + amount === fromDecimal(trade.totalAmount)) trade.status = 'TRADE_CLOSED'
    }
    const total = previous === undefined ? refunded + amount : refunded
    return {
      code: '10000',
      msg: 'Success',
      buyer_logon_id: 'cus***@example.com',
      fund_change: previous === undefined ? 'Y' : 'N',
      gmt_refund_pay: shanghaiTime(new Date()),
      out_trade_no: trade.outTradeNo,
      refund_fee: toDecimal(total),
      send_back_fee: biz.refund_amount,
      trade_no: trade.tradeNo,
    }
  }

  function gateway(body: string, query: URLSearchParams, res: ServerResponse) {
    // Alipay takes the parameters from the query string or the form body alike.
    const params = { ...Object.fromEntries(query), ...Object.fromEntries(new URLSearchParams(body)) }
    const method = params.method ?? ''
    const handlers: Record<string, (biz: Record<string, any>, params: Record<string, string>) => Node | Refusal> = {
      'alipay.trade.precreate': precreate,
      'alipay.trade.refund': refund,
    }
    const nodeName = `${method.replace(/\./g, '_')}_response`
    const refuse = (node: Refusal, signed = true) => {
      requests.push({ method, code: node.code, subCode: node.sub_code })
      answer(res, handlers[method] ? nodeName : 'error_response', node, signed)
    }
    if (!handlers[method]) return refuse(refusal('40004', 'Business Failed', 'isv.invalid-method', '不存在的方法名'))
    if (params.app_id !== keys.appId) return refuse(refusal('40002', 'Invalid Arguments', 'isv.invalid-app-id', '无效的AppID参数'), false)
    for (const [name, value] of Object.entries(COMMON)) {
      if (params[name] !== value) return refuse(refusal('40002', 'Invalid Arguments', `isv.invalid-${name.replace('_', '-')}`, `无效的${name}参数`))
    }
    const sent = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(params.timestamp ?? '') ? fromShanghai(params.timestamp) : undefined
    if (!sent || Math.abs(sent.getTime() - Date.now()) > MAX_SKEW_MS) return refuse(refusal('40002', 'Invalid Arguments', 'isv.invalid-timestamp', '非法的时间戳参数'))
    if (!rsa2Verify(signContent(params), params.sign ?? '', keys.appPublicKey)) {
      return refuse(refusal('40002', 'Invalid Arguments', 'isv.invalid-signature', '验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配'))
    }
    let biz: Record<string, any>
    try {
      biz = JSON.parse(params.biz_content ?? '') as Record<string, any>
    } catch {
      return refuse(refusal('40002', 'Invalid Arguments', 'isv.invalid-biz-content', 'biz_content不是合法的JSON'))
    }
    const handled = handlers[method](biz, params)
    // The work is done, but the merchant is told only that something went wrong, as Alipay can.
    const node = fake.systemErrors > 0 && handled.code === '10000' ? refusal('20000', 'Service Currently Unavailable', 'ACQ.SYSTEM_ERROR', '系统错误') : handled
    if (node !== handled) fake.systemErrors--
    requests.push({ method, code: String(node.code), subCode: node.sub_code as string | undefined, bizContent: biz })
    answer(res, nodeName, node)
  }

  function notice(outTradeNo: string, overrides: Record<string, string> = {}): string {
    const trade = trades.get(outTradeNo)
    if (!trade) throw new Error(`no trade ${outTradeNo}`)
    const now = shanghaiTime(new Date())
    const params: Record<string, string> = {
      gmt_create: now,
      charset: 'utf-8',
      seller_email: 'merchant@example.com',
      subject: trade.subject,
      buyer_id: '2088102177846875',
      invoice_amount: trade.totalAmount,
      notify_id: `2024${randomBytes(12).toString('hex')}`,
      fund_bill_list: JSON.stringify([{ amount: trade.totalAmount, fundChannel: 'ALIPAYACCOUNT' }]),
      notify_type: 'trade_status_sync',
      trade_status: 'TRADE_SUCCESS',
      receipt_amount: trade.totalAmount,
      buyer_pay_amount: trade.totalAmount,
      app_id: keys.appId,
      seller_id: '2088102177649450',
      gmt_payment: now,
      notify_time: now,
      version: '1.0',
      out_trade_no: trade.outTradeNo,
      total_amount: trade.totalAmount,
      trade_no: trade.tradeNo,
      auth_app_id: keys.appId,
      buyer_logon_id: 'cus***@example.com',
      point_amount: '0.00',
      ...overrides,
    }
    params.sign_type = 'RSA2'
    params.sign = rsa2Sign(signContent(params, ['sign', 'sign_type']), keys.alipayPrivateKey)
    return new URLSearchParams(params).toString()
  }

  async function deliver(outTradeNo: string, body: string): Promise<NotifyAttempt> {
    const headers = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }
    try {
      const res = await fetch(trades.get(outTradeNo)!.notifyUrl, { method: 'POST', headers, body })
      return { status: res.status, body: await res.text() }
    } catch (error) {
      // Unreachable counts as not acknowledged: Alipay tries again later.
      return { status: 0, body: String(error) }
    }
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake')
    if (req.method !== 'POST' || url.pathname !== '/gateway.do') {
      res.writeHead(404).end()
      return
    }
    readBody(req).then(
      (body) => gateway(body, url.searchParams, res),
      () => res.writeHead(400).end(),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))

  const fake: FakeAlipay = {
    gateway: `http://127.0.0.1:${(server.address() as AddressInfo).port}/gateway.do`,
    appId: keys.appId,
    trades,
    requests,
    systemErrors: 0,
    notice,
    deliver,
    async pay(outTradeNo, { attempts = 5 } = {}) {
      const trade = trades.get(outTradeNo)
      if (!trade) throw new Error(`no trade ${outTradeNo}`)
      trade.status = 'TRADE_SUCCESS'
      const body = notice(outTradeNo)
      const answers: NotifyAttempt[] = []
      // Alipay spaces its retries over a day (4m, 10m, 10m, 1h, …); the fake keeps the order, not the wait.
      while (answers.length < attempts) {
        answers.push(await deliver(outTradeNo, body))
        if (answers.at(-1)!.body === 'success') break
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      return answers
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
  return fake
}
