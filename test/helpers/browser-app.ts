/**
 * For browser suites: the production build served by the real `src/server.ts` in a child process on
 * a fresh SQLite file, and Debian's chromium (driven by playwright-core) pointed at it.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { closeSync, existsSync, openSync, rmSync, statSync, type WriteStream } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

import { ensureBuild } from '../../scripts/build'

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
]

export const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '')
export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'e2e')

/** Every variable src/config/env.ts reads: the child gets only the values set here. */
const APP_VARIABLES = [
  'NODE_ENV',
  'PORT',
  'HOST',
  'PUBLIC_URL',
  'DATABASE_URL',
  'PAYLOAD_SECRET',
  'ADMIN_EMAIL',
  'ADMIN_PASSWORD',
  'SEED_DEMO',
  'REDIS_URL',
  'TRUST_PROXY',
  'JOBS_AUTORUN',
  'MODELGATE_ENCRYPTION_KEY',
  'LOG_LEVEL',
  'SMTP_HOST',
  'SMTP_PORT',
  'SMTP_SECURE',
  'SMTP_USER',
  'SMTP_PASSWORD',
  'SMTP_ALLOW_INSECURE_TLS',
  'MAIL_FROM',
  'MAIL_FROM_NAME',
  'STAFF_TOTP_REQUIRED',
]

/** Whether chromium is there; CI must have it, elsewhere the suite is skipped with a notice. */
export function chromiumAvailable(suite: string): boolean {
  const have = existsSync(CHROMIUM)
  if (!have && process.env.CI === 'true') throw new Error(`e2e: ${CHROMIUM} is missing; CI must install chromium (see .ci/run)`)
  if (!have) console.warn(`e2e: skipping ${suite}: ${CHROMIUM} is missing (apt-get install chromium).`)
  return have
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * `ensureBuild()` (a `next build` when the sources changed, a few minutes), but never two at once
 * into the same `.next`: browser suites run in parallel workers, and each takes a lock file first.
 */
export async function buildOnce(timeoutMs = 15 * 60_000): Promise<void> {
  const lock = path.join(tmpdir(), `modelgate-build-${Buffer.from(ROOT).toString('hex').slice(-32)}.lock`)
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'))
      break
    } catch {
      // Another suite holds it; a lock older than the timeout was left by a killed run.
      const taken = statSync(lock, { throwIfNoEntry: false })?.mtimeMs
      if (taken !== undefined && Date.now() - taken > timeoutMs) rmSync(lock, { force: true })
    }
    if (Date.now() > deadline) throw new Error('e2e: gave up waiting for another suite’s `next build`')
    await sleep(1000)
  }
  try {
    ensureBuild()
  } finally {
    rmSync(lock, { force: true })
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      const port = typeof address === 'object' && address ? address.port : 0
      probe.close(() => resolve(port))
    })
  })
}

export type AppProcess = { baseUrl: string; child: ChildProcess; output: () => string; stop: () => Promise<void> }

/** `npx tsx src/server.ts` in production mode, in a process group of its own so stop() reaches tsx's child too. */
/** `env` adds to or overrides the defaults; staff second factor is off unless a suite turns it on. */
export async function startApp(options: {
  databaseFile: string
  log: WriteStream
  adminEmail: string
  adminPassword: string
  env?: Record<string, string>
}): Promise<AppProcess> {
  const port = await freePort()
  const env: NodeJS.ProcessEnv = { ...process.env }
  // Jest's ESM flags and whatever the developer has configured must not leak into the server.
  delete env.NODE_OPTIONS
  for (const name of APP_VARIABLES) delete env[name]
  Object.assign(env, {
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: `file:${options.databaseFile}`,
    PAYLOAD_SECRET: randomBytes(32).toString('hex'),
    MODELGATE_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    ADMIN_EMAIL: options.adminEmail,
    ADMIN_PASSWORD: options.adminPassword,
    LOG_LEVEL: 'warn',
    NEXT_TELEMETRY_DISABLED: '1',
    STAFF_TOTP_REQUIRED: 'false',
    ...options.env,
  })

  const child = spawn('npx', ['tsx', 'src/server.ts'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let recent = ''
  const collect = (chunk: Buffer) => {
    options.log.write(chunk)
    recent = (recent + chunk.toString()).slice(-8000)
  }
  child.stdout!.on('data', collect)
  child.stderr!.on('data', collect)
  let exited: string | undefined
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? `code ${code}`}`
  })

  const groupAlive = () => {
    try {
      process.kill(-child.pid!, 0)
      return true
    } catch {
      return false
    }
  }
  const stop = async () => {
    if (!child.pid || !groupAlive()) return
    process.kill(-child.pid, 'SIGTERM')
    const deadline = Date.now() + 15_000
    while (groupAlive() && Date.now() < deadline) await sleep(100)
    if (groupAlive()) process.kill(-child.pid, 'SIGKILL')
  }

  const baseUrl = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 180_000
  for (;;) {
    if (exited) throw new Error(`the server ${exited} before it was ready:\n${recent}`)
    try {
      const res = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(5000) })
      if (res.status === 200) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`the server did not answer /readyz with 200 within 3 minutes:\n${recent}`)
    }
    await sleep(250)
  }
  return { baseUrl, child, output: () => recent, stop }
}

/**
 * Chromium with one page, allowed to reach only `baseUrl` (the admin asks Gravatar for avatars,
 * which has no DNS here); the hosts it was kept from are collected in `blocked`.
 */
export async function openBrowser(baseUrl: string): Promise<{ browser: Browser; context: BrowserContext; page: Page; blocked: Set<string> }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-US' })
  const blocked = new Set<string>()
  await context.route(
    (url) => url.host !== new URL(baseUrl).host,
    (route) => {
      blocked.add(new URL(route.request().url()).host)
      return route.abort()
    },
  )
  context.setDefaultTimeout(30_000)
  context.setDefaultNavigationTimeout(60_000)
  return { browser, context, page: await context.newPage(), blocked }
}

/** React has attached its props to the element, i.e. the page around it is hydrated and interactive. */
export async function hydrated(page: Page, selector: string) {
  await page.locator(selector).first().waitFor({ state: 'visible' })
  await page.waitForFunction(
    (sel) => {
      const element = document.querySelector(sel)
      return !!element && Object.keys(element).some((key) => key.startsWith('__reactProps$'))
    },
    selector,
  )
}
