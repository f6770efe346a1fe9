import { generateKeyPairSync, verify } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { ForgedCallback, RefundRefused, type IncomingCallback, type PayableOrder } from '../../src/payments/channel'
import { AlipayError, createAlipayChannel, readResponse } from '../../src/payments/channels/alipay'
import { alipayPrivateKey, alipayPublicKey, rsa2Sign, rsa2Verify, shanghaiTime, signContent, topLevelMembers } from '../../src/payments/channels/alipay-signing'
import { startFakeAlipay, type FakeAlipay } from '../helpers/fake-alipay'

const keyPair = () => generateKeyPairSync('rsa', { modulusLength: 2048 })
const app = keyPair()
const alipay = keyPair()
const APP_ID = '2021000000000001'

describe('Alipay sign content', () => {
  it('sorts by key, drops sign and empty values, and keeps values raw', () => {
    // The shape of the request in Alipay's "自行实现签名" guide: GBK charset, a JSON biz_content.
    const params = {
      method: 'alipay.mobile.public.menu.add',
      app_id: '2014072300007148',
      charset: 'GBK',
      sign_type: 'RSA2',
      timestamp: '2014-07-24 03:07:50',
      biz_content: '{"button":[{"actionParam":"ZFB_HFCZ","actionType":"out","name":"话费充值"}]}',
      version: '1.0',
      sign: 'ignored',
      notify_url: '',
      app_auth_token: undefined,
    }
    expect(signContent(params)).toBe(
      'app_id=2014072300007148&biz_content={"button":[{"actionParam":"ZFB_HFCZ","actionType":"out","name":"话费充值"}]}&charset=GBK' +
        '&method=alipay.mobile.public.menu.add&sign_type=RSA2&timestamp=2014-07-24 03:07:50&version=1.0',
    )
  })

  it('leaves sign_type out too when checking a notice', () => {
    expect(signContent({ b: '2', sign_type: 'RSA2', a: 'x y&z', sign: 's' }, ['sign', 'sign_type'])).toBe('a=x y&z&b=2')
  })
})

describe('RSA2 signatures', () => {
  it('is SHA256withRSA (PKCS#1 v1.5) in base64, as Alipay checks it', () => {
    const content = 'app_id=1&biz_content={"a":"支付"}'
    const signature = rsa2Sign(content, app.privateKey)
    expect(Buffer.from(signature, 'base64')).toHaveLength(256)
    expect(verify('sha256', Buffer.from(content), app.publicKey, Buffer.from(signature, 'base64'))).toBe(true)
    // PKCS#1 v1.5 is deterministic: the same content signs the same.
    expect(rsa2Sign(content, app.privateKey)).toBe(signature)
    expect(rsa2Verify(content, signature, app.publicKey)).toBe(true)
    expect(rsa2Verify(`${content} `, signature, app.publicKey)).toBe(false)
    expect(rsa2Verify(content, signature, alipay.publicKey)).toBe(false)
    expect(rsa2Verify(content, '', app.publicKey)).toBe(false)
  })

  it('takes the bare base64 keys of Alipay\'s key tool as well as PEM', () => {
    const pkcs8 = app.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64')
    const pkcs1 = app.privateKey.export({ format: 'der', type: 'pkcs1' }).toString('base64')
    const spki = app.publicKey.export({ format: 'der', type: 'spki' }).toString('base64')
    const pem = app.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string
    const signature = rsa2Sign('x', app.privateKey)
    for (const text of [pkcs8, pkcs1, pem, `\n${pkcs8.replace(/(.{64})/g, '$1\n')}\n`]) expect(rsa2Sign('x', alipayPrivateKey(text))).toBe(signature)
    for (const text of [spki, app.publicKey.export({ format: 'pem', type: 'spki' }) as string]) expect(rsa2Verify('x', signature, alipayPublicKey(text))).toBe(true)
  })
})

describe('Beijing time', () => {
  it('formats yyyy-MM-dd HH:mm:ss at UTC+8, across a date line', () => {
    expect(shanghaiTime(new Date('2024-01-31T16:30:05.999Z'))).toBe('2024-02-01 00:30:05')
    expect(shanghaiTime(new Date('2024-07-01T03:04:05Z'))).toBe('2024-07-01 11:04:05')
  })
})

