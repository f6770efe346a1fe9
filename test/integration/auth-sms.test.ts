import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import { startFakeSms, type FakeSms } from '../helpers/fake-sms'
import { rest, type Rest } from '../helpers/rest'
import { codeAt, enableSecondFactor, wrongCodeFor } from '../helpers/second-factor'
import { startTestServer, type TestServer } from '../helpers/server'

/**
 * Phone sign-in end to end: codes delivered through local Aliyun and Tencent stand-ins that check
 * our signatures, then verified into sessions. Every test uses its own phone and client address
 * (the server trusts X-Forwarded-For here), so limits never leak between tests.
 */

const ALIYUN = { id: 'LTAI5tTestKeyId', secret: 'aliyun-test-secret-0001' }
const TENCENT = { id: 'AKIDTestSecretId', secret: 'tencent-test-secret-0002' }

let server: TestServer
let fake: FakeSms
let numbers = 0

/** A fresh mainland number as a customer would type it, and its stored E.164 spelling. */
function newPhone() {
  const typed = `139${String(++numbers).padStart(8, '0')}`
  return { typed, stored: `+86${typed}` }
}
const newIp = () => `10.0.${Math.floor(numbers / 200)}.${(numbers++ % 200) + 1}`

type Provider = 'aliyun' | 'tencent'

/** The sign-in settings every test starts from; limits off unless a test sets them. */
async function configure(provider: Provider, overrides: { sms?: Record<string, unknown>; [key: string]: unknown } = {}) {
  const { sms, ...flags } = overrides
  const key = provider === 'aliyun' ? ALIYUN : TENCENT
  await server.payload.updateGlobal({
    slug: 'auth-settings',
    data: {
      phoneSignIn: true,
      registrationOpen: true,
      referrals: true,
      ...flags,
      sms: {
        provider,
        accessKeyId: key.id,
        accessKeySecret: key.secret,
        signName: 'Modelgate',
        templateCode: provider === 'aliyun' ? 'SMS_465010001' : '2001234',
        sdkAppId: '1400000001',
        region: 'ap-guangzhou',
        endpoint: fake.url,
        codeTtlSeconds: 300,
        resendSeconds: 0,
        perPhonePerDay: 0,
        perIpPerHour: 0,
        ...sms,
      },
    },
  })
}

const post = (path: string, body: Record<string, unknown>, ip = newIp()): Promise<Rest> =>
  rest(server.baseUrl, path, { method: 'POST', body: JSON.stringify(body), headers: { 'x-forwarded-for': ip } })
const send = (phone: string, ip?: string) => post('/api/auth/sms/send', { phone }, ip)
const verify = (phone: string, code: string, extra: Record<string, unknown> = {}) => post('/api/auth/sms/verify', { phone, code, ...extra })

/** The code the provider was asked to deliver to `phone` last (Aliyun receives it without +86). */
const deliveredCode = (phone: { typed: string; stored: string }) =>
  fake.messages.filter((m) => m.phone === phone.typed || m.phone === phone.stored).at(-1)?.code ?? ''

async function signIn(phone: { typed: string; stored: string }, extra: Record<string, unknown> = {}, typedAs = phone.typed): Promise<Rest> {
  expect((await send(typedAs)).status).toBe(200)
  return verify(typedAs, deliveredCode(phone), extra)
}

const errorOf = (res: Rest) => res.body.errors?.[0] as { message: string; data?: Record<string, any> }
const usersWithPhone = async (phone: string) => (await server.payload.count({ collection: 'users', where: { phone: { equals: phone } } })).totalDocs
const codesFor = async (phone: string) => (await server.payload.count({ collection: 'sms-codes', where: { phone: { equals: phone } } })).totalDocs

beforeAll(async () => {
  server = await startTestServer({ TRUST_PROXY: 'true' })
  fake = await startFakeSms({ [ALIYUN.id]: ALIYUN.secret, [TENCENT.id]: TENCENT.secret })
}, 120_000)

afterAll(async () => {
  await server?.close()
  await fake?.close()
})

