/**
 * Staff sign-in with a second factor in a real browser (chromium against the production build, with
 * STAFF_TOTP_REQUIRED on): the super-admin signs in with a password, is made to set up an
 * authenticator (the test reads the key off the page and computes codes with otplib), sees the
 * recovery codes once and reaches the dashboard; signed out and in again, is asked for a code.
 * Screenshots go to test-artifacts/e2e/totp-*.png.
 */
import { randomBytes } from 'node:crypto'
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync, type WriteStream } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Browser, Page } from 'playwright-core'

import { ARTIFACTS, buildOnce, chromiumAvailable, hydrated, openBrowser, ROOT, startApp, type AppProcess } from '../helpers/browser-app'
import { codeAt, wrongCodeFor } from '../helpers/second-factor'

const ADMIN_EMAIL = 'totp-e2e@modelgate.test'
const ADMIN_PASSWORD = `e2e-${randomBytes(9).toString('base64url')}`

const suite = chromiumAvailable('the staff second-factor browser suite') ? describe : describe.skip

suite('staff second factor in a real browser (production build)', () => {
  let tempDir: string
  let serverLog: WriteStream
  let app: AppProcess
  let browser: Browser
  let page: Page
  let secret: string | undefined
  const pageErrors: string[] = []

  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `totp-${name}.png`), fullPage: true })

  /** Runs one browser step; when it fails, leaves a screenshot and the page's HTML behind. */
  async function step(name: string, body: () => Promise<void>) {
    try {
      await body()
    } catch (error) {
      await page.screenshot({ path: path.join(ARTIFACTS, `failed-totp-${name}.png`), fullPage: true }).catch(() => {})
      writeFileSync(path.join(ARTIFACTS, `failed-totp-${name}.html`), await page.content().catch(() => ''))
      throw error
    }
    expect(pageErrors).toEqual([])
  }

  async function signInWithPassword() {
    await page.goto(`${app.baseUrl}/admin`)
    await page.waitForURL((url) => url.pathname === '/admin/login')
    await hydrated(page, '#field-email')
    await page.locator('#field-email').fill(ADMIN_EMAIL)
    await page.locator('#field-password').fill(ADMIN_PASSWORD)
    await page.locator('form button[type="submit"]').click()
  }

  async function enterCode(code: string) {
    await hydrated(page, '#second-factor-code')
    await page.locator('#second-factor-code').fill(code)
    await page.locator('#second-factor-submit').click()
  }

  async function dashboardShown() {
    await page.waitForURL((url) => url.pathname === '/admin')
    const dashboard = page.locator('.dashboard')
    await dashboard.waitFor({ state: 'visible' })
    await dashboard.locator('.card__title', { hasText: /^Platforms$/ }).waitFor({ state: 'visible' })
    expect(await page.locator('.second-factor').count()).toBe(0)
  }

  beforeAll(async () => {
    if (process.cwd() !== ROOT) throw new Error(`run the e2e suite from the repository root (${ROOT}), not ${process.cwd()}`)
    mkdirSync(ARTIFACTS, { recursive: true })
    await buildOnce()
    tempDir = mkdtempSync(path.join(tmpdir(), 'modelgate-e2e-totp-'))
    serverLog = createWriteStream(path.join(ARTIFACTS, 'server-totp.log'))
    app = await startApp({
      databaseFile: path.join(tempDir, 'modelgate.db'),
      log: serverLog,
      adminEmail: ADMIN_EMAIL,
      adminPassword: ADMIN_PASSWORD,
      env: { STAFF_TOTP_REQUIRED: 'true' },
    })
    ;({ browser, page } = await openBrowser(app.baseUrl))
    page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message))
  }, 15 * 60_000)

  afterAll(async () => {
    await browser?.close().catch(() => {})
    await app?.stop()
    await new Promise<void>((resolve) => (serverLog ? serverLog.end(() => resolve()) : resolve()))
    if (tempDir) rmSync(tempDir, { recursive: true, force: true })
  }, 60_000)

  it('makes a super-admin set up an authenticator after the password, shows the recovery codes once, then the dashboard', async () => {
    await step('enrol', async () => {
      await signInWithPassword()
      const shownSecret = page.locator('.second-factor__secret')
      await shownSecret.waitFor({ state: 'visible' })
      await page.locator('img[alt="QR code for your authenticator app"]').waitFor({ state: 'visible' })
      await shot('01-enrolment')
      secret = (await shownSecret.innerText()).trim()
      expect(secret).toMatch(/^[A-Z2-7]{32}$/)

      // The session is good for nothing else until the second factor is passed.
      expect((await page.request.get(`${app.baseUrl}/api/platforms`)).status()).toBe(403)

      // A code works once: enrolment takes the previous step's, the next sign-in the current one.
      await enterCode(codeAt(secret, -1))
      const codes = page.locator('.second-factor__recovery-codes li')
      await codes.first().waitFor({ state: 'visible' })
      expect(await codes.count()).toBe(10)
      expect(await codes.first().innerText()).toMatch(/^[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/)
      await shot('02-recovery-codes')

      await page.locator('#second-factor-continue').click()
      await dashboardShown()
      expect((await page.request.get(`${app.baseUrl}/api/platforms`)).status()).toBe(200)
      await shot('03-dashboard')
    })
  }, 180_000)

  it('asks for a code on the next sign-in, and lets the right one through', async () => {
    expect(secret).toBeDefined()
    await step('code-prompt', async () => {
      await page.goto(`${app.baseUrl}/admin/logout`)
      await page.waitForURL((url) => url.pathname === '/admin/login')
      await signInWithPassword()
      await page.getByText('Enter the 6-digit code from your authenticator app').waitFor({ state: 'visible' })
      expect(await page.locator('.second-factor__secret').count()).toBe(0)
      await shot('04-code-prompt')

      await enterCode(wrongCodeFor(secret!))
      await page.locator('.second-factor__error').waitFor({ state: 'visible' })

      await enterCode(codeAt(secret!, 0))
      await dashboardShown()
      await shot('05-dashboard-again')
    })
  }, 180_000)
})
