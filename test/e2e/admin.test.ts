/**
 * The admin panel in a real browser: Debian's chromium (driven by playwright-core) against the
 * production build served by the real `src/server.ts` in a child process, on a fresh SQLite file.
 *
 * Sign in → dashboard → create a platform through the form → the audit log lists that create, in
 * the admin and through REST. Screenshots go to test-artifacts/e2e/ (and a screenshot plus the
 * page's HTML when a step fails); the server's output goes to test-artifacts/e2e/server.log.
 *
 * Skipped with a notice when chromium is not installed (`apt-get install chromium`).
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync, type WriteStream } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Browser, Page } from 'playwright-core'

import { ARTIFACTS, buildOnce, chromiumAvailable, hydrated, openBrowser, ROOT, startApp, type AppProcess } from '../helpers/browser-app'

const ADMIN_EMAIL = 'e2e@modelgate.test'
const ADMIN_PASSWORD = `e2e-${randomBytes(9).toString('base64url')}`

async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true })
}

const suite = chromiumAvailable('the admin browser suite') ? describe : describe.skip

suite('admin panel in a real browser (production build)', () => {
  let tempDir: string
  let serverLog: WriteStream
  let app: AppProcess
  let browser: Browser
  let page: Page
  const pageErrors: string[] = []
  let blockedRequests = new Set<string>()

  const platformName = `E2E platform ${randomUUID().slice(0, 8)}`
  let platformId: string | undefined

  /** Runs one browser step; when it fails, leaves a screenshot and the page's HTML behind. */
  async function step(name: string, body: () => Promise<void>) {
    try {
      await body()
    } catch (error) {
      await page.screenshot({ path: path.join(ARTIFACTS, `failed-${name}.png`), fullPage: true }).catch(() => {})
      const html = await page.content().catch(() => '')
      writeFileSync(path.join(ARTIFACTS, `failed-${name}.html`), html)
      throw error
    }
    expect(pageErrors).toEqual([])
  }

  async function staffToken(): Promise<string> {
    const login = await fetch(`${app.baseUrl}/api/admins/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
    })
    expect(login.status).toBe(200)
    return ((await login.json()) as { token: string }).token
  }

  beforeAll(async () => {
    if (process.cwd() !== ROOT) throw new Error(`run the e2e suite from the repository root (${ROOT}), not ${process.cwd()}`)
    mkdirSync(ARTIFACTS, { recursive: true })
    // `next build --webpack` only when the sources changed since the last build (~2 minutes),
    // once for every browser suite.
    await buildOnce()

    tempDir = mkdtempSync(path.join(tmpdir(), 'modelgate-e2e-'))
    serverLog = createWriteStream(path.join(ARTIFACTS, 'server.log'))
    app = await startApp({ databaseFile: path.join(tempDir, 'modelgate.db'), log: serverLog, adminEmail: ADMIN_EMAIL, adminPassword: ADMIN_PASSWORD })
    ;({ browser, page, blocked: blockedRequests } = await openBrowser(app.baseUrl))
    page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message))
  }, 15 * 60_000)

  afterAll(async () => {
    if (blockedRequests.size) console.info(`e2e: blocked requests to outside hosts: ${[...blockedRequests].join(', ')}`)
    await browser?.close().catch(() => {})
    await app?.stop()
    await new Promise<void>((resolve) => (serverLog ? serverLog.end(() => resolve()) : resolve()))
    if (tempDir) rmSync(tempDir, { recursive: true, force: true })
  }, 60_000)

  it('signs in at /admin/login and shows the dashboard', async () => {
    await step('login', async () => {
      await page.goto(`${app.baseUrl}/admin`)
      await page.waitForURL((url) => url.pathname === '/admin/login')
      await hydrated(page, '#field-email')
      await shot(page, '01-login')

      await page.locator('#field-email').fill(ADMIN_EMAIL)
      await page.locator('#field-password').fill(ADMIN_PASSWORD)
      await page.locator('form button[type="submit"]').click()
      await page.waitForURL((url) => url.pathname === '/admin')

      const dashboard = page.locator('.dashboard')
      await dashboard.waitFor({ state: 'visible' })
      for (const card of ['Platforms', 'Audit log', 'Staff']) {
        await dashboard.locator('.card__title', { hasText: new RegExp(`^${card}$`) }).waitFor({ state: 'visible' })
      }
      await shot(page, '02-dashboard')
    })
  }, 120_000)

  it('creates a platform through the admin form', async () => {
    await step('create-platform', async () => {
      await page.goto(`${app.baseUrl}/admin/collections/platforms/create`)
      await hydrated(page, '#field-name')
      await page.locator('#field-name').fill(platformName)

      // `kind` is a react-select: it renders on the client only, then opens on click.
      await page.locator('#field-kind .rs__control').click()
      await page.locator('.rs__option', { hasText: /^OpenAI-compatible$/ }).click()
      expect(await page.locator('#field-kind .rs__single-value').innerText()).toBe('OpenAI-compatible')

      await page.locator('#action-save').click()
      await page.waitForURL(/\/admin\/collections\/platforms\/[0-9a-f-]{36}$/)
      platformId = new URL(page.url()).pathname.split('/').pop()
      await page.locator('.payload-toast-container').getByText(/successfully created/i).waitFor({ state: 'visible' })
      // The saved document re-renders with the form enabled again once Payload has reloaded it.
      await page.locator('#field-name:not([disabled]):not([readonly])').waitFor({ state: 'visible' })
      expect(await page.locator('#field-name').inputValue()).toBe(platformName)
      await shot(page, '03-platform-created')
    })
  }, 120_000)

  it('lists the audit entry for that create in the admin', async () => {
    expect(platformId).toBeDefined()
    await step('audit-list', async () => {
      await page.goto(`${app.baseUrl}/admin/collections/audit-logs`)
      const row = page.locator('table tbody tr').filter({ hasText: platformId! })
      await row.waitFor({ state: 'visible' })
      expect(await row.count()).toBe(1)
      expect((await row.locator('.cell-actorEmail').innerText()).trim()).toBe(ADMIN_EMAIL)
      expect((await row.locator('.cell-action').innerText()).trim()).toBe('create')
      expect((await row.locator('.cell-collectionSlug').innerText()).trim()).toBe('platforms')
      expect((await row.locator('.cell-documentId').innerText()).trim()).toBe(platformId)
      await shot(page, '04-audit-log')
    })
  }, 120_000)

  it('takes a provider key in the admin form and never shows it again', async () => {
    expect(platformId).toBeDefined()
    const secret = `sk-e2e-${randomBytes(16).toString('hex')}`
    await step('provider-key', async () => {
      await page.goto(`${app.baseUrl}/admin/collections/provider-keys/create`)
      await hydrated(page, '#field-name')
      await page.locator('#field-name').fill('E2E key')
      await page.locator('#field-platform .rs__control').click()
      await page.locator('.rs__option', { hasText: platformName }).click()
      await page.locator('#field-key').fill(secret)
      await page.locator('#action-save').click()
      await page.waitForURL(/\/admin\/collections\/provider-keys\/[0-9a-f-]{36}$/)
      await page.locator('#field-name:not([disabled]):not([readonly])').waitFor({ state: 'visible' })
      await page.reload()
      await hydrated(page, '#field-name')
      expect(await page.locator('#field-keyHint').inputValue()).toBe(`sk-…${secret.slice(-4)}`)
      expect(await page.locator('#field-key').inputValue()).toBe('')
      expect(await page.content()).not.toContain(secret.slice(3))
      await shot(page, '05-provider-key')
      await page.goto(`${app.baseUrl}/admin/collections/provider-keys`)
      await page.locator('table tbody tr').first().waitFor({ state: 'visible' })
      expect(await page.content()).not.toContain(secret.slice(3))
    })
  }, 120_000)

  it('asks before freezing a customer, and audits that staff opened their record', async () => {
    const token = await staffToken()
    const created = await fetch(`${app.baseUrl}/api/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `JWT ${token}` },
      body: JSON.stringify({ email: `freeze-${randomUUID().slice(0, 8)}@modelgate.test`, password: 'customer-password-1', _verified: true }),
    })
    expect(created.status).toBe(201)
    const customerId = ((await created.json()) as { doc: { id: string } }).doc.id
    const frozen = async () => ((await (await fetch(`${app.baseUrl}/api/users/${customerId}`, { headers: { authorization: `JWT ${token}` } })).json()) as { frozen: boolean }).frozen

    await step('freeze', async () => {
      await page.goto(`${app.baseUrl}/admin/collections/users/${customerId}`)
      await hydrated(page, '#field-frozen')
      await page.locator('#field-frozen').check()
      await page.locator('#field-frozenReason').fill('chargeback')
      const questions: string[] = []
      page.once('dialog', (dialog) => {
        questions.push(dialog.message())
        void dialog.dismiss()
      })
      await page.locator('#action-save').click()
      for (let i = 0; i < 50 && questions.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 100))
      expect(questions[0]).toMatch(/Freeze or unfreeze this customer/)
      expect(await frozen()).toBe(false)

      page.once('dialog', (dialog) => void dialog.accept())
      await page.locator('#action-save').click()
      await page.locator('.payload-toast-container').getByText(/successfully/i).waitFor({ state: 'visible' })
      expect(await frozen()).toBe(true)
      await shot(page, '06-customer-frozen')
    })

    const views = await fetch(`${app.baseUrl}/api/audit-logs?where[action][equals]=view&where[documentId][equals]=${customerId}`, { headers: { authorization: `JWT ${token}` } })
    expect(((await views.json()) as { totalDocs: number }).totalDocs).toBeGreaterThan(0)
  }, 120_000)

  it('returns the same audit entry through REST, with IP and field changes', async () => {
    expect(platformId).toBeDefined()
    const headers = { authorization: `JWT ${await staffToken()}` }

    const platform = await fetch(`${app.baseUrl}/api/platforms/${platformId}`, { headers })
    expect(platform.status).toBe(200)
    expect(await platform.json()).toMatchObject({ id: platformId, name: platformName, kind: 'openai-compatible', status: 'active' })

    const query = new URLSearchParams({
      'where[collectionSlug][equals]': 'platforms',
      'where[action][equals]': 'create',
      limit: '100',
    })
    const res = await fetch(`${app.baseUrl}/api/audit-logs?${query}`, { headers })
    expect(res.status).toBe(200)
    const { docs } = (await res.json()) as { docs: Array<Record<string, unknown>> }
    const entries = docs.filter((doc) => doc.documentId === platformId)
    expect(entries).toHaveLength(1)
    const [entry] = entries
    expect(entry).toMatchObject({
      action: 'create',
      collectionSlug: 'platforms',
      documentId: platformId,
      actorEmail: ADMIN_EMAIL,
      actorType: 'admins',
      actorRole: 'super-admin',
      ip: '127.0.0.1',
    })
    expect(entry.userAgent).toEqual(expect.stringContaining('HeadlessChrome'))
    expect(entry.changes).toEqual(
      expect.arrayContaining([
        { field: 'name', old: null, new: platformName },
        { field: 'kind', old: null, new: 'openai-compatible' },
      ]),
    )
  }, 60_000)
})
