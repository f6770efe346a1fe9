import { createCipheriv, createSign, createVerify, generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A local stand-in for WeChat Pay API v3 (Native orders and domestic refunds). It checks the
 * signature of every request with the merchant's public key, answers signed with its own platform
 * key, and plays WeChat's side of a payment: the encrypted, signed TRANSACTION.SUCCESS
 * notification posted to the order's notify_url. Its crypto is written out here, apart from
 * src/payments/channels/wechat-pay-signing.ts, so a mistake there cannot hide behind the same one here.
 */

export type FakeOrder = {
  outTradeNo: string
  appId: string
  description: string
  total: number
  notifyUrl: string
  timeExpire: string
  codeUrl: string
  state: 'NOTPAY' | 'SUCCESS'
  transactionId?: string
  refunded: number
}

export type FakeRefund = { refundId: string; outRefundNo: string; transactionId: string; refund: number; total: number; reason: string; status: string }

export type Notification = { headers: Record<string, string>; body: string }

export type NotificationOptions = {
  /** Fen the notification says were paid; the order's total when left out. */
  total?: number
  /** Seconds since the epoch the notification is signed at; now when left out. */
  timestamp?: number
  tradeState?: string
  mchId?: string
  /** Sign with this key instead of the platform key (a forger's). */
  signingKey?: KeyObject
  /** Encrypt with this API v3 key instead of the merchant's. */
  apiV3Key?: string
}

export type FakeWechatPay = {
  baseUrl: string
  mchId: string
  appId: string
  serialNo: string
  apiV3Key: string
  platformSerial: string
  merchantPrivateKey: string
  platformPublicKey: string
  orders: Map<string, FakeOrder>
  refunds: FakeRefund[]
  /** Every request with whether its signature checked out (and why not). */
  requests: { method: string; path: string; verified: boolean; problem?: string }[]
  /** What a new refund reports: SUCCESS, or PROCESSING as when the money is still on its way. */
  refundStatus: 'SUCCESS' | 'PROCESSING'
  /** Sign answers with a stranger's key, as a man in the middle would. */
  forgeAnswers: boolean
  /** The `wechat` group of payment-settings that points Modelgate at this fake. */
  settings: () => Record<string, unknown>
  /** Marks an order paid and builds WeChat's notification of it (not sent). */
  notification: (outTradeNo: string, options?: NotificationOptions) => Notification
  /** Sends a notification to the order's notify_url as WeChat does. */
  deliver: (outTradeNo: string, notification: Notification) => Promise<{ status: number; text: string }>
  close: () => Promise<void>
}

const rsaPair = () => generateKeyPairSync('rsa', { modulusLength: 2048 })

/** WeChat's transaction and refund ids are long runs of digits. */
const digits = (count: number) => Array.from(randomBytes(count), (byte) => byte % 10).join('')

const sign = (message: string, key: KeyObject) => createSign('sha256').update(message).sign(key, 'base64')

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function parseAuthorization(header: string): Record<string, string> | undefined {
  const match = /^WECHATPAY2-SHA256-RSA2048 (.+)$/.exec(header)
  if (!match) return undefined
  return Object.fromEntries([...match[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((pair) => [pair[1]!, pair[2]!]))
}

export async function startFakeWechatPay(): Promise<FakeWechatPay> {
  const merchant = rsaPair()
  const platform = rsaPair()
  const stranger = rsaPair()
  const now = () => Math.floor(Date.now() / 1000)

  const fake: FakeWechatPay = {
    baseUrl: '',
    mchId: '1900009191',
    appId: 'wxd678efh567hg6787',
    serialNo: randomBytes(20).toString('hex').toUpperCase(),
    apiV3Key: randomBytes(16).toString('hex'),
    platformSerial: randomBytes(20).toString('hex').toUpperCase(),
    merchantPrivateKey: merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    platformPublicKey: platform.publicKey.export({ type: 'spki', format: 'pem' }) as string,
    orders: new Map(),
    refunds: [],
    requests: [],
    refundStatus: 'SUCCESS',
    forgeAnswers: false,
    settings: () => ({
      enabled: true,
      mchId: fake.mchId,
      appId: fake.appId,
      serialNo: fake.serialNo,
      privateKey: fake.merchantPrivateKey,
      apiV3Key: fake.apiV3Key,
      platformCertificate: fake.platformPublicKey,
      apiBase: fake.baseUrl,
    }),
    notification: (outTradeNo, options = {}) => {
      const order = fake.orders.get(outTradeNo)
      if (!order) throw new Error(`the fake has no order ${outTradeNo}`)
      order.state = 'SUCCESS'
      order.transactionId ??= `4200000${digits(21)}`
      const transaction = {
        mchid: options.mchId ?? fake.mchId,
        appid: order.appId,
        out_trade_no: order.outTradeNo,
        transaction_id: order.transactionId,
        trade_type: 'NATIVE',
        trade_state: options.tradeState ?? 'SUCCESS',
        trade_state_desc: '支付成功',
        bank_type: 'OTHERS',
        attach: '',
        success_time: new Date().toISOString().slice(0, 19) + 'Z',
        payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
        amount: { total: options.total ?? order.total, payer_total: options.total ?? order.total, currency: 'CNY', payer_currency: 'CNY' },
      }
      const nonce = randomBytes(6).toString('hex')
      const cipher = createCipheriv('aes-256-gcm', Buffer.from(options.apiV3Key ?? fake.apiV3Key), Buffer.from(nonce))
      cipher.setAAD(Buffer.from('transaction'))
      const ciphertext = Buffer.concat([cipher.update(JSON.stringify(transaction)), cipher.final(), cipher.getAuthTag()]).toString('base64')
      const body = JSON.stringify({
        id: randomUUID(),
        create_time: new Date().toISOString(),
        resource_type: 'encrypt-resource',
        event_type: 'TRANSACTION.SUCCESS',
        summary: '支付成功',
        resource: { original_type: 'transaction', algorithm: 'AEAD_AES_256_GCM', ciphertext, associated_data: 'transaction', nonce },
      })
      return { headers: signedHeaders(body, options.timestamp ?? now(), options.signingKey ?? platform.privateKey), body }
    },
    deliver: async (outTradeNo, notification) => {
      const order = fake.orders.get(outTradeNo)
      if (!order) throw new Error(`the fake has no order ${outTradeNo}`)
      const res = await fetch(order.notifyUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...notification.headers }, body: notification.body })
      return { status: res.status, text: await res.text() }
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }

  function signedHeaders(body: string, timestamp: number, key: KeyObject): Record<string, string> {
    const nonce = randomBytes(16).toString('hex')
    return {
      'wechatpay-timestamp': String(timestamp),
      'wechatpay-nonce': nonce,
      'wechatpay-signature': sign(`${timestamp}\n${nonce}\n${body}\n`, key),
      'wechatpay-serial': fake.platformSerial,
    }
  }

  function answer(res: ServerResponse, status: number, payload: unknown) {
    const body = JSON.stringify(payload)
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': randomUUID(), ...signedHeaders(body, now(), fake.forgeAnswers ? stranger.privateKey : platform.privateKey) })
    res.end(body)
  }
  const fail = (res: ServerResponse, status: number, code: string, message: string) => answer(res, status, { code, message })

  /** Why our Authorization header is wrong, or undefined when it is right. */
  function authorizationProblem(req: IncomingMessage, path: string, body: string): string | undefined {
    const auth = parseAuthorization(req.headers.authorization ?? '')
    if (!auth) return 'no WECHATPAY2-SHA256-RSA2048 authorization'
    if (auth.mchid !== fake.mchId) return `mchid ${auth.mchid}`
    if (auth.serial_no !== fake.serialNo) return `serial_no ${auth.serial_no}`
    if (!auth.nonce_str || !auth.signature || !/^\d+$/.test(auth.timestamp ?? '')) return 'incomplete authorization'
    if (Math.abs(now() - Number(auth.timestamp)) > 300) return `timestamp ${auth.timestamp}`
    if (!req.headers['user-agent']) return 'no User-Agent'
    const message = `${req.method}\n${path}\n${auth.timestamp}\n${auth.nonce_str}\n${body}\n`
    const valid = createVerify('sha256').update(message).verify(merchant.publicKey, auth.signature, 'base64')
    return valid ? undefined : 'signature does not verify'
  }

  function createOrder(res: ServerResponse, body: Record<string, any>) {
    if (body.mchid !== fake.mchId || body.appid !== fake.appId) return fail(res, 400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配')
    const total = body.amount?.total
    if (!Number.isSafeInteger(total) || total <= 0 || body.amount?.currency !== 'CNY') return fail(res, 400, 'PARAM_ERROR', '订单金额不合法')
    if (!/^[\w\-|*]{6,32}$/.test(body.out_trade_no ?? '')) return fail(res, 400, 'PARAM_ERROR', 'out_trade_no不合法')
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/.test(body.time_expire ?? '')) return fail(res, 400, 'PARAM_ERROR', 'time_expire格式不正确')
    if (typeof body.description !== 'string' || !body.description || Buffer.byteLength(body.description) > 127) return fail(res, 400, 'PARAM_ERROR', 'description不合法')
    if (!URL.canParse(body.notify_url ?? '')) return fail(res, 400, 'PARAM_ERROR', 'notify_url不合法')
    const existing = fake.orders.get(body.out_trade_no)
    if (existing && (existing.state !== 'NOTPAY' || existing.total !== total)) return fail(res, 400, 'ORDER_NO_USED', '商户订单号重复')
    const order: FakeOrder = existing ?? {
      outTradeNo: body.out_trade_no,
      appId: body.appid,
      description: body.description,
      total,
      notifyUrl: body.notify_url,
      timeExpire: body.time_expire,
      codeUrl: `weixin://wxpay/bizpayurl?pr=${randomBytes(5).toString('base64url')}`,
      state: 'NOTPAY',
      refunded: 0,
    }
    fake.orders.set(order.outTradeNo, order)
    answer(res, 200, { code_url: order.codeUrl })
  }

  function refund(res: ServerResponse, body: Record<string, any>) {
    const order = [...fake.orders.values()].find((candidate) => candidate.transactionId === body.transaction_id && candidate.state === 'SUCCESS')
    if (!order) return fail(res, 404, 'RESOURCE_NOT_EXISTS', '订单不存在')
    const { refund: amount, total, currency } = body.amount ?? {}
    if (currency !== 'CNY' || total !== order.total || !Number.isSafeInteger(amount) || amount <= 0) return fail(res, 400, 'PARAM_ERROR', '退款金额或订单金额不正确')
    if (!/^[\w\-|*@]{1,64}$/.test(body.out_refund_no ?? '')) return fail(res, 400, 'PARAM_ERROR', 'out_refund_no不合法')
    // The same out_refund_no is the same refund, however often it is asked for.
    let done = fake.refunds.find((candidate) => candidate.outRefundNo === body.out_refund_no)
    if (!done) {
      if (order.refunded + amount > order.total) return fail(res, 400, 'INVALID_REQUEST', '申请退款金额超过订单可退金额')
      order.refunded += amount
      done = { refundId: `50000${digits(24)}`, outRefundNo: body.out_refund_no, transactionId: body.transaction_id, refund: amount, total, reason: body.reason ?? '', status: fake.refundStatus }
      fake.refunds.push(done)
    }
    answer(res, 200, {
      refund_id: done.refundId,
      out_refund_no: done.outRefundNo,
      transaction_id: done.transactionId,
      out_trade_no: order.outTradeNo,
      channel: 'ORIGINAL',
      user_received_account: '支付用户零钱',
      create_time: new Date().toISOString(),
      status: done.status,
      amount: { total: done.total, refund: done.refund, payer_total: done.total, payer_refund: done.refund, settlement_refund: done.refund, settlement_total: done.total, discount_refund: 0, currency: 'CNY' },
    })
  }

  const server = createServer(async (req, res) => {
    const path = req.url ?? '/'
    const raw = await readBody(req)
    const problem = authorizationProblem(req, path, raw)
    fake.requests.push({ method: req.method ?? '', path, verified: !problem, problem })
    if (problem) return fail(res, 401, 'SIGN_ERROR', `签名错误: ${problem}`)
    let body: Record<string, any>
    try {
      body = JSON.parse(raw) as Record<string, any>
    } catch {
      return fail(res, 400, 'PARAM_ERROR', '请求体不是JSON')
    }
    if (req.method === 'POST' && path === '/v3/pay/transactions/native') return createOrder(res, body)
    if (req.method === 'POST' && path === '/v3/refund/domestic/refunds') return refund(res, body)
    fail(res, 404, 'NOT_FOUND', '无此接口')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  fake.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return fake
}
