import { createCipheriv, createPublicKey, createVerify, generateKeyPairSync } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { createSecrets } from '../../src/lib/secrets'
import { ForgedCallback, type IncomingCallback, type PaymentChannel } from '../../src/payments/channel'
import type { PaymentSettings } from '../../src/payments/settings'
import { chinaTime, wechatPayChannel, wechatPayFromSettings, WechatPayError } from '../../src/payments/channels/wechat-pay'
import {
  authorizationHeader,
  decryptResource,
  requestMessage,
  responseMessage,
  signSha256WithRsa,
  wechatSignatureProblem,
} from '../../src/payments/channels/wechat-pay-signing'
import { startFakeWechatPay, type FakeWechatPay, type Notification } from '../helpers/fake-wechat-pay'

// wechatpay-go's published SHA256withRSA vector (utils/sign_test.go): its test key signs "source".
const GO_SDK_TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDZUJN33V+dSfvd
fL0Mu+39XrZNXFFMQSy1V15FpncHeV47SmV0TzTqZc7hHB0ddqAdDi8Z5k3TKqb7
6sOwYr5TcAfuR6PIPaleyE0/0KrljBum2Isa2Nyq7Dgc3ElBQ6YN4l/a+DpvKaz1
FSKmKrhLNskqokWVSlu4g8OlKlbPXQ9ibII14MZRQrrkTmHYHzfi7GXXM0thAKuR
0HNvyhTHBh4/lrYM3GaMvmWwkwvsMavnOex6+eioZHBOb1/EIZ/LzC6zuHArPpyW
3daGaZ1rtQB1vVzTyERAVVFsXXgBHvfFud3w3ShsJYk8JvMwK2RpJ5/gV0QSARcm
LDRUAlPzAgMBAAECggEBAMc7rDeUaXiWv6bMGbZ3BTXpg1FhdddnWUnYE8HfX/km
OFI7XtBHXcgYFpcjYz4D5787pcsk7ezPidAj58zqenuclmjKnUmT3pfbI5eCA2v4
C9HnbYDrmUPK1ZcADtka4D6ScDccpNYNa1g2TFHzkIrEa6H+q7S3O2fqxY/DRVtN
0JIXalBb8daaqL5QVzSmM2BMVnHy+YITJWIkP2a3pKs9C0W65JGDsnG0wVrHinHF
+cnhFZIbaPEI//DAFMc9NkrWOKVRTEgcCUxCFaHOZVNxDWZD7A2ZfJB2rK6eg//y
gEiFDR2h6mTaDowMB4YF2n2dsIO4/dCG8vPHI20jn4ECgYEA/ZGu6lEMlO0XZnam
AZGtiNgLcCfM/C2ZERZE7QTRPZH1WdK92Al9ndldsswFw4baJrJLCmghjF/iG4zi
hhBvLnOLksnZUfjdumxoHDWXo2QBWbI5QsWIE7AuTiWgWj1I7X4fCXSQf6i+M/y2
6TogQ7d0ANpZFyOkTNMn/tiJvLECgYEA22XqlamG/yfAGWery5KNH2DGlTIyd6xJ
WtJ9j3jU99lZ0bCQ5xhiBbU9ImxCi3zgTsoqLWgA/p00HhNFNoUcTl9ofc0G3zwT
D1y0ZzcnVKxGJdZ6ohW52V0hJStAigtjYAsUgjm7//FH7PiQDBDP1Wa6xSRkDQU/
aSbQxvEE8+MCgYEA3bb8krW7opyM0XL9RHH0oqsFlVO30Oit5lrqebS0oHl3Zsr2
ZGgoBlWBsEzk3UqUhTFwm/DhJLTSJ/TQPRkxnhQ5/mewNhS9C7yua7wQkzVmWN+V
YeUGTvDGDF6qDz12/vJAgSwDDRym8x4NcXD5tTw7mmNRcwIfL22SkysThIECgYAV
BgccoEoXWS/HP2/u6fQr9ZIR6eV8Ij5FPbZacTG3LlS1Cz5XZra95UgebFFUHHtC
EY1JHJY7z8SWvTH8r3Su7eWNaIAoFBGffzqqSVazfm6aYZsOvRY6BfqPHT3p/H1h
Tq6AbBffxrcltgvXnCTORjHPglU0CjSxVs7awW3AEQKBgB5WtaC8VLROM7rkfVIq
+RXqE5vtJfa3e3N7W3RqxKp4zHFAPfr82FK5CX2bppEaxY7SEZVvVInKDc5gKdG/
jWNRBmvvftZhY59PILHO2X5vO4FXh7suEjy6VIh0gsnK36mmRboYIBGsNuDHjXLe
BDa+8mDLkWu5nHEhOxy2JJZl
-----END PRIVATE KEY-----`
const GO_SDK_SIGNATURE =
  'BKyAfU4iMCuvXMXS0Wzam3V/cnxZ+JaqigPM5OhljS2iOT95OO6Fsuml2JkFANJU9K6q9bLlDhPXuoVz+pp4hAm6pHU4ld815U4jsKu1RkyaII+1CYBUYC8TK0XtJ8FwUXXz8vZHh58rrAVN1XwNyvD1vfpxrMT4SL536GLwvpUHlCqIMzoZUguLl' +
  'i/K8V29QiOhuH6IEqLNJn8e9b3nwNcQ7be3CzYGpDAKBfDGPCqCv8Rw5zndhlffk2FEA70G4hvMwe51qMN/RAJbknXG23bSlObuTCN7Ndj1aJGH6/L+hdwfLpUtJm4QYVazzW7DFD27EpSQEqA8bX9+8m1rLg=='

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 })
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 })
const seconds = () => Math.floor(Date.now() / 1000)

function signedByWechat(body: string, timestamp: number, key = keys.privateKey): Headers {
  return new Headers({
    'wechatpay-timestamp': String(timestamp),
    'wechatpay-nonce': 'fdasflkja484w',
    'wechatpay-signature': signSha256WithRsa(responseMessage(String(timestamp), 'fdasflkja484w', body), key),
    'wechatpay-serial': '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
  })
}

describe('WeChat Pay API v3 signatures', () => {
  it("signs SHA256withRSA as wechatpay-go's published vector", () => {
    expect(signSha256WithRsa('source', GO_SDK_TEST_KEY)).toBe(GO_SDK_SIGNATURE)
  })

  it("builds the signed message as in WeChat's signing guide", () => {
    expect(requestMessage('GET', '/v3/certificates', '1554208460', '593BEC0C930BF1AFEB40B4A08C8FB242', '')).toBe(
      'GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n',
    )
    expect(responseMessage('1554209980', 'c5ac7061fccab6bf3e254dcf98995b8c', '{"a":1}')).toBe('1554209980\nc5ac7061fccab6bf3e254dcf98995b8c\n{"a":1}\n')
  })

  it('puts mchid, nonce, signature, timestamp and serial in the Authorization header', () => {
    const body = '{"appid":"wxd678efh567hg6787"}'
    const header = authorizationHeader(
      { mchId: '1900009191', serialNo: '1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C', privateKey: keys.privateKey },
      { method: 'POST', pathWithQuery: '/v3/pay/transactions/native', body, timestamp: '1554208460', nonce: '593BEC0C930BF1AFEB40B4A08C8FB242' },
    )
    const match = /^WECHATPAY2-SHA256-RSA2048 mchid="1900009191",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",signature="([^"]+)",timestamp="1554208460",serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"$/.exec(header)
    expect(match).not.toBeNull()
    const message = `POST\n/v3/pay/transactions/native\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n${body}\n`
    expect(createVerify('sha256').update(message).verify(keys.publicKey, match![1]!, 'base64')).toBe(true)
  })

  it("accepts only WeChat's fresh signature over the exact body", () => {
    const body = '{"id":"EV-2018022511223320873"}'
    const now = new Date()
    expect(wechatSignatureProblem(signedByWechat(body, seconds()), body, keys.publicKey, now)).toBeUndefined()
    expect(wechatSignatureProblem(signedByWechat(body, seconds()), `${body} `, keys.publicKey, now)).toMatch(/does not verify/)
    expect(wechatSignatureProblem(signedByWechat(body, seconds(), stranger.privateKey), body, keys.publicKey, now)).toMatch(/serial 5157F09E/)
    expect(wechatSignatureProblem(signedByWechat(body, seconds() - 301), body, keys.publicKey, now)).toMatch(/more than 5 minutes/)
    expect(wechatSignatureProblem(new Headers(), body, keys.publicKey, now)).toMatch(/missing/)
    const probe = signedByWechat(body, seconds())
    // WeChat sends probes signed "WECHATPAY/SIGNTEST/…" to check merchants really verify.
    probe.set('wechatpay-signature', 'WECHATPAY/SIGNTEST/aGVsbG8=')
    expect(wechatSignatureProblem(probe, body, keys.publicKey, now)).toMatch(/does not verify/)
  })

  it('opens an AEAD_AES_256_GCM resource and refuses a tampered one', () => {
    const key = Buffer.from('0123456789abcdef0123456789ABCDEF')
    const cipher = createCipheriv('aes-256-gcm', key, Buffer.from('fdasflkja484'))
    cipher.setAAD(Buffer.from('transaction'))
    const sealed = Buffer.concat([cipher.update('{"trade_state":"SUCCESS"}'), cipher.final(), cipher.getAuthTag()])
    const resource = { algorithm: 'AEAD_AES_256_GCM', ciphertext: sealed.toString('base64'), associated_data: 'transaction', nonce: 'fdasflkja484' }
    expect(decryptResource(key, resource)).toBe('{"trade_state":"SUCCESS"}')
    expect(() => decryptResource(key, { ...resource, associated_data: 'certificate' })).toThrow()
    sealed[0]! ^= 1
    expect(() => decryptResource(key, { ...resource, ciphertext: sealed.toString('base64') })).toThrow()
    expect(() => decryptResource(key, { ...resource, algorithm: 'AEAD_SM4_GCM' })).toThrow(/algorithm/)
  })

  it('writes time_expire in China time, to the second', () => {
    expect(chinaTime(new Date('2024-05-01T10:30:00.123Z'))).toBe('2024-05-01T18:30:00+08:00')
    expect(chinaTime(new Date('2024-12-31T20:00:00Z'))).toBe('2025-01-01T04:00:00+08:00')
  })
})

describe('WeChat Pay channel against the fake gateway', () => {
  let fake: FakeWechatPay
  let channel: PaymentChannel

  const order = (number: string, payable = 12_340_000) => ({
    id: number,
    number,
    payable,
    currency: 'CNY',
    subject: 'Top-up',
    returnUrl: 'http://127.0.0.1:1/return',
    notifyUrl: 'http://127.0.0.1:1/api/payments/wechat/notify',
    expiresAt: new Date(Date.now() + 30 * 60_000),
  })
  const callback = (notification: Notification): IncomingCallback => ({
    method: 'POST',
    headers: new Headers(notification.headers),
    query: new URLSearchParams(),
    body: notification.body,
  })
  const configOf = (f: FakeWechatPay) => ({
    mchId: f.mchId,
    appId: f.appId,
    serialNo: f.serialNo,
    privateKey: f.merchantPrivateKey,
    apiV3Key: f.apiV3Key,
    platformKey: f.platformPublicKey,
    apiBase: f.baseUrl,
  })

  beforeAll(async () => {
    fake = await startFakeWechatPay()
    channel = wechatPayChannel(configOf(fake))
  })
  afterAll(() => fake.close())

  it('starts a Native order with a signed request and returns its code_url', async () => {
    const start = await channel.start(order('MG20240501103000000001'))
    expect(start.qrCode).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/)
    expect(fake.requests.at(-1)).toMatchObject({ path: '/v3/pay/transactions/native', verified: true })
    expect(fake.orders.get('MG20240501103000000001')).toMatchObject({ total: 1234, appId: fake.appId, description: 'Top-up' })
  })

  it("refuses an answer WeChat's platform key did not sign", async () => {
    fake.forgeAnswers = true
    try {
      await expect(channel.start(order('MG20240501103000000002'))).rejects.toMatchObject({ code: 'UNVERIFIED_ANSWER' })
    } finally {
      fake.forgeAnswers = false
    }
  })

  it("carries WeChat's code when it refuses our signature", async () => {
    const other = wechatPayChannel({ ...configOf(fake), privateKey: stranger.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string })
    const error = await other.start(order('MG20240501103000000003')).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(WechatPayError)
    expect(error).toMatchObject({ status: 401, code: 'SIGN_ERROR' })
    expect(fake.requests.at(-1)).toMatchObject({ verified: false, problem: 'signature does not verify' })
  })

  it('refuses to collect another currency', async () => {
    await expect(channel.start({ ...order('MG20240501103000000004'), currency: 'USD' })).rejects.toThrow(/CNY only/)
  })

  it('reads a signed, encrypted TRANSACTION.SUCCESS as paid, in micro-units', async () => {
    await channel.start(order('MG20240501103000000005'))
    const notice = await channel.verify(callback(fake.notification('MG20240501103000000005')))
    expect(notice).toMatchObject({ kind: 'paid', orderNumber: 'MG20240501103000000005', amount: 12_340_000, currency: 'CNY' })
    expect(notice.kind === 'paid' && notice.transactionId).toMatch(/^4200000\d{21}$/)
    expect(JSON.stringify(notice.detail)).not.toContain(fake.apiV3Key)
  })

  it('refuses notifications that are forged, stale, sealed with another key or for another merchant', async () => {
    await channel.start(order('MG20240501103000000006'))
    const number = 'MG20240501103000000006'
    const tampered = fake.notification(number)
    const cases: [Notification, RegExp][] = [
      [fake.notification(number, { signingKey: stranger.privateKey }), /does not verify/],
      [{ ...tampered, body: tampered.body.replace('"TRANSACTION.SUCCESS"', '"TRANSACTION.SUCCESS" ') }, /does not verify/],
      [fake.notification(number, { timestamp: seconds() - 600 }), /more than 5 minutes/],
      [fake.notification(number, { apiV3Key: 'ffffffffffffffffffffffffffffffff' }), /does not decrypt/],
      [fake.notification(number, { mchId: '1230000109' }), /merchant 1230000109/],
    ]
    for (const [notification, reason] of cases) {
      const error = await channel.verify(callback(notification)).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(ForgedCallback)
      expect((error as Error).message).toMatch(reason)
    }
  })

  it('ignores a trade that is not SUCCESS', async () => {
    await channel.start(order('MG20240501103000000007'))
    const notice = await channel.verify(callback(fake.notification('MG20240501103000000007', { tradeState: 'REFUND' })))
    expect(notice).toMatchObject({ kind: 'ignored', orderNumber: 'MG20240501103000000007' })
  })

  it('answers 204 to stop retries, and 400 FAIL to ask for one', async () => {
    expect(channel.acknowledge(true).status).toBe(204)
    const refused = channel.acknowledge(false)
    expect(refused.status).toBe(400)
    expect(await refused.json()).toMatchObject({ code: 'FAIL' })
  })

  it('refunds through the API, reporting PROCESSING as pending and errors with their code', async () => {
    const number = 'MG20240501103000000008'
    await channel.start(order(number))
    fake.notification(number)
    const transactionId = fake.orders.get(number)!.transactionId!
    const input = { orderNumber: number, transactionId, amount: 2_000_000, total: 12_340_000, reason: 'duplicate', currency: 'CNY' }
    await expect(channel.refund!({ ...input, refundId: 'r-1' })).resolves.toMatchObject({ status: 'succeeded', channelRefundId: expect.stringMatching(/^50000\d{24}$/) })
    fake.refundStatus = 'PROCESSING'
    await expect(channel.refund!({ ...input, refundId: 'r-2' })).resolves.toMatchObject({ status: 'pending' })
    fake.refundStatus = 'SUCCESS'
    expect(fake.refunds.map((refund) => refund.refund)).toEqual([200, 200])
    await expect(channel.refund!({ ...input, refundId: 'r-3', amount: 12_340_000 })).rejects.toThrow(/INVALID_REQUEST/)
  })
})

describe('WeChat Pay settings', () => {
  const secrets = createSecrets(undefined, 'unit-test-secret-long-enough-0000')
  const keyPem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
  const complete = {
    enabled: true,
    mchId: '1900009191',
    appId: 'wxd678efh567hg6787',
    serialNo: '1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C',
    privateKey: secrets.seal(keyPem),
    apiV3Key: secrets.seal('0123456789abcdef0123456789abcdef'),
    platformCertificate: createPublicKey(keys.privateKey).export({ type: 'spki', format: 'pem' }) as string,
  }
  const settings = (wechat: Record<string, unknown>) => ({ currency: 'CNY', wechat }) as PaymentSettings

  it('builds the channel only when it is on and every credential is set', () => {
    expect(wechatPayFromSettings(settings(complete), secrets)?.id).toBe('wechat')
    expect(wechatPayFromSettings(settings({ ...complete, enabled: false }), secrets)).toBeUndefined()
    expect(wechatPayFromSettings(settings({ ...complete, apiV3Key: null }), secrets)).toBeUndefined()
    expect(wechatPayFromSettings(settings({ ...complete, platformCertificate: '' }), secrets)).toBeUndefined()
  })

  it('refuses an API v3 key that is not 32 characters', () => {
    expect(() => wechatPayFromSettings(settings({ ...complete, apiV3Key: secrets.seal('short') }), secrets)).toThrow(/32 characters/)
  })
})
