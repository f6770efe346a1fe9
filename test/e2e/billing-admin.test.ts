/**
 * Billing in the admin panel, in a real browser: Debian's chromium (driven by playwright-core)
 * against the production build served by the real `src/server.ts` in a child process, on a fresh
 * SQLite file (see test/helpers/browser-app.ts).
 *
 * The super-admin credits a customer's cash through Billing → Ledger → Create new, sees the balance
 * in Billing → Wallets, sets the wallet's credit limit in its form, finds both in the audit log, and
 * saves a plan with a resource. The ledger form posts to adjustWalletEndpoint and the wallet form
 * patches through updateWalletEndpoint (src/endpoints/wallet-admin.ts), not Payload's own handlers,
 * so every write the page sends is recorded: a failing step reports what the browser sent and got.
 * Screenshots go to test-artifacts/e2e/billing-*.png (a screenshot, the page's HTML and the
 * recorded writes when a step fails); the server's output to test-artifacts/e2e/billing-server.log.
 *
 * Skipped with a notice when chromium is not installed (`apt-get install chromium`).
 */
import { randomBytes } from 'node:crypto'
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync, type WriteStream } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Browser, Page, Response } from 'playwright-core'

import { ARTIFACTS, type AppProcess, buildOnce, chromiumAvailable, hydrated, openBrowser, ROOT, startApp } from '../helpers/browser-app'

const ADMIN_EMAIL = 'billing-e2e@modelgate.test'
const ADMIN_PASSWORD = `e2e-${randomBytes(9).toString('base64url')}`
const CUSTOMER_EMAIL = `ann-${randomBytes(3).toString('hex')}@customer.test`
const AMOUNT = 2_500_000
const CREDIT_LIMIT = 5_000_000
const REASON = 'Bank transfer 42, received in full'
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'

const suite = chromiumAvailable('the billing admin browser suite') ? describe : describe.skip

/** One write the page sent to the API, as the browser saw it. */
type Exchange = { method: string; url: string; contentType: string; sent: string; status: number; received: string }

async function exchangeOf(response: Response): Promise<Exchange> {
  const request = response.request()
  const received = await response.text().catch((error: Error) => `(body unavailable: ${error.message})`)
  return {
    method: request.method(),
    url: request.url(),
    contentType: (await request.allHeaders())['content-type'] ?? '',
    sent: (request.postData() ?? '').slice(0, 2000),
    status: response.status(),
    received: received.slice(0, 2000),
  }
}

const describeExchange = (e: Exchange) =>
  `${e.method} ${e.url} (${e.contentType})\n  sent: ${e.sent}\n  got ${e.status}: ${e.received}`

/** A write (not a GET) to `path` under /api, exactly: the admin's lookups are POSTs to other paths. */
const writeTo = (method: string, pathname: string | RegExp) => (response: Response) => {
  const url = new URL(response.url())
  const matches = typeof pathname === 'string' ? url.pathname === pathname : pathname.test(url.pathname)
  return response.request().method() === method && matches
}

