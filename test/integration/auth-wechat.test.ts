import { randomBytes } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { postScan, signedQuery, startFakeWechat, type FakeWechat, type ScanEvent } from '../helpers/fake-wechat'
import { rest, type Rest } from '../helpers/rest'
import { codeAt, enableSecondFactor, wrongCodeFor } from '../helpers/second-factor'
import { startTestServer, type TestServer } from '../helpers/server'

/**
 * Scan-to-follow sign-in: the browser asks for a QR code, WeChat (a local fake speaking its wire
 * format) reports the scan to our callback, the browser's poll gets the session once.
 */

const TOKEN = 'wechat-server-token-123'

let server: TestServer
let wechat: FakeWechat
let callbackUrl: string

async function settings(data: Record<string, unknown>) {
  await server.payload.updateGlobal({ slug: 'auth-settings', data })
}

const newOpenId = () => `o${randomBytes(14).toString('base64url')}`

async function requestQr(body: Record<string, unknown> = {}): Promise<Rest> {
  return rest(server.baseUrl, '/api/auth/wechat/qrcode', { method: 'POST', body: JSON.stringify(body) })
}

/** A pending sign-in: the scene the browser holds. */
async function newScene(body: Record<string, unknown> = {}): Promise<string> {
  const qr = await requestQr(body)
  expect(qr.status).toBe(200)
  return qr.body.scene as string
}

const poll = (scene: string) => rest(server.baseUrl, `/api/auth/wechat/status/${scene}`)

async function scan(scene: string, openId: string, event: ScanEvent['event'] = 'subscribe', token = TOKEN): Promise<Rest> {
  return postScan(callbackUrl, token, { event, openId, scene })
}

/** QR code, scan, poll: what the browser gets in the end. */
async function signInWith(openId: string, event: ScanEvent['event'] = 'subscribe'): Promise<Rest> {
  const scene = await newScene()
  expect((await scan(scene, openId, event)).text).toBe('success')
  return poll(scene)
}

const accountsWith = async (openId: string) =>
  (await server.payload.find({ collection: 'users', where: { wechatOpenId: { equals: openId } }, depth: 0 })).docs

const signInRow = async (scene: string) =>
  (await server.payload.find({ collection: 'wechat-sign-ins', where: { scene: { equals: scene } }, depth: 0 })).docs[0]!

beforeAll(async () => {
  ;[server, wechat] = await Promise.all([startTestServer(), startFakeWechat()])
  callbackUrl = `${server.baseUrl}/api/auth/wechat/callback`
  await settings({
    wechatSignIn: true,
    registrationOpen: true,
    // Every call here comes from one address; the per-IP limit has its own suite.
    authRequestsPerMinute: 0,
    wechat: { appId: wechat.appId, appSecret: wechat.appSecret, token: TOKEN, apiBaseUrl: wechat.baseUrl, qrExpireSeconds: 600 },
  })
}, 120_000)

afterAll(async () => {
  await server?.close()
  await wechat?.close()
})

