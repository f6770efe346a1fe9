/**
 * Signing in to the chat app by phone and by WeChat in a real browser, against local SMS and
 * WeChat servers that speak their wire formats: first sign-ins make the accounts, and once the
 * customer turns two-factor sign-in on, each screen asks for the authenticator's code too.
 */
import { randomBytes } from 'node:crypto'
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync, type WriteStream } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Browser, BrowserContext, Page } from 'playwright-core'

import { ARTIFACTS, buildOnce, chromiumAvailable, hydrated, openBrowser, ROOT, startApp, type AppProcess } from '../helpers/browser-app'
import { startFakeSms, type FakeSms } from '../helpers/fake-sms'
import { postScan, startFakeWechat, type FakeWechat } from '../helpers/fake-wechat'
import { codeAt, enableSecondFactor } from '../helpers/second-factor'

const ADMIN_EMAIL = 'sign-in-e2e@modelgate.test'
const ADMIN_PASSWORD = `e2e-${randomBytes(9).toString('base64url')}`
const SMS_KEY = { id: 'LTAI5tE2eSignIn', secret: randomBytes(15).toString('base64url') }
const WECHAT_TOKEN = 'wechat-e2e-token-123'
const PHONE = '13800138111'

const suite = chromiumAvailable('the chat sign-in browser suite') ? describe : describe.skip

suite('signing in to the chat app by phone and WeChat, with two-factor sign-in (production build)', () => {
  let tempDir: string
  let serverLog: WriteStream
  let app: AppProcess
  let sms: FakeSms
  let wechat: FakeWechat
  let browser: Browser
  let context: BrowserContext
  let page: Page
  const pageErrors: string[] = []

  async function step(name: string, body: () => Promise<void>) {
    try {
      await body()
    } catch (error) {
      await page.screenshot({ path: path.join(ARTIFACTS, `sign-in-failed-${name}.png`), fullPage: true }).catch(() => {})
      writeFileSync(path.join(ARTIFACTS, `sign-in-failed-${name}.html`), await page.content().catch(() => ''))
      throw error
    }
    expect(pageErrors).toEqual([])
  }

  /** The signed-out screen, on the tab of one sign-in method. */
  async function signedOutOn(tab: 'Phone' | 'WeChat') {
    await context.clearCookies()
    await page.goto(app.baseUrl)
    await hydrated(page, '[role="tablist"] button')
    await page.getByRole('tab', { name: tab }).click()
  }

  const signedIn = () => hydrated(page, '.composer textarea')
  const sessionToken = async () => (await context.cookies()).find((c) => c.name === 'payload-token')!.value

  async function phoneCodeEntered() {
    await page.getByLabel('Phone number').fill(PHONE)
    await page.getByRole('button', { name: 'Send code' }).click()
    await page.getByText('The code is on its way.').waitFor()
    await page.getByLabel('Code from the SMS').fill(sms.codeFor(PHONE))
    await page.getByRole('button', { name: 'Sign in' }).click()
  }

  /** Shows the QR code and has the fake WeChat report `openId` scanning it. */
  async function scanned(openId: string, event: 'subscribe' | 'SCAN') {
    const asked = wechat.qrRequests.length
    await page.getByRole('button', { name: 'Show the WeChat QR code' }).click()
    await page.getByAltText('WeChat QR code').waitFor()
    const { scene } = wechat.qrRequests[asked]!
    expect((await postScan(`${app.baseUrl}/api/auth/wechat/callback`, WECHAT_TOKEN, { event, openId, scene })).text).toBe('success')
  }

  beforeAll(async () => {
    if (process.cwd() !== ROOT) throw new Error(`run the e2e suite from the repository root (${ROOT})`)
    mkdirSync(ARTIFACTS, { recursive: true })
    await buildOnce()
    tempDir = mkdtempSync(path.join(tmpdir(), 'modelgate-sign-in-e2e-'))
    serverLog = createWriteStream(path.join(ARTIFACTS, 'sign-in-server.log'))
    ;[sms, wechat] = await Promise.all([startFakeSms({ [SMS_KEY.id]: SMS_KEY.secret }), startFakeWechat()])
    app = await startApp({ databaseFile: path.join(tempDir, 'modelgate.db'), log: serverLog, adminEmail: ADMIN_EMAIL, adminPassword: ADMIN_PASSWORD })

    const login = await fetch(`${app.baseUrl}/api/admins/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }) })
    const { token } = (await login.json()) as { token: string }
    const settings = await fetch(`${app.baseUrl}/api/globals/auth-settings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `JWT ${token}` },
      body: JSON.stringify({
        phoneSignIn: true,
        wechatSignIn: true,
        registrationOpen: true,
        sms: { provider: 'aliyun', accessKeyId: SMS_KEY.id, accessKeySecret: SMS_KEY.secret, signName: 'Modelgate', templateCode: 'SMS_465010001', endpoint: sms.url, resendSeconds: 0 },
        wechat: { appId: wechat.appId, appSecret: wechat.appSecret, token: WECHAT_TOKEN, apiBaseUrl: wechat.baseUrl, qrExpireSeconds: 600 },
      }),
    })
    expect(settings.status).toBe(200)

    ;({ browser, context, page } = await openBrowser(app.baseUrl))
    page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message))
  }, 15 * 60_000)

  afterAll(async () => {
    await browser?.close().catch(() => {})
    await app?.stop()
    await Promise.all([sms?.close(), wechat?.close()])
    await new Promise<void>((resolve) => (serverLog ? serverLog.end(() => resolve()) : resolve()))
    if (tempDir) rmSync(tempDir, { recursive: true, force: true })
  }, 60_000)

  it('signs a new phone up by SMS code, then asks for the authenticator code once it is on', async () => {
    await step('phone', async () => {
      await signedOutOn('Phone')
      await phoneCodeEntered()
      await signedIn()
      const secret = await enableSecondFactor(app.baseUrl, await sessionToken())

      await signedOutOn('Phone')
      await phoneCodeEntered()
      await page.getByRole('alert').filter({ hasText: 'authenticator' }).waitFor()
      await page.screenshot({ path: path.join(ARTIFACTS, 'sign-in-01-phone-second-factor.png'), fullPage: true })
      await page.getByLabel('6-digit code from your authenticator').fill(codeAt(secret, 0))
      await page.getByRole('button', { name: 'Sign in' }).click()
      await signedIn()
    })
  }, 180_000)

  it('signs a new follower up by WeChat scan, then asks for the authenticator code after the scan', async () => {
    const openId = `o${randomBytes(14).toString('base64url')}`
    await step('wechat', async () => {
      await signedOutOn('WeChat')
      await scanned(openId, 'subscribe')
      await signedIn()
      const secret = await enableSecondFactor(app.baseUrl, await sessionToken())

      await signedOutOn('WeChat')
      await scanned(openId, 'SCAN')
      await page.getByText('Scanned. This account has two-factor sign-in').waitFor({ timeout: 15_000 })
      await page.screenshot({ path: path.join(ARTIFACTS, 'sign-in-02-wechat-second-factor.png'), fullPage: true })
      await page.getByLabel('6-digit code from your authenticator').fill(codeAt(secret, 0))
      await page.getByRole('button', { name: 'Sign in' }).click()
      await signedIn()
    })
  }, 180_000)
})
