/**
 * `npm run bench:chat` — what the chat app's first page costs a browser: the gzipped JavaScript it
 * loads and the time until it is interactive, in headless chromium against the production build
 * (built first when the sources changed) on a fresh SQLite file. A benchmark, not a test: it
 * reports and never fails on a number.
 *
 *   - the sign-in page at `/` for a visitor (the first page: the targets apply here)
 *   - the chat view at `/` for a signed-in customer (for comparison)
 *
 * "Interactive" is when React has attached its handlers to the page's form (hydrated), measured
 * from navigation start; every run has a fresh browser context (cold cache). Sizes are each script
 * gzipped here at level 6, what a gzip-compressing proxy in front of the app would send.
 * Results: a table on stdout and bench/results/chat-<date>.json (git-ignored). BENCH_RUNS=N (5).
 */
import { randomBytes } from 'node:crypto'
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'

import { chromium, type Browser, type BrowserContext } from 'playwright-core'

import { buildOnce, CHROMIUM, CHROMIUM_ARGS, ROOT, startApp } from '../test/helpers/browser-app'

const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const TARGETS = { gzippedKiB: 250, interactiveMs: 1500 }
const RESULTS = path.join(ROOT, 'bench', 'results')
const ADMIN_EMAIL = 'bench@modelgate.test'
const ADMIN_PASSWORD = `bench-${randomBytes(9).toString('base64url')}`
const CUSTOMER = { email: 'bench-customer@modelgate.test', password: `Bench-${randomBytes(9).toString('base64url')}1` }

type Run = { scripts: number; gzipped: number; raw: number; interactiveMs: number }

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const kib = (bytes: number) => Math.round((bytes / 1024) * 10) / 10

/** One cold load of `/`: every script it fetched, and when `selector` became a hydrated React element. */
async function load(browser: Browser, baseUrl: string, selector: string, prepare?: (context: BrowserContext) => Promise<void>): Promise<Run> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' })
  try {
    await prepare?.(context)
    const page = await context.newPage()
    const bodies: Promise<Buffer>[] = []
    page.on('response', (response) => {
      if (response.request().resourceType() === 'script') bodies.push(response.body())
    })
    await page.goto(baseUrl, { waitUntil: 'commit' })
    const interactive = await page.waitForFunction(
      (sel) => {
        const element = document.querySelector(sel)
        return element && Object.keys(element).some((key) => key.startsWith('__reactProps$')) ? performance.now() : false
      },
      selector,
      { polling: 'raf', timeout: 60_000 },
    )
    const interactiveMs = (await interactive.jsonValue()) as number
    await page.waitForLoadState('networkidle')
    const scripts = await Promise.all(bodies)
    return {
      scripts: scripts.length,
      raw: scripts.reduce((sum, body) => sum + body.length, 0),
      gzipped: scripts.reduce((sum, body) => sum + gzipSync(body, { level: 6 }).length, 0),
      interactiveMs,
    }
  } finally {
    await context.close()
  }
}

async function main() {
  await buildOnce()
  mkdirSync(RESULTS, { recursive: true })
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z')
  const tempDir = mkdtempSync(path.join(tmpdir(), 'modelgate-bench-chat-'))
  const log = createWriteStream(path.join(RESULTS, `chat-${stamp}.server.log`))
  const app = await startApp({ databaseFile: path.join(tempDir, 'modelgate.db'), log, adminEmail: ADMIN_EMAIL, adminPassword: ADMIN_PASSWORD })
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
  try {
    // A verified customer, made by staff, for the signed-in view.
    const staff = await fetch(`${app.baseUrl}/api/admins/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }) })
    const { token } = (await staff.json()) as { token: string }
    await fetch(`${app.baseUrl}/api/users`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `JWT ${token}` }, body: JSON.stringify({ ...CUSTOMER, _verified: true }) })
    const signIn = async (context: BrowserContext) => {
      const res = await context.request.post(`${app.baseUrl}/api/users/login`, { data: CUSTOMER })
      if (!res.ok()) throw new Error(`the customer could not sign in: ${res.status()} ${await res.text()}`)
    }

    // One warm-up each, so Next's server-side caches are filled as they would be in production.
    const pages = [
      { name: 'sign-in page (first page)', selector: 'form.auth-form input[name="email"]', prepare: undefined },
      { name: 'chat view, signed in', selector: '.composer textarea', prepare: signIn },
    ]
    const report = []
    for (const { name, selector, prepare } of pages) {
      await load(browser, app.baseUrl, selector, prepare)
      const runs: Run[] = []
      for (let i = 0; i < RUNS; i++) runs.push(await load(browser, app.baseUrl, selector, prepare))
      const times = runs.map((r) => r.interactiveMs)
      report.push({
        page: name,
        scripts: runs[0]!.scripts,
        rawKiB: kib(runs[0]!.raw),
        gzippedKiB: kib(runs[0]!.gzipped),
        interactiveMs: { median: Math.round(median(times)), min: Math.round(Math.min(...times)), max: Math.round(Math.max(...times)) },
      })
    }

    console.log(`\nChat app, ${RUNS} cold loads each (chromium headless, production build, 127.0.0.1)\n`)
    console.log('| page | scripts | JS raw | JS gzipped (target ≤ 250 KiB) | interactive, median (min–max) (target ≤ 1.5 s) |')
    console.log('| --- | --- | --- | --- | --- |')
    for (const r of report) {
      const size = `${r.gzippedKiB} KiB ${r.gzippedKiB <= TARGETS.gzippedKiB ? '✓' : '✗'}`
      const time = `${r.interactiveMs.median} ms (${r.interactiveMs.min}–${r.interactiveMs.max}) ${r.interactiveMs.median <= TARGETS.interactiveMs ? '✓' : '✗'}`
      console.log(`| ${r.page} | ${r.scripts} | ${r.rawKiB} KiB | ${size} | ${time} |`)
    }
    const file = path.join(RESULTS, `chat-${stamp}.json`)
    writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), runs: RUNS, targets: TARGETS, report }, null, 2))
    console.log(`\n${path.relative(ROOT, file)}`)
  } finally {
    await browser.close()
    await app.stop()
    log.end()
    rmSync(tempDir, { recursive: true, force: true })
  }
}

await main()