describe('Alipay answers', () => {
  const node = '{"code":"10000","msg":"Success","out_trade_no":"MG1","qr_code":"https:\\/\\/qr.alipay.com\\/bax0","note":"a \\"}\\" , {x}"}'
  const signed = (text: string) => rsa2Sign(text, alipay.privateKey)

  it('finds the exact text of each top-level member, escapes, braces in strings and all', () => {
    const body = ` { "sign" : "abc" ,\n "alipay_trade_precreate_response" : ${node} , "n": 12, "list": [1, {"a": "]"}], "t": true } `
    expect(topLevelMembers(body)).toEqual({ sign: '"abc"', alipay_trade_precreate_response: node, n: '12', list: '[1, {"a": "]"}]', t: 'true' })
    expect(() => topLevelMembers('{"a": {"b": 1}')).toThrow()
    expect(() => topLevelMembers('[1]')).toThrow()
  })

  it('checks the signature over the node as sent, not as re-serialized', () => {
    const body = `{"alipay_trade_precreate_response":${node},"sign":"${signed(node)}"}`
    expect(readResponse(body, 'alipay.trade.precreate', alipay.publicKey)).toMatchObject({ code: '10000', qr_code: 'https://qr.alipay.com/bax0' })
    const reserialized = JSON.stringify(JSON.parse(node))
    expect(() => readResponse(`{"alipay_trade_precreate_response":${reserialized},"sign":"${signed(node)}"}`, 'alipay.trade.precreate', alipay.publicKey)).toThrow(
      /wrong signature/,
    )
  })

  it('refuses a success that is unsigned or signed by another key', () => {
    expect(() => readResponse(`{"alipay_trade_precreate_response":${node}}`, 'alipay.trade.precreate', alipay.publicKey)).toThrow(/not signed/)
    const other = rsa2Sign(node, app.privateKey)
    expect(() => readResponse(`{"alipay_trade_precreate_response":${node},"sign":"${other}"}`, 'alipay.trade.precreate', alipay.publicKey)).toThrow(/wrong signature/)
  })

  it("reports a refusal with Alipay's sub_code, signed or not", () => {
    const refused = '{"code":"40004","msg":"Business Failed","sub_code":"ACQ.TRADE_NOT_EXIST","sub_msg":"交易不存在"}'
    for (const body of [`{"alipay_trade_refund_response":${refused},"sign":"${signed(refused)}"}`, `{"error_response":${refused}}`]) {
      let error: unknown
      try {
        readResponse(body, 'alipay.trade.refund', alipay.publicKey)
      } catch (caught) {
        error = caught
      }
      expect(error).toBeInstanceOf(AlipayError)
      expect(error).toMatchObject({ code: '40004', subCode: 'ACQ.TRADE_NOT_EXIST', message: expect.stringContaining('交易不存在') })
    }
  })
})

