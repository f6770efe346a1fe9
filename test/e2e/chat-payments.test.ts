/**
 * Paying from the chat app's wallet in a real browser, against a local Epay gateway that checks
 * our signatures: a top-up and a plan, each opened on the gateway's page, paid by the gateway's
 * signed callback, and seen arriving in the wallet without a reload.
 */
import { randomBytes } from 'node:crypto'
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync, type WriteStream } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Browser, BrowserContext, Page } from 'playwright-core'

import { ARTIFACTS, buildOnce, chromiumAvailable, openBrowser, ROOT, startApp, type AppProcess } from '../helpers/browser-app'
import { startFakeEpay, type FakeEpay } from '../helpers/fake-epay'

const ADMIN_EMAIL = 'pay-e2e@modelgate.test'
const ADMIN_PASSWORD = `e2e-${randomBytes(9).toString('base64url')}`
const CUSTOMER_EMAIL = 'buyer@modelgate.test'
const CUSTOMER_PASSWORD = 'customer-password-1'
const PID = '1001'
const KEY = randomBytes(16).toString('hex')

const suite = chromiumAvailable('the chat payments browser suite') ? describe : describe.skip

suite('paying from the chat app wallet through Epay (production build)', () => {
  let tempDir: string
  let serverLog: WriteStream
  let app: AppProcess
  let fake: FakeEpay
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let adminToken: string
  const pageErrors: string[] = []

  async function api(pathname: string, init: RequestInit & { token?: string } = {}) {
    const { token = adminToken, ...rest } = init
    const res = await fetch(`${app.baseUrl}${pathname}`, { ...rest, headers: { 'content-type': 'application/json', authorization: `JWT ${token}` } })
    const text = await res.text()
    if (res.status >= 300) throw new Error(`${init.method ?? 'GET'} ${pathname} answered ${res.status}: ${text}`)
    return JSON.parse(text) as Record<string, any>
  }

  async function step(name: string, body: () => Promise<void>) {
    try {
      await body()
    } catch (error) {
      await page.screenshot({ path: path.join(ARTIFACTS, `pay-failed-${name}.png`), fullPage: true }).catch(() => {})
      writeFileSync(path.join(ARTIFACTS, `pay-failed-${name}.html`), await page.content().catch(() => ''))
      throw error
    }
    expect(pageErrors).toEqual([])
  }

  /** Clicks a pay button, follows the gateway page it opens, and has the gateway call back. */
  async function payThroughGateway(button: RegExp) {
    const gatewayPage = context.waitForEvent('page')
    await page.getByRole('button', { name: button }).click()
    const gateway = await gatewayPage
    await gateway.waitForLoadState()
    expect(await gateway.content()).toContain('收银台')
    const dialog = page.getByRole('dialog')
    const number = /MG\d+/.exec(await dialog.innerText())![0]
    await gateway.close()
    expect(fake.orders.get(number)).toBeDefined()
    expect(await fake.pay(number)).toEqual([{ status: 200, body: 'success' }])
    // The wallet polls the order and says so once the callback has paid it.
    await dialog.getByRole('status').getByText('Paid').waitFor({ state: 'visible', timeout: 15_000 })
    await dialog.getByRole('button', { name: 'Close' }).click()
    return number
  }

  beforeAll(async () => {
    if (process.cwd() !== ROOT) throw new Error(`run the e2e suite from the repository root (${ROOT})`)
    mkdirSync(ARTIFACTS, { recursive: true })
    await buildOnce()
    tempDir = mkdtempSync(path.join(tmpdir(), 'modelgate-pay-e2e-'))
    serverLog = createWriteStream(path.join(ARTIFACTS, 'pay-server.log'))
    fake = await startFakeEpay({ [PID]: KEY })
    app = await startApp({ databaseFile: path.join(tempDir, 'modelgate.db'), log: serverLog, adminEmail: ADMIN_EMAIL, adminPassword: ADMIN_PASSWORD })

    const login = await fetch(`${app.baseUrl}/api/admins/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }) })
    adminToken = ((await login.json()) as { token: string }).token
    await api('/api/globals/payment-settings', { method: 'POST', body: JSON.stringify({ epay: { enabled: true, gateway: fake.url, pid: PID, key: KEY, types: ['alipay', 'wxpay'] } }) })
    const resource = await api('/api/plan-resources', { method: 'POST', body: JSON.stringify({ name: 'Chat requests', models: ['*'], meter: 'requests', limit: 500 }) })
    await api('/api/plans', { method: 'POST', body: JSON.stringify({ name: 'Starter', resources: [resource.doc.id], periodUnit: 'months', periodLength: 1, price: 20_000_000, onSale: true }) })
    await api('/api/users', { method: 'POST', body: JSON.stringify({ email: CUSTOMER_EMAIL, password: CUSTOMER_PASSWORD, _verified: true }) })

    ;({ browser, context, page } = await openBrowser(app.baseUrl))
    // The gateway is a second local server: let the browser reach it as a customer's would.
    await context.route((url) => url.host === new URL(fake.url).host, (route) => route.continue())
    page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message))
    const customer = await fetch(`${app.baseUrl}/api/users/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: CUSTOMER_EMAIL, password: CUSTOMER_PASSWORD }) })
    const { token } = (await customer.json()) as { token: string }
    await context.addCookies([{ name: 'payload-token', value: token, url: app.baseUrl }])
  }, 15 * 60_000)

  afterAll(async () => {
    await browser?.close().catch(() => {})
    await app?.stop()
    await fake?.close()
    await new Promise<void>((resolve) => (serverLog ? serverLog.end(() => resolve()) : resolve()))
    if (tempDir) rmSync(tempDir, { recursive: true, force: true })
  }, 60_000)

  it('tops up 50 through the gateway and shows the new balance', async () => {
    await step('top-up', async () => {
      await page.goto(`${app.baseUrl}/#wallet`)
      // A dash until the balances have loaded.
      await page.getByTestId('balance-cash').getByText('0.00').waitFor({ state: 'visible' })
      await page.getByRole('radio', { name: '50.00 CNY', exact: true }).check()
      const number = await payThroughGateway(/^Pay with Epay$/)
      await page.getByTestId('balance-cash').getByText('50.00').waitFor({ state: 'visible', timeout: 15_000 })
      await page.screenshot({ path: path.join(ARTIFACTS, 'pay-01-topped-up.png'), fullPage: true })
      const orders = await api(`/api/orders?where[number][equals]=${number}`)
      expect(orders.docs[0]).toMatchObject({ status: 'paid', channel: 'epay', payable: 50_000_000 })
    })
  }, 180_000)

  it('buys a plan through the gateway and shows it among the active plans', async () => {
    await step('plan', async () => {
      await payThroughGateway(/^Pay with Epay: Starter$/)
      await page.getByText('Starter').first().waitFor({ state: 'visible' })
      const subscriptions = await api('/api/subscriptions?depth=0')
      expect(subscriptions.docs.some((s: { status: string }) => s.status === 'active')).toBe(true)
      // The cash paid for the plan passed through the wallet: the balance is unchanged.
      expect(await page.getByTestId('balance-cash').innerText()).toContain('50.00')
      await page.screenshot({ path: path.join(ARTIFACTS, 'pay-02-plan-bought.png'), fullPage: true })
    })
  }, 180_000)

  it('claims a coupon by its code and pays less for a top-up, the discount arriving as gift money', async () => {
    await api('/api/coupons', { method: 'POST', body: JSON.stringify({ name: 'Welcome five', code: 'WELCOME5', kind: 'fixed', amount: 5_000_000, published: true }) })
    await step('coupon', async () => {
      await page.getByLabel('Coupon code').fill('WELCOME5')
      await page.getByRole('button', { name: 'Claim' }).click()
      await page.getByText('Claimed Welcome five.').waitFor({ state: 'visible' })
      expect(await page.getByRole('radio', { name: /Welcome five/ }).isChecked()).toBe(true)
      await page.getByRole('radio', { name: '100.00 CNY', exact: true }).check()
      const number = await payThroughGateway(/^Pay with Epay$/)
      expect(fake.orders.get(number)!.money).toBe('95.00')
      await page.getByTestId('balance-cash').getByText('145.00').waitFor({ state: 'visible', timeout: 15_000 })
      await page.getByTestId('balance-gift').getByText('5.00').waitFor({ state: 'visible' })
      // The coupon is spent: it is no longer offered.
      await page.getByRole('radio', { name: /Welcome five/ }).waitFor({ state: 'detached' })
      await page.screenshot({ path: path.join(ARTIFACTS, 'pay-03-coupon.png'), fullPage: true })
    })
  }, 180_000)
})