describe.each<Provider>(['aliyun', 'tencent'])('signing in through %s', (provider) => {
  beforeAll(() => configure(provider))

  it('signs a new phone up, with a token that works, and finds the same account next time', async () => {
    const phone = newPhone()
    const sent = await send(phone.typed)
    expect(sent.status).toBe(200)
    expect(sent.body).toEqual({ sent: true, expiresIn: 300, resendIn: 0 })
    expect(fake.messages.at(-1)).toEqual({
      provider,
      phone: provider === 'aliyun' ? phone.typed : phone.stored,
      code: expect.stringMatching(/^\d{6}$/),
      signName: 'Modelgate',
      template: provider === 'aliyun' ? 'SMS_465010001' : '2001234',
    })

    const first = await verify(phone.typed, deliveredCode(phone))
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({ message: 'Signed in.', token: expect.any(String), exp: expect.any(Number), user: { phone: phone.stored } })
    expect(first.body.user.totpSecret).toBeUndefined()
    expect(first.headers.get('set-cookie')).toContain(first.body.token)

    const me = await rest(server.baseUrl, '/api/users/me', { token: first.body.token })
    expect(me.body.user).toMatchObject({ id: first.body.user.id, phone: phone.stored })
    const account = await server.payload.findByID({ collection: 'users', id: first.body.user.id, showHiddenFields: true })
    expect(account).toMatchObject({ _verified: true, referralCode: expect.stringMatching(/^[A-Z2-9]{8}$/) })

    const again = await signIn(phone, {}, `+86 ${phone.typed}`)
    expect(again.status).toBe(200)
    expect(again.body.user.id).toBe(first.body.user.id)
    expect(await usersWithPhone(phone.stored)).toBe(1)
  })

  it('answers 502 with the provider’s reason when it refuses our signature, and signs nobody in', async () => {
    await configure(provider, { sms: { accessKeySecret: 'not-the-real-secret' } })
    try {
      const phone = newPhone()
      const delivered = fake.messages.length
      const sent = await send(phone.typed)
      expect(sent.status).toBe(502)
      expect(errorOf(sent).message).toMatch(provider === 'aliyun' ? /SignatureDoesNotMatch/ : /AuthFailure\.SignatureFailure/)
      expect(errorOf(sent).message).toMatch(/Check the SMS settings/)
      expect(fake.messages.length).toBe(delivered)
      expect(await codesFor(phone.stored)).toBe(0)
      expect((await verify(phone.typed, '000000')).status).toBe(400)
      expect(await usersWithPhone(phone.stored)).toBe(0)
    } finally {
      await configure(provider)
    }
  })
})

it('in development, writes the code in the server log instead of sending it', async () => {
  await configure('aliyun', { sms: { provider: 'log' } })
  const logged = jest.spyOn(server.payload.logger, 'info')
  try {
    const phone = newPhone()
    const delivered = fake.messages.length
    expect((await send(phone.typed)).status).toBe(200)
    expect(fake.messages.length).toBe(delivered)
    const [entry] = logged.mock.calls.map(([fields]) => fields as { phone?: string; code?: string }).filter((fields) => fields?.phone === phone.stored)
    expect((await verify(phone.typed, entry.code!)).status).toBe(200)
  } finally {
    logged.mockRestore()
    await configure('aliyun')
  }
})