describe('signing in by scanning', () => {
  const openId = newOpenId()
  let accountId: string

  it('asks WeChat for a temporary QR code carrying an unguessable scene', async () => {
    const qr = await requestQr()
    expect(qr.status).toBe(200)
    expect(qr.body.scene).toMatch(/^[\w-]{32}$/)
    expect(qr.body.expiresIn).toBe(600)
    expect(qr.body.qrUrl).toBe(`https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=${encodeURIComponent(qr.body.ticket)}`)
    expect(wechat.qrRequests.at(-1)).toEqual({ scene: qr.body.scene, expireSeconds: 600, errcode: 0 })
    expect((await poll(qr.body.scene)).body).toEqual({ status: 'pending' })
  })

  it('signs a new follower in with a new account, and its token works', async () => {
    const scene = await newScene()
    const answer = await scan(scene, openId)
    expect(answer.status).toBe(200)
    expect(answer.text).toBe('success')
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain/)

    const signedIn = await poll(scene)
    expect(signedIn.status).toBe(200)
    expect(signedIn.body).toMatchObject({ status: 'signed-in', user: { wechatOpenId: openId } })
    expect(signedIn.body.user.referralCode).toMatch(/^[A-Z2-9]{8}$/)
    expect(signedIn.body.user.email).toBeFalsy()
    expect(signedIn.body.user.totpSecret).toBeUndefined()
    expect(signedIn.headers.get('set-cookie')).toContain(signedIn.body.token)
    accountId = signedIn.body.user.id

    const me = await rest(server.baseUrl, '/api/users/me', { token: signedIn.body.token })
    expect(me.body.user).toMatchObject({ id: accountId, wechatOpenId: openId })
    expect((await signInRow(scene)).status).toBe('consumed')
  })

  it("signs a returning follower's SCAN into the same account", async () => {
    const signedIn = await signInWith(openId, 'SCAN')
    expect(signedIn.body).toMatchObject({ status: 'signed-in', user: { id: accountId } })
    expect(await accountsWith(openId)).toHaveLength(1)
  })

  it('gives the session once: a second poll or a repeated scan signs nobody in again', async () => {
    const scene = await newScene()
    await scan(scene, openId, 'SCAN')
    const polls = await Promise.all([poll(scene), poll(scene)])
    expect(polls.filter((p) => typeof p.body.token === 'string')).toHaveLength(1)

    const again = await poll(scene)
    expect(again.status).toBe(200)
    expect(again.body).toEqual({ status: 'expired', reason: expect.stringContaining('already used') })
    expect((await scan(scene, openId, 'SCAN')).text).toBe('success')
    expect((await poll(scene)).body.token).toBeUndefined()
  })

  it('asks a customer with the second factor on for its code before the scan gives a session', async () => {
    const follower = newOpenId()
    const secret = await enableSecondFactor(server.baseUrl, (await signInWith(follower)).body.token)
    const scene = await newScene()
    await scan(scene, follower, 'SCAN')
    expect((await poll(scene)).body).toEqual({ status: 'second-factor' })
    const answer = (body: Record<string, unknown>) => rest(server.baseUrl, `/api/auth/wechat/status/${scene}`, { method: 'POST', body: JSON.stringify(body) })
    const wrong = await answer({ totp: wrongCodeFor(secret) })
    expect(wrong.status).toBe(401)
    expect(wrong.body.errors[0].data).toEqual({ code: 'totp_invalid' })
    expect((await signInRow(scene)).status).toBe('signed-in')
    const right = await answer({ totp: codeAt(secret, 0) })
    expect(right.status).toBe(200)
    expect(right.body).toMatchObject({ status: 'signed-in', token: expect.any(String) })
    expect((await rest(server.baseUrl, '/api/users/second-factor', { token: right.body.token })).body).toMatchObject({ verified: true })
    expect((await poll(scene)).body).toEqual({ status: 'expired', reason: expect.stringContaining('already used') })
  })

  it('gives a new account the referrer of the code sent with the QR request', async () => {
    const referrer = await server.payload.findByID({ collection: 'users', id: accountId, depth: 0 })
    const scene = await newScene({ referral: referrer.referralCode!.toLowerCase() })
    await scan(scene, newOpenId())
    const signedIn = await poll(scene)
    expect(signedIn.body.user.referredBy).toBe(accountId)

    const unknown = await requestQr({ referral: 'NOSUCH22' })
    expect(unknown.status).toBe(400)
    expect(unknown.body.errors[0].message).toBe('That referral code does not exist.')
  })
})

describe("WeChat's calls to the server URL", () => {
  it('echoes echostr when WeChat checks the server URL, and refuses a wrong signature', async () => {
    const checked = await rest(server.baseUrl, `/api/auth/wechat/callback?${signedQuery(TOKEN)}&echostr=7315481839548207392`)
    expect(checked.status).toBe(200)
    expect(checked.text).toBe('7315481839548207392')
    expect(checked.headers.get('content-type')).toMatch(/^text\/plain/)

    const forged = await rest(server.baseUrl, `/api/auth/wechat/callback?${signedQuery('not-the-token')}&echostr=forged-echo`)
    expect(forged.status).toBe(401)
    expect(forged.text).not.toContain('forged-echo')
  })

  it('refuses a forged or replayed scan with 401, records it and changes nothing', async () => {
    const scene = await newScene()
    const openId = newOpenId()
    const rejections = async () =>
      (await server.payload.find({ collection: 'audit-logs', where: { action: { equals: 'rejected' }, collectionSlug: { equals: 'wechat-sign-ins' } }, limit: 0 })).docs
    const before = (await rejections()).length

    expect((await scan(scene, openId, 'subscribe', 'not-the-token')).status).toBe(401)
    const replayed = await postScan(callbackUrl, TOKEN, { event: 'subscribe', openId, scene, timestamp: Math.floor(Date.now() / 1000) - 301 })
    expect(replayed.status).toBe(401)

    const recorded = await rejections()
    expect(recorded).toHaveLength(before + 2)
    expect(recorded[0]).toMatchObject({ actorType: 'system', ip: '127.0.0.1', summary: expect.stringContaining('POST callback') })
    expect((await poll(scene)).body).toEqual({ status: 'pending' })
    expect(await accountsWith(openId)).toHaveLength(0)
  })

  it('answers success to a scan of a code we never made, and signs nobody up', async () => {
    const openId = newOpenId()
    expect((await scan('no-such-scene', openId)).text).toBe('success')
    expect(await accountsWith(openId)).toHaveLength(0)
  })
})