suite('billing in the admin panel, in a real browser (production build)', () => {
  let tempDir: string
  let serverLog: WriteStream
  let app: AppProcess
  let browser: Browser
  let page: Page
  let blocked = new Set<string>()
  const pageErrors: string[] = []
  /** Every non-GET request the page made to /api, with its answer. */
  const exchanges: Exchange[] = []
  let token: string
  let customerId: string
  let entryId: string | undefined
  let walletId: string | undefined

  /** Runs one browser step; when it fails, leaves a screenshot, the page's HTML and the API writes behind. */
  async function step(name: string, body: () => Promise<void>) {
    const firstExchange = exchanges.length
    try {
      await body()
    } catch (error) {
      await page.screenshot({ path: path.join(ARTIFACTS, `billing-failed-${name}.png`), fullPage: true }).catch(() => {})
      writeFileSync(path.join(ARTIFACTS, `billing-failed-${name}.html`), await page.content().catch(() => ''))
      const sent = exchanges.slice(firstExchange)
      writeFileSync(path.join(ARTIFACTS, `billing-failed-${name}.requests.json`), JSON.stringify(sent, null, 2))
      // The admin's lookups are form-encoded POSTs; the writes are what a failed save needs explained.
      const writes = sent.filter((e) => !/x-www-form-urlencoded/.test(e.contentType)).map(describeExchange)
      if (!(error instanceof Error) || writes.length === 0) throw error
      const detailed = new Error(`${error.message}\n\nWhat the page sent and got in this step:\n${writes.join('\n')}`)
      detailed.stack = [`Error: ${detailed.message}`, ...(error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line))].join('\n')
      throw detailed
    }
    expect(pageErrors).toEqual([])
  }

  async function api(pathname: string, init: RequestInit = {}) {
    const res = await fetch(`${app.baseUrl}${pathname}`, {
      ...init,
      headers: { 'content-type': 'application/json', authorization: `JWT ${token}`, ...(init.headers as Record<string, string>) },
    })
    const text = await res.text()
    if (res.status >= 300) throw new Error(`${init.method ?? 'GET'} ${pathname} answered ${res.status}: ${text}`)
    return JSON.parse(text) as Record<string, any>
  }

  async function shot(name: string) {
    await page.screenshot({ path: path.join(ARTIFACTS, `billing-${name}.png`), fullPage: true })
  }

  /** Opens a collection from the side menu, as staff do: `group` → `label`. */
  async function openFromMenu(group: string, slug: string) {
    const link = page.locator(`#nav-group-${group} a#nav-${slug}`)
    await link.waitFor({ state: 'attached' })
    // A closed menu stays in the page, inert.
    const closed = () => link.evaluate((element) => element.closest('[inert]') !== null)
    if (await closed()) {
      await hydrated(page, 'button.template-default__nav-toggler')
      await page.locator('button.template-default__nav-toggler').click()
      await page.waitForFunction((id) => document.getElementById(id)?.closest('[inert]') === null, `nav-${slug}`)
    }
    await link.click()
    await page.waitForURL((url) => url.pathname === `/admin/collections/${slug}`)
  }

  /** Picks `option` in the react-select of field `name` (they render on the client only, then open on click). */
  async function choose(name: string, option: string | RegExp) {
    await page.locator(`#field-${name} .rs__control`).click()
    await page.locator('.rs__option', { hasText: option }).first().click()
  }

  /** Waits until the input shows `value`; says what it shows instead when it does not. */
  async function expectValue(selector: string, value: string) {
    try {
      await page.waitForFunction(([sel, want]) => (document.querySelector(sel) as HTMLInputElement | null)?.value === want, [selector, value] as const, {
        timeout: 15_000,
      })
    } catch {
      throw new Error(`${selector} shows ${JSON.stringify(await page.locator(selector).inputValue().catch(() => '(missing)'))}, expected ${JSON.stringify(value)}`)
    }
  }

  /** Clicks Save and returns the write it sent, failing with the request and answer unless it is `status`. */
  async function save(method: string, pathname: string | RegExp, status: number): Promise<Exchange> {
    const [response] = await Promise.all([page.waitForResponse(writeTo(method, pathname)), page.locator('#action-save').click()])
    const exchange = await exchangeOf(response)
    if (exchange.status !== status) throw new Error(`Save answered ${exchange.status}, expected ${status}:\n${describeExchange(exchange)}`)
    return exchange
  }

  beforeAll(async () => {
    if (process.cwd() !== ROOT) throw new Error(`run the e2e suite from the repository root (${ROOT}), not ${process.cwd()}`)
    mkdirSync(ARTIFACTS, { recursive: true })
    // `next build --webpack` only when the sources changed since the last build (a few minutes).
    await buildOnce()

    tempDir = mkdtempSync(path.join(tmpdir(), 'modelgate-e2e-billing-'))
    serverLog = createWriteStream(path.join(ARTIFACTS, 'billing-server.log'))
    app = await startApp({ databaseFile: path.join(tempDir, 'modelgate.db'), log: serverLog, adminEmail: ADMIN_EMAIL, adminPassword: ADMIN_PASSWORD })

    // Setup over REST: the customer whose wallet the admin changes.
    const login = await fetch(`${app.baseUrl}/api/admins/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
    })
    expect(login.status).toBe(200)
    token = ((await login.json()) as { token: string }).token
    customerId = (await api('/api/users', { method: 'POST', body: JSON.stringify({ email: CUSTOMER_EMAIL, password: 'customer-password-1', name: 'Ann' }) })).doc.id

    ;({ browser, page, blocked } = await openBrowser(app.baseUrl))
    page.on('pageerror', (error) => pageErrors.push(`${error.name}: ${error.message} ${error.stack ?? ''} ${page.url()}`))
    page.on('response', (response) => {
      if (response.request().method() === 'GET' || !new URL(response.url()).pathname.startsWith('/api/')) return
      void exchangeOf(response).then((exchange) => exchanges.push(exchange))
    })
  }, 20 * 60_000)

  afterAll(async () => {
    if (blocked.size) console.info(`e2e: blocked requests to outside hosts: ${[...blocked].join(', ')}`)
    writeFileSync(path.join(ARTIFACTS, 'billing-requests.json'), JSON.stringify(exchanges, null, 2))
    await browser?.close().catch(() => {})
    await app?.stop()
    await new Promise<void>((resolve) => (serverLog ? serverLog.end(() => resolve()) : resolve()))
    if (tempDir) rmSync(tempDir, { recursive: true, force: true })
  }, 60_000)

  it('signs the super-admin in', async () => {
    await step('login', async () => {
      await page.goto(`${app.baseUrl}/admin`)
      await page.waitForURL((url) => url.pathname === '/admin/login')
      await hydrated(page, '#field-email')
      await page.locator('#field-email').fill(ADMIN_EMAIL)
      await page.locator('#field-password').fill(ADMIN_PASSWORD)
      await page.locator('form button[type="submit"]').click()
      await page.waitForURL((url) => url.pathname === '/admin')
      await page.locator('.dashboard .card__title', { hasText: /^Ledger$/ }).waitFor({ state: 'visible' })
      await shot('01-dashboard')
    })
  }, 120_000)

  it('credits cash through Billing → Ledger → Create new and shows the balance after', async () => {
    await step('ledger-adjustment', async () => {
      await openFromMenu('Billing', 'ledger-entries')
      await page.locator('a', { hasText: /^Create New$/i }).first().click()
      await page.waitForURL((url) => url.pathname === '/admin/collections/ledger-entries/create')
      await hydrated(page, '#field-amount')

      await choose('owner', CUSTOMER_EMAIL)
      await choose('bucket', /^cash$/)
      await page.locator('#field-amount').fill(String(AMOUNT))
      await page.locator('#field-note').fill(REASON)
      await shot('02-ledger-form')

      // The form posts multipart with the document as JSON in `_payload`; adjustWalletEndpoint answers {doc, message}.
      const sent = await save('POST', '/api/ledger-entries', 201)
      expect(sent.contentType).toMatch(/^multipart\/form-data/)
      expect(sent.sent).toContain('name="_payload"')
      const answer = JSON.parse(sent.received) as { doc: Record<string, unknown>; message: string }
      expect(answer.doc).toMatchObject({ owner: customerId, kind: 'adjustment', bucket: 'cash', amount: AMOUNT, balanceAfter: AMOUNT, note: REASON })
      entryId = String(answer.doc.id)

      await page.waitForURL((url) => url.pathname === `/admin/collections/ledger-entries/${entryId}`)
      await page.locator('.payload-toast-container').getByText(answer.message).waitFor({ state: 'visible' })
      expect(await page.locator('.payload-toast-container .toast-error').count()).toBe(0)
      await expectValue('#field-balanceAfter', String(AMOUNT))
      await expectValue('#field-amount', String(AMOUNT))
      await expectValue('#field-note', REASON)
      await shot('03-ledger-entry-saved')
    })
  }, 180_000)

  it('shows cash 2500000 in Billing → Wallets and saves a credit limit from the wallet form', async () => {
    expect(entryId).toBeDefined()
    await step('wallet', async () => {
      await openFromMenu('Billing', 'wallets')
      const row = page.locator('table tbody tr').filter({ hasText: CUSTOMER_EMAIL })
      await row.waitFor({ state: 'visible' })
      expect((await row.locator('.cell-cash').innerText()).trim()).toBe(String(AMOUNT))
      expect((await row.locator('.cell-creditLimit').innerText()).trim()).toBe('0')
      await shot('04-wallets')

      await row.locator('.cell-owner a').click()
      await page.waitForURL(new RegExp(`/admin/collections/wallets/${UUID}$`))
      walletId = new URL(page.url()).pathname.split('/').pop()
      await hydrated(page, '#field-creditLimit')
      await expectValue('#field-cash', String(AMOUNT))
      await page.locator('#field-creditLimit').fill(String(CREDIT_LIMIT))

      // The form sends the whole document; updateWalletEndpoint takes only the credit limit and the tier from it.
      const sent = await save('PATCH', `/api/wallets/${walletId}`, 200)
      expect(sent.contentType).toMatch(/^multipart\/form-data/)
      const answer = JSON.parse(sent.received) as { doc: Record<string, unknown>; message: string }
      expect(answer.doc).toMatchObject({ id: walletId, owner: customerId, cash: AMOUNT, creditLimit: CREDIT_LIMIT })
      await page.locator('.payload-toast-container').getByText(answer.message).waitFor({ state: 'visible' })
      expect(await page.locator('.payload-toast-container .toast-error').count()).toBe(0)
      await shot('05-wallet-saved')

      await page.reload()
      await hydrated(page, '#field-creditLimit')
      await expectValue('#field-creditLimit', String(CREDIT_LIMIT))
      await expectValue('#field-cash', String(AMOUNT))
    })
    expect(await api(`/api/wallets/${walletId}?depth=0`)).toMatchObject({ owner: customerId, cash: AMOUNT, gift: 0, credit: 0, creditLimit: CREDIT_LIMIT })
  }, 180_000)

  it('lists the adjustment and the credit limit in the audit log', async () => {
    expect(entryId).toBeDefined()
    expect(walletId).toBeDefined()
    await step('audit-log', async () => {
      await openFromMenu('System', 'audit-logs')
      for (const [documentId, action, collectionSlug] of [
        [entryId!, 'create', 'ledger-entries'],
        [walletId!, 'update', 'wallets'],
      ]) {
        const row = page.locator('table tbody tr').filter({ hasText: documentId })
        await row.waitFor({ state: 'visible' })
        expect(await row.count()).toBe(1)
        expect((await row.locator('.cell-actorEmail').innerText()).trim()).toBe(ADMIN_EMAIL)
        expect((await row.locator('.cell-action').innerText()).trim()).toBe(action)
        expect((await row.locator('.cell-collectionSlug').innerText()).trim()).toBe(collectionSlug)
      }
      await shot('06-audit-log')
    })

    const entryAudit = (await api(`/api/audit-logs?where[documentId][equals]=${entryId}&depth=0`)).docs
    expect(entryAudit).toHaveLength(1)
    expect(entryAudit[0]).toMatchObject({ action: 'create', collectionSlug: 'ledger-entries', actorEmail: ADMIN_EMAIL, actorRole: 'super-admin', ip: '127.0.0.1' })
    expect(entryAudit[0].userAgent).toEqual(expect.stringContaining('HeadlessChrome'))
    expect(entryAudit[0].changes).toEqual(
      expect.arrayContaining([
        { field: 'amount', old: null, new: AMOUNT },
        { field: 'bucket', old: null, new: 'cash' },
        { field: 'balanceAfter', old: 0, new: AMOUNT },
        { field: 'note', old: null, new: REASON },
      ]),
    )
    const walletAudit = (await api(`/api/audit-logs?where[documentId][equals]=${walletId}&depth=0`)).docs
    expect(walletAudit).toHaveLength(1)
    expect(walletAudit[0]).toMatchObject({
      action: 'update',
      collectionSlug: 'wallets',
      actorEmail: ADMIN_EMAIL,
      changes: [{ field: 'creditLimit', old: 0, new: CREDIT_LIMIT }],
    })
  }, 120_000)

  it('saves a plan with a resource through the admin forms', async () => {
    let resourceId: string | undefined
    let planId: string | undefined
    await step('plan', async () => {
      await openFromMenu('Billing', 'plan-resources')
      await page.locator('a', { hasText: /^Create New$/i }).first().click()
      await page.waitForURL((url) => url.pathname === '/admin/collections/plan-resources/create')
      await hydrated(page, '#field-name')
      await page.locator('#field-name').fill('E2E chat')
      // `models` is a list of names: typed, each confirmed with Enter.
      await page.locator('.field-models .rs__input').fill('gpt-4o*')
      await page.keyboard.press('Enter')
      await choose('meter', /^Tokens/)
      await page.locator('#field-limit').fill('100000')
      const resource = await save('POST', '/api/plan-resources', 201)
      resourceId = String(JSON.parse(resource.received).doc.id)
      await page.waitForURL((url) => url.pathname === `/admin/collections/plan-resources/${resourceId}`)
      await shot('07-plan-resource')

      await openFromMenu('Billing', 'plans')
      await page.locator('a', { hasText: /^Create New$/i }).first().click()
      await page.waitForURL((url) => url.pathname === '/admin/collections/plans/create')
      await hydrated(page, '#field-name')
      await page.locator('#field-name').fill('E2E Pro')
      await choose('resources', 'E2E chat')
      await page.locator('#field-price').fill('12000000')
      const plan = await save('POST', '/api/plans', 201)
      planId = String(JSON.parse(plan.received).doc.id)
      await page.waitForURL((url) => url.pathname === `/admin/collections/plans/${planId}`)
      // The plan resource's toast may still be showing: look for the plan's own.
      await page.locator('.payload-toast-container').getByText(/^Plan successfully created/i).waitFor({ state: 'visible' })

      await page.reload()
      await hydrated(page, '#field-name')
      await expectValue('#field-name', 'E2E Pro')
      await page.locator('#field-resources .rs__multi-value', { hasText: 'E2E chat' }).waitFor({ state: 'visible' })
      await shot('08-plan-saved')
    })
    expect(await api(`/api/plan-resources/${resourceId}?depth=0`)).toMatchObject({ name: 'E2E chat', models: ['gpt-4o*'], meter: 'tokens', limit: 100_000 })
    expect(await api(`/api/plans/${planId}?depth=0`)).toMatchObject({ name: 'E2E Pro', resources: [resourceId], price: 12_000_000, onSale: true })
  }, 180_000)

  it('generates a batch of balance codes from the button above the codes list', async () => {
    const batch = `e2e-${randomBytes(3).toString('hex')}`
    await step('codes', async () => {
      await openFromMenu('Billing', 'redemption-codes')
      await page.getByRole('button', { name: 'Generate a batch of codes' }).click()
      const form = page.getByRole('form', { name: 'Generate codes' })
      await form.getByLabel('How many').fill('3')
      await form.getByLabel('Amount (currency units)').fill('5')
      await form.getByLabel('Batch name').fill(batch)
      await form.getByRole('button', { name: 'Generate' }).click()
      await form.getByText(`3 codes in batch ${batch}`).waitFor({ state: 'visible' })
      const codes = (await form.locator('textarea').inputValue()).split('\n')
      expect(codes).toHaveLength(3)
      await shot('09-codes-generated')
      const listed = await api(`/api/redemption-codes?where[batch][equals]=${batch}&limit=10`)
      expect(listed.docs.map((doc: { code: string }) => doc.code).sort()).toEqual([...codes].sort())
      expect(listed.docs.every((doc: { kind: string; amount: number }) => doc.kind === 'balance' && doc.amount === 5_000_000)).toBe(true)
    })
  }, 120_000)

  it("confirms a plan order paid by bank transfer, refunds part of it to the wallet and locks it, from the order page's buttons", async () => {
    // A plan ordered through Epay (which cannot send money back, so a plan's refund goes to the wallet).
    await api('/api/globals/payment-settings', {
      method: 'POST',
      body: JSON.stringify({ epay: { enabled: true, gateway: 'http://127.0.0.1:9/', pid: '1001', key: randomBytes(16).toString('hex'), types: ['alipay'] } }),
    })
    const resource = await api('/api/plan-resources', { method: 'POST', body: JSON.stringify({ name: 'Order requests', models: ['*'], meter: 'requests', limit: 100 }) })
    const plan = await api('/api/plans', { method: 'POST', body: JSON.stringify({ name: 'Transfer plan', resources: [resource.doc.id], periodUnit: 'months', periodLength: 1, price: 30_000_000, onSale: true }) })
    const buyer = { email: `bob-${randomBytes(3).toString('hex')}@customer.test`, password: 'customer-password-2' }
    const buyerId = (await api('/api/users', { method: 'POST', body: JSON.stringify({ ...buyer, _verified: true }) })).doc.id as string
    const signedIn = await fetch(`${app.baseUrl}/api/users/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(buyer) })
    const customerToken = ((await signedIn.json()) as { token: string }).token
    const checkout = await fetch(`${app.baseUrl}/api/orders/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `JWT ${customerToken}` },
      body: JSON.stringify({ kind: 'plan', plan: plan.doc.id, channel: 'epay' }),
    })
    expect(checkout.status).toBeLessThan(300)
    const { order } = (await checkout.json()) as { order: { id: string } }
    const cashOf = async () => ((await api(`/api/wallets?where[owner][equals]=${buyerId}`)).docs[0]?.cash ?? 0) as number
    const cashBefore = await cashOf()
    const answers: string[] = []
    page.on('dialog', (dialog) => void dialog.accept(answers.shift()))

    await step('order-buttons', async () => {
      await page.goto(`${app.baseUrl}/admin/collections/orders/${order.id}`)
      const button = (name: string) => page.getByRole('button', { name, exact: true })
      await hydrated(page, '.order-actions button')
      // The order's items show in Payload's JSON editor, loaded from this server, not a CDN.
      await page.locator('.monaco-editor').first().waitFor({ state: 'visible' })
      expect([...blocked]).not.toContain('cdn.jsdelivr.net')
      await shot('10-order-pending')

      answers.push('Bank transfer 77, received in full')
      await Promise.all([page.waitForEvent('load'), button('Confirm paid').click()])
      await button('Refund…').waitFor()
      expect((await api(`/api/orders/${order.id}`)).status).toBe('paid')

      answers.push('Goodwill, part of the month unused', '10')
      await Promise.all([page.waitForEvent('load'), button('Refund…').click()])
      await button('Lock').waitFor()
      const refunded = await api(`/api/orders/${order.id}`)
      expect(refunded).toMatchObject({ status: 'partially-refunded', refunded: 10_000_000 })
      expect((await cashOf()) - cashBefore).toBe(10_000_000)

      answers.push('Chargeback threatened')
      await Promise.all([page.waitForEvent('load'), button('Lock').click()])
      await button('Unlock').waitFor()
      expect((await api(`/api/orders/${order.id}`)).locked).toBe(true)
      await shot('11-order-refunded-locked')
    })
  }, 120_000)
})
