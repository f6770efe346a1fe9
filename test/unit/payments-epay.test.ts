import { describe, expect, it } from '@jest/globals'

import { ForgedCallback, type IncomingCallback, type PayableOrder } from '../../src/payments/channel'
import { epayChannel, epayFromSettings, epaySign, epaySignatureValid, epaySigningString } from '../../src/payments/channels/epay'
import { createSecrets } from '../../src/lib/secrets'
import type { PaymentSettings } from '../../src/payments/settings'

const KEY = '89unJUB8HZ54Hj7x4nUj56HN4nUzUJ8i'
const config = { gateway: 'https://pay.example.com/', pid: '1001', key: KEY, types: ['alipay', 'wxpay'] }

const order: PayableOrder = {
  id: 'order-1',
  number: 'MG20250101120000123456',
  payable: 123_400_000,
  currency: 'CNY',
  subject: 'Top-up',
  returnUrl: 'https://modelgate.test/api/payments/epay/return?order=MG20250101120000123456',
  notifyUrl: 'https://modelgate.test/api/payments/epay/notify',
  expiresAt: new Date('2025-01-01T12:30:00Z'),
}

const notice = {
  pid: '1001',
  trade_no: '2025010112000112345',
  out_trade_no: order.number,
  type: 'alipay',
  name: 'Top-up',
  money: '123.40',
  trade_status: 'TRADE_SUCCESS',
}

const signed = (params: Record<string, string>, key = KEY) => ({ ...params, sign: epaySign(params, key), sign_type: 'MD5' })
const get = (params: Record<string, string>): IncomingCallback => ({ method: 'GET', headers: new Headers(), query: new URLSearchParams(params), body: '' })
const post = (params: Record<string, string>): IncomingCallback => ({
  method: 'POST',
  headers: new Headers({ 'content-type': 'application/x-www-form-urlencoded' }),
  query: new URLSearchParams(),
  body: new URLSearchParams(params).toString(),
})

describe('Epay MD5 signature', () => {
  const params = {
    pid: '1001',
    type: 'alipay',
    out_trade_no: '20160806151343349',
    notify_url: 'http://www.pay.com/notify_url.php',
    return_url: 'http://www.pay.com/return_url.php',
    name: 'VIP会员',
    money: '1.00',
  }

  it('signs the sorted k=v pairs with the key appended, as lowercase hex MD5', () => {
    expect(epaySigningString(params)).toBe(
      'money=1.00&name=VIP会员&notify_url=http://www.pay.com/notify_url.php&out_trade_no=20160806151343349&pid=1001&return_url=http://www.pay.com/return_url.php&type=alipay',
    )
    // md5sum of the string above followed by the key, computed outside Node.
    expect(epaySign(params, KEY)).toBe('427724b6656aa612cfdbe7a2262036a3')
  })

  it('leaves out sign, sign_type and empty values', () => {
    expect(epaySign({ ...params, sign: 'x', sign_type: 'MD5', param: '' }, KEY)).toBe(epaySign(params, KEY))
  })

  it('accepts only the exact signature, whatever its case', () => {
    const sign = epaySign(params, KEY)
    expect(epaySignatureValid({ ...params, sign }, KEY)).toBe(true)
    expect(epaySignatureValid({ ...params, sign: sign.toUpperCase() }, KEY)).toBe(true)
    expect(epaySignatureValid({ ...params, sign }, 'another key')).toBe(false)
    expect(epaySignatureValid({ ...params, money: '100.00', sign }, KEY)).toBe(false)
    expect(epaySignatureValid({ ...params, sign: sign.slice(1) }, KEY)).toBe(false)
    expect(epaySignatureValid(params, KEY)).toBe(false)
  })
})