describe('scans that sign nobody in', () => {
  it('ignores a scan of an expired code, and the browser is told it expired', async () => {
    const scene = await newScene()
    await server.payload.update({ collection: 'wechat-sign-ins', where: { scene: { equals: scene } }, data: { expiresAt: new Date(Date.now() - 1000).toISOString() } })
    const openId = newOpenId()
    expect((await scan(scene, openId)).text).toBe('success')
    expect((await poll(scene)).body).toEqual({ status: 'expired' })
    expect(await accountsWith(openId)).toHaveLength(0)
  })

  it('refuses a new WeChat account while registration is closed, but signs a known one in', async () => {
    const known = newOpenId()
    expect((await signInWith(known)).body.status).toBe('signed-in')
    await settings({ registrationOpen: false })
    try {
      const stranger = newOpenId()
      const refused = await signInWith(stranger)
      expect(refused.body).toEqual({ status: 'refused', reason: expect.stringContaining('Sign-up is closed') })
      expect(await accountsWith(stranger)).toHaveLength(0)
      expect((await signInWith(known, 'SCAN')).body.status).toBe('signed-in')
    } finally {
      await settings({ registrationOpen: true })
    }
  })

  it('refuses a frozen account with the reason', async () => {
    const openId = newOpenId()
    const { body } = await signInWith(openId)
    await server.payload.update({ collection: 'users', id: body.user.id, data: { frozen: true, frozenReason: 'unpaid invoice' } })
    const refused = await signInWith(openId, 'SCAN')
    expect(refused.body).toEqual({ status: 'refused', reason: 'This account is frozen: unpaid invoice' })
  })

  it('answers 403 method_disabled while WeChat sign-in is off, and ignores scans meanwhile', async () => {
    const scene = await newScene()
    const openId = newOpenId()
    await settings({ wechatSignIn: false })
    try {
      for (const res of [await requestQr(), await poll(scene)]) {
        expect(res.status).toBe(403)
        expect(res.body.errors[0].data.code).toBe('method_disabled')
      }
      // WeChat would tell the follower the account is out of order after anything but success.
      expect((await scan(scene, openId)).text).toBe('success')
    } finally {
      await settings({ wechatSignIn: true })
    }
    expect((await poll(scene)).body).toEqual({ status: 'pending' })
    expect(await accountsWith(openId)).toHaveLength(0)
  })
})

describe("WeChat's access token", () => {
  it('is kept between QR codes and taken anew once WeChat calls it invalid', async () => {
    await newScene()
    const before = wechat.tokenRequests
    await newScene()
    await newScene()
    expect(wechat.tokenRequests).toBe(before)

    wechat.retireTokens()
    await newScene()
    expect(wechat.tokenRequests).toBe(before + 1)
    expect(wechat.qrRequests.slice(-2).map((r) => r.errcode)).toEqual([40001, 0])
  })

  it("passes WeChat's refusal on to the operator when the AppSecret is wrong", async () => {
    await settings({ wechat: { appSecret: 'a-wrong-app-secret' } })
    try {
      const qr = await requestQr()
      expect(qr.status).toBe(502)
      expect(qr.body.errors[0].message).toContain('invalid appsecret (errcode 40125)')
    } finally {
      await settings({ wechat: { appSecret: wechat.appSecret } })
    }
  })
})