describe('Alipay channel against the fake gateway', () => {
  let fake: FakeAlipay
  const channel = () => createAlipayChannel({ appId: APP_ID, privateKey: app.privateKey, alipayPublicKey: alipay.publicKey, gateway: fake.gateway })
  const order = (number: string, payable = 123_450_000): PayableOrder => ({
    id: number,
    number,
    payable,
    currency: 'CNY',
    subject: 'Top-up 充值 & more',
    returnUrl: 'http://shop.test/return',
    notifyUrl: 'http://127.0.0.1:1/api/payments/alipay/notify',
    expiresAt: new Date(Date.now() + 30 * 60_000),
  })
  const callback = (body: string): IncomingCallback => ({ method: 'POST', headers: new Headers(), query: new URLSearchParams(), body })

  beforeAll(async () => {
    fake = await startFakeAlipay({ appId: APP_ID, appPublicKey: app.publicKey, alipayPrivateKey: alipay.privateKey })
  })
  afterAll(() => fake.close())

  it('precreates a trade and returns its QR code', async () => {
    const start = await channel().start(order('MG-U1'))
    expect(start.qrCode).toMatch(/^https:\/\/qr\.alipay\.com\/bax0/)
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'alipay.trade.precreate',
      code: '10000',
      bizContent: { out_trade_no: 'MG-U1', total_amount: '123.45', subject: 'Top-up 充值 & more', timeout_express: '30m' },
    })
  })

  it('is refused by Alipay when signed with another key or for another app', async () => {
    const wrongKey = createAlipayChannel({ appId: APP_ID, privateKey: alipay.privateKey, alipayPublicKey: alipay.publicKey, gateway: fake.gateway })
    await expect(wrongKey.start(order('MG-U2'))).rejects.toMatchObject({ subCode: 'isv.invalid-signature' })
    const wrongApp = createAlipayChannel({ appId: '2021000000000999', privateKey: app.privateKey, alipayPublicKey: alipay.publicKey, gateway: fake.gateway })
    await expect(wrongApp.start(order('MG-U3'))).rejects.toMatchObject({ subCode: 'isv.invalid-app-id' })
    expect(fake.trades.has('MG-U2')).toBe(false)
  })

  it('refuses an answer not signed by Alipay', async () => {
    const wrongAlipayKey = createAlipayChannel({ appId: APP_ID, privateKey: app.privateKey, alipayPublicKey: app.publicKey, gateway: fake.gateway })
    await expect(wrongAlipayKey.start(order('MG-U4'))).rejects.toThrow(/wrong signature/)
  })

  it('will not charge another currency as yuan', async () => {
    await expect(channel().start({ ...order('MG-U5'), currency: 'USD' })).rejects.toThrow(/CNY/)
  })

  it('reads a paid notice and ignores other trade states', async () => {
    await channel().start(order('MG-U6'))
    const paid = await channel().verify(callback(fake.notice('MG-U6')))
    expect(paid).toMatchObject({ kind: 'paid', orderNumber: 'MG-U6', transactionId: fake.trades.get('MG-U6')!.tradeNo, amount: 123_450_000, currency: 'CNY' })
    expect(paid.detail).not.toHaveProperty('sign')
    expect(await channel().verify(callback(fake.notice('MG-U6', { trade_status: 'TRADE_FINISHED' })))).toMatchObject({ kind: 'paid' })
    expect(await channel().verify(callback(fake.notice('MG-U6', { trade_status: 'WAIT_BUYER_PAY' })))).toMatchObject({ kind: 'ignored', orderNumber: 'MG-U6' })
  })

  it('throws ForgedCallback for a changed, unsigned, RSA1 or foreign-app notice', async () => {
    await channel().start(order('MG-U7'))
    const body = fake.notice('MG-U7')
    const changed = body.replace('total_amount=123.45', 'total_amount=1.00')
    expect(changed).not.toBe(body)
    const params = new URLSearchParams(body)
    params.delete('sign')
    const rsa1 = new URLSearchParams(body)
    rsa1.set('sign_type', 'RSA')
    for (const forged of [changed, params.toString(), rsa1.toString(), fake.notice('MG-U7', { app_id: '2021000000000999' }), '']) {
      await expect(channel().verify(callback(forged))).rejects.toBeInstanceOf(ForgedCallback)
    }
  })

  it('acknowledges with the bodies Alipay looks for', async () => {
    expect(await channel().acknowledge(true).text()).toBe('success')
    expect(await channel().acknowledge(false).text()).toBe('failure')
  })

  it('refunds in parts, treats a repeated refund id as the same refund, and reports refusals', async () => {
    await channel().start(order('MG-U8', 50_000_000))
    await fake.pay('MG-U8', { attempts: 1 })
    const trade = fake.trades.get('MG-U8')!
    const input = { orderNumber: 'MG-U8', transactionId: trade.tradeNo, total: 50_000_000, reason: 'customer asked', currency: 'CNY' }
    expect(await channel().refund!({ ...input, refundId: 'r1', amount: 20_000_000 })).toEqual({ channelRefundId: 'r1', status: 'succeeded' })
    expect(await channel().refund!({ ...input, refundId: 'r1', amount: 20_000_000 })).toEqual({ channelRefundId: 'r1', status: 'succeeded' })
    expect(fake.requests.at(-1)).toMatchObject({ bizContent: { out_request_no: 'r1', refund_amount: '20.00', trade_no: trade.tradeNo } })
    // A definite refusal, so the money may go back to the wallet.
    await expect(channel().refund!({ ...input, refundId: 'r2', amount: 30_010_000 })).rejects.toThrow(RefundRefused)
    await expect(channel().refund!({ ...input, refundId: 'r2', amount: 30_010_000 })).rejects.toThrow(/ACQ.REFUND_AMT_NOT_EQUAL_TOTAL/)
    expect(await channel().refund!({ ...input, refundId: 'r3', amount: 30_000_000 })).toMatchObject({ status: 'succeeded' })
    expect([...trade.refunds.values()]).toEqual([20_000_000, 30_000_000])
    await expect(channel().refund!({ ...input, transactionId: 'nope', refundId: 'r4', amount: 10_000_000 })).rejects.toThrow(/ACQ.TRADE_NOT_EXIST/)
  })

  it('asks again with the same refund id when Alipay answers a system error, and refunds once', async () => {
    await channel().start(order('MG-U9', 50_000_000))
    await fake.pay('MG-U9', { attempts: 1 })
    const trade = fake.trades.get('MG-U9')!
    fake.systemErrors = 1
    const input = { orderNumber: 'MG-U9', transactionId: trade.tradeNo, total: 50_000_000, reason: 'r', currency: 'CNY' }
    expect(await channel().refund!({ ...input, refundId: 'r5', amount: 10_000_000 })).toEqual({ channelRefundId: 'r5', status: 'succeeded' })
    expect(fake.requests.slice(-2).map((r) => r.subCode ?? r.code)).toEqual(['ACQ.SYSTEM_ERROR', '10000'])
    expect([...trade.refunds.values()]).toEqual([10_000_000])
    fake.systemErrors = 3
    await expect(channel().refund!({ ...input, refundId: 'r6', amount: 10_000_000 })).rejects.toMatchObject({ subCode: 'ACQ.SYSTEM_ERROR' })
    fake.systemErrors = 0
  })
})
