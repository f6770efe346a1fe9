import { randomInt } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

import { epaySign } from '../../src/payments/channels/epay'

/**
 * A local Epay gateway. submit.php (GET from the browser redirect, or a POSTed form) refuses an
 * unknown pid, a wrong signature, a missing parameter or a bad amount with the kind of page real
 * gateways show, and otherwise shows a cashier page and remembers the order. `pay` then does what
 * the gateway does once the customer has paid: it calls notify_url by GET with signed parameters,
 * again and again until the answer is exactly `success`.
 */
export type EpayOrder = {
  pid: string
  type: string
  outTradeNo: string
  notifyUrl: string
  returnUrl: string
  name: string
  money: string
  tradeNo: string
}

export type NotifyAttempt = { status: number; body: string }

export type FakeEpay = {
  /** The gateway address to configure, ending in a slash. */
  url: string
  orders: Map<string, EpayOrder>
  /** Every submit.php request that was refused, with the reason shown. */
  refused: string[]
  /** The signed notify URL for a remembered order; `overrides` change parameters before signing. */
  notifyUrl(outTradeNo: string, overrides?: Record<string, string>): string
  /** Where the gateway sends the customer's browser back to, with the same signed parameters. */
  returnUrl(outTradeNo: string): string
  /** Sends the notify until it is acknowledged with `success` or `attempts` run out. */
  pay(outTradeNo: string, options?: { overrides?: Record<string, string>; attempts?: number }): Promise<NotifyAttempt[]>
  close(): Promise<void>
}

const REQUIRED = ['pid', 'type', 'out_trade_no', 'notify_url', 'name', 'money', 'sign']
const TYPES = ['alipay', 'wxpay', 'qqpay']
const RETRY_MS = 50

function page(res: ServerResponse, status: number, html: string) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' })
  res.end(`<!doctype html><html><body>${html}</body></html>`)
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** `merchants`: pid → merchant key. */
export async function startFakeEpay(merchants: Record<string, string>): Promise<FakeEpay> {
  const orders = new Map<string, EpayOrder>()
  const refused: string[] = []

  function submit(res: ServerResponse, params: Record<string, string>) {
    const refuse = (reason: string) => {
      refused.push(reason)
      page(res, 200, `<h3>${reason}</h3>`)
    }
    const missing = REQUIRED.find((name) => !params[name])
    if (missing) return refuse(`参数 ${missing} 不能为空`)
    const key = merchants[params.pid]
    if (key === undefined) return refuse('商户不存在！')
    if ((params.sign_type ?? 'MD5') !== 'MD5') return refuse('签名类型不支持！')
    if (params.sign !== epaySign(params, key)) return refuse('签名校验失败！')
    if (!TYPES.includes(params.type)) return refuse('支付方式不存在')
    if (!/^\d+(\.\d{1,2})?$/.test(params.money) || Number(params.money) <= 0) return refuse('金额不合法')
    const known = orders.get(params.out_trade_no)
    if (known && known.money !== params.money) return refuse('订单号已存在，且金额不一致')
    orders.set(params.out_trade_no, known ?? {
      pid: params.pid,
      type: params.type,
      outTradeNo: params.out_trade_no,
      notifyUrl: params.notify_url,
      returnUrl: params.return_url ?? '',
      name: params.name,
      money: params.money,
      tradeNo: `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`,
    })
    page(res, 200, `<h3>收银台</h3><p>${params.name}</p><p>¥${params.money}</p>`)
  }

  function signedUrl(outTradeNo: string, to: 'notifyUrl' | 'returnUrl', overrides: Record<string, string> = {}): string {
    const order = orders.get(outTradeNo)
    if (!order) throw new Error(`the fake Epay has no order ${outTradeNo}`)
    const params: Record<string, string> = {
      pid: order.pid,
      trade_no: order.tradeNo,
      out_trade_no: order.outTradeNo,
      type: order.type,
      name: order.name,
      money: order.money,
      trade_status: 'TRADE_SUCCESS',
      ...overrides,
    }
    const signed = new URLSearchParams({ ...params, sign: epaySign(params, merchants[order.pid]), sign_type: 'MD5' })
    const url = new URL(order[to])
    for (const [name, value] of signed) url.searchParams.set(name, value)
    return url.toString()
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake-epay')
    readBody(req).then(
      (body) => {
        if (url.pathname !== '/submit.php') return page(res, 404, 'Not Found')
        submit(res, Object.fromEntries(req.method === 'POST' ? new URLSearchParams(body) : url.searchParams))
      },
      () => page(res, 400, 'Bad Request'),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    orders,
    refused,
    notifyUrl: (outTradeNo, overrides) => signedUrl(outTradeNo, 'notifyUrl', overrides),
    returnUrl: (outTradeNo) => signedUrl(outTradeNo, 'returnUrl'),
    async pay(outTradeNo, { overrides, attempts = 5 } = {}) {
      const target = signedUrl(outTradeNo, 'notifyUrl', overrides)
      const history: NotifyAttempt[] = []
      for (let attempt = 0; attempt < attempts; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, RETRY_MS))
        const answer = await fetch(target)
        history.push({ status: answer.status, body: await answer.text() })
        if (history.at(-1)!.body === 'success') break
      }
      return history
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