describe('codes', () => {
  beforeAll(() => configure('aliyun'))

  it('refuses a wrong code, and the right one after five wrong tries', async () => {
    const phone = newPhone()
    expect((await send(phone.typed)).status).toBe(200)
    const right = deliveredCode(phone)
    const wrong = right === '000000' ? '111111' : '000000'
    for (const left of [4, 3, 2, 1]) {
      const res = await verify(phone.typed, wrong)
      expect(res.status).toBe(400)
      expect(errorOf(res).message).toBe(`Wrong code. ${left} ${left === 1 ? 'try' : 'tries'} left.`)
    }
    expect(errorOf(await verify(phone.typed, wrong)).message).toMatch(/no tries left/)
    const late = await verify(phone.typed, right)
    expect(late.status).toBe(400)
    expect(errorOf(late).message).toMatch(/Too many wrong codes/)
    expect(await usersWithPhone(phone.stored)).toBe(0)
  })

  it('counts parallel guesses, so they get no more than five tries, and lets one sign-in spend a code', async () => {
    const phone = newPhone()
    expect((await send(phone.typed)).status).toBe(200)
    const right = deliveredCode(phone)
    const wrong = right === '000000' ? '111111' : '000000'
    const guesses = await Promise.all(Array.from({ length: 12 }, () => verify(phone.typed, wrong)))
    expect(guesses.every((res) => res.status === 400)).toBe(true)
    const { docs } = await server.payload.find({ collection: 'sms-codes', where: { phone: { equals: phone.stored } } })
    expect(Number(docs[0].attempts)).toBe(5)
    expect((await verify(phone.typed, right)).status).toBe(400)

    const racer = newPhone()
    expect((await send(racer.typed)).status).toBe(200)
    const racing = await Promise.all(Array.from({ length: 4 }, () => verify(racer.typed, deliveredCode(racer))))
    expect(racing.filter((res) => res.status === 200)).toHaveLength(1)
    expect(await usersWithPhone(racer.stored)).toBe(1)
  })

  it('refuses an expired code', async () => {
    const phone = newPhone()
    expect((await send(phone.typed)).status).toBe(200)
    await server.payload.update({ collection: 'sms-codes', where: { phone: { equals: phone.stored } }, data: { expiresAt: new Date(Date.now() - 1000).toISOString() } })
    const res = await verify(phone.typed, deliveredCode(phone))
    expect(res.status).toBe(400)
    expect(errorOf(res).message).toMatch(/expired/)
  })

  it('refuses a code used once already, and an earlier code once a new one is sent', async () => {
    const phone = newPhone()
    const first = await signIn(phone)
    expect(first.status).toBe(200)
    const reused = await verify(phone.typed, deliveredCode(phone))
    expect(reused.status).toBe(400)
    expect(errorOf(reused).message).toMatch(/already used/)

    expect((await send(phone.typed)).status).toBe(200)
    const older = deliveredCode(phone)
    expect((await send(phone.typed)).status).toBe(200)
    if (older !== deliveredCode(phone)) expect((await verify(phone.typed, older)).status).toBe(400)
    expect((await verify(phone.typed, deliveredCode(phone))).status).toBe(200)
  })

  it('refuses malformed phones and codes, and a phone that was sent nothing, with 400', async () => {
    const bad = await send('12345')
    expect(bad.status).toBe(400)
    expect(errorOf(bad).message).toMatch(/mobile number/)
    expect((await verify(newPhone().typed, '123456')).status).toBe(400)
    expect(errorOf(await verify(newPhone().typed, '12ab')).message).toMatch(/6-digit code/)
  })

  it('keeps only a hash of the code', async () => {
    const phone = newPhone()
    expect((await send(phone.typed)).status).toBe(200)
    const { docs } = await server.payload.find({ collection: 'sms-codes', where: { phone: { equals: phone.stored } }, showHiddenFields: true })
    expect(docs[0].codeHash).toMatch(/^[0-9a-f]{64}$/)
    expect(JSON.stringify(docs[0])).not.toContain(deliveredCode(phone))
  })
})

describe('limits', () => {
  afterAll(() => configure('aliyun'))

  it('makes a phone wait between codes', async () => {
    await configure('aliyun', { sms: { resendSeconds: 60 } })
    const phone = newPhone()
    const first = await send(phone.typed)
    expect(first.body.resendIn).toBe(60)
    const res = await send(phone.typed)
    expect(res.status).toBe(429)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(50)
    expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(60)
    expect(errorOf(res).message).toMatch(/Wait before asking/)
  })

  it('limits the codes a phone gets in a day', async () => {
    await configure('aliyun', { sms: { perPhonePerDay: 2 } })
    const phone = newPhone()
    expect((await send(phone.typed)).status).toBe(200)
    expect((await send(phone.typed)).status).toBe(200)
    const res = await send(phone.typed)
    expect(res.status).toBe(429)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(86_000)
  })

  it('limits the codes one address asks for in an hour', async () => {
    await configure('aliyun', { sms: { perIpPerHour: 2 } })
    const ip = newIp()
    expect((await send(newPhone().typed, ip)).status).toBe(200)
    expect((await send(newPhone().typed, ip)).status).toBe(200)
    const res = await send(newPhone().typed, ip)
    expect(res.status).toBe(429)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(3_500)
    expect((await send(newPhone().typed, newIp())).status).toBe(200)
  })
})