describe('Epay channel', () => {
  const channel = epayChannel(config)

  it('sends the browser to submit.php with every parameter signed', async () => {
    const { payUrl } = await channel.start(order)
    const url = new URL(payUrl!)
    expect(`${url.origin}${url.pathname}`).toBe('https://pay.example.com/submit.php')
    const params = Object.fromEntries(url.searchParams)
    expect(params).toEqual({
      pid: '1001',
      type: 'alipay',
      out_trade_no: order.number,
      notify_url: order.notifyUrl,
      return_url: order.returnUrl,
      name: 'Top-up',
      money: '123.40',
      sign: epaySign(params, KEY),
      sign_type: 'MD5',
    })
  })

  it('uses the chosen payment type when it is offered, and refuses one that is not', async () => {
    const { payUrl } = await channel.start({ ...order, method: 'wxpay' })
    expect(new URL(payUrl!).searchParams.get('type')).toBe('wxpay')
    await expect(channel.start({ ...order, method: 'qqpay' })).rejects.toThrow('alipay, wxpay')
  })

  it('adds the slash a gateway address typed without one lacks', async () => {
    const { payUrl } = await epayChannel({ ...config, gateway: 'https://pay.example.com/epay' }).start(order)
    expect(payUrl).toMatch(/^https:\/\/pay\.example\.com\/epay\/submit\.php\?/)
  })

  it('reads a paid notice from a GET query or a POST form', async () => {
    const paid = { kind: 'paid', orderNumber: order.number, transactionId: notice.trade_no, amount: 123_400_000, detail: notice }
    await expect(channel.verify(get(signed(notice)))).resolves.toEqual(paid)
    await expect(channel.verify(post(signed(notice)))).resolves.toEqual(paid)
  })

  it('checks a return without the order parameter our return URL carries itself', async () => {
    const back = get({ order: order.number, ...signed(notice) })
    await expect(channel.verify(back)).resolves.toMatchObject({ kind: 'paid', detail: notice })
  })

  it('reads one-decimal and whole amounts', async () => {
    await expect(channel.verify(get(signed({ ...notice, money: '0.5' })))).resolves.toMatchObject({ amount: 500_000 })
    await expect(channel.verify(get(signed({ ...notice, money: '10' })))).resolves.toMatchObject({ amount: 10_000_000 })
  })

  it('ignores a signed notice of a trade that is not paid', async () => {
    await expect(channel.verify(get(signed({ ...notice, trade_status: 'WAIT_BUYER_PAY' })))).resolves.toMatchObject({ kind: 'ignored', orderNumber: order.number })
  })

  it('refuses a wrong signature, another key, another merchant or an unreadable amount', async () => {
    await expect(channel.verify(get({ ...signed(notice), money: '1.00' }))).rejects.toBeInstanceOf(ForgedCallback)
    await expect(channel.verify(get(signed(notice, 'guessed')))).rejects.toBeInstanceOf(ForgedCallback)
    await expect(channel.verify(get(notice))).rejects.toBeInstanceOf(ForgedCallback)
    await expect(channel.verify(get(signed({ ...notice, pid: '1002' })))).rejects.toThrow('not ours')
    await expect(channel.verify(get(signed({ ...notice, money: '1e3' })))).rejects.toBeInstanceOf(ForgedCallback)
    await expect(channel.verify(get({ ...signed(notice), sign_type: 'RSA' }))).rejects.toBeInstanceOf(ForgedCallback)
  })

  it('answers success to stop the retries, fail otherwise', async () => {
    expect(await channel.acknowledge(true).text()).toBe('success')
    expect(await channel.acknowledge(false).text()).toBe('fail')
  })

  it('has no refund: Epay gateways share no refund API', () => {
    expect(channel.refund).toBeUndefined()
  })
})

describe('Epay settings', () => {
  const secrets = createSecrets(undefined, 'unit-test-secret')
  const settings = (epay: Partial<NonNullable<PaymentSettings['epay']>>) =>
    ({ epay: { enabled: true, gateway: 'https://pay.example.com/', pid: '1001', key: secrets.seal(KEY), types: ['alipay'], ...epay } }) as PaymentSettings

  it('builds the channel with the opened key once enabled and complete', async () => {
    const channel = epayFromSettings(settings({}), secrets)!
    await expect(channel.verify(get(signed(notice)))).resolves.toMatchObject({ kind: 'paid' })
  })

  it('gives no channel while disabled or incomplete', () => {
    for (const incomplete of [{ enabled: false }, { gateway: '' }, { pid: null }, { key: null }, { types: [] }]) {
      expect(epayFromSettings(settings(incomplete), secrets)).toBeUndefined()
    }
  })
})