describe('who may sign in', () => {
  afterAll(() => configure('aliyun'))

  it('answers 403 method_disabled while phone sign-in is off', async () => {
    await configure('aliyun', { phoneSignIn: false })
    const phone = newPhone()
    for (const res of [await send(phone.typed), await verify(phone.typed, '123456')]) {
      expect(res.status).toBe(403)
      expect(errorOf(res).data?.code).toBe('method_disabled')
    }
    expect(fake.messages.some((m) => m.phone === phone.typed)).toBe(false)
  })

  it('with registration closed, signs existing customers in and refuses new phones', async () => {
    await configure('aliyun')
    const existing = newPhone()
    expect((await signIn(existing)).status).toBe(200)
    await configure('aliyun', { registrationOpen: false })
    expect((await signIn(existing)).status).toBe(200)

    const stranger = newPhone()
    const refused = await signIn(stranger)
    expect(refused.status).toBe(403)
    expect(errorOf(refused).data?.code).toBe('registration_closed')
    expect(await usersWithPhone(stranger.stored)).toBe(0)

    // The refused sign-in did not spend the code.
    await configure('aliyun')
    expect((await verify(stranger.typed, deliveredCode(stranger))).status).toBe(200)
  })

  it('finds a customer whose phone staff typed without +86', async () => {
    const phone = newPhone()
    const customer = await server.payload.create({ collection: 'users', data: { email: `${phone.typed}@sms.test`, password: 'staff-typed-123', phone: phone.typed } })
    const res = await signIn(phone)
    expect(res.status).toBe(200)
    expect(res.body.user.id).toBe(customer.id)
  })

  it('asks a customer with the second factor on for its code too, and keeps the SMS code good until it comes', async () => {
    await configure('aliyun')
    const phone = newPhone()
    const secret = await enableSecondFactor(server.baseUrl, (await signIn(phone)).body.token)
    expect((await send(phone.typed)).status).toBe(200)
    const code = deliveredCode(phone)
    const without = await verify(phone.typed, code)
    expect(without.status).toBe(401)
    expect(errorOf(without).data).toEqual({ code: 'totp_required' })
    const wrong = await verify(phone.typed, code, { totp: wrongCodeFor(secret) })
    expect(wrong.status).toBe(401)
    expect(errorOf(wrong).data).toEqual({ code: 'totp_invalid' })
    const right = await verify(phone.typed, code, { totp: codeAt(secret, 0) })
    expect(right.status).toBe(200)
    const status = await rest(server.baseUrl, '/api/users/second-factor', { token: right.body.token })
    expect(status.body).toEqual({ enabled: true, required: true, verified: true })
  })

  it('refuses a frozen account with 403 account_frozen', async () => {
    const phone = newPhone()
    const first = await signIn(phone)
    await server.payload.update({ collection: 'users', id: first.body.user.id, data: { frozen: true, frozenReason: 'unpaid invoice' } })
    const res = await signIn(phone)
    expect(res.status).toBe(403)
    expect(errorOf(res).data?.code).toBe('account_frozen')
    expect(res.body.token).toBeUndefined()
  })

  it('records the referrer of a new account, and a mistyped referral code costs no new SMS', async () => {
    const referrer = await signIn(newPhone())
    const { referralCode } = await server.payload.findByID({ collection: 'users', id: referrer.body.user.id })

    const phone = newPhone()
    const mistyped = await signIn(phone, { referral: 'NOSUCH22' })
    expect(mistyped.status).toBe(400)
    expect(errorOf(mistyped).message).toMatch(/referral code does not exist/)

    const res = await verify(phone.typed, deliveredCode(phone), { referral: referralCode!.toLowerCase() })
    expect(res.status).toBe(200)
    const account = await server.payload.findByID({ collection: 'users', id: res.body.user.id, depth: 0 })
    expect(account.referredBy).toBe(referrer.body.user.id)
  })
})
