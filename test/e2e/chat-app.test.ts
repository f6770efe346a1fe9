/**
 * The chat app at `/` in a real browser: Debian's chromium (playwright-core) against the
 * production build served by the real `src/server.ts`, on a fresh SQLite file, with mail caught by
 * a local SMTP server.
 *
 * Sign up by email and follow the mailed link → sign in → chat with the demo model and watch the
 * answer grow while it streams → regenerate → attach a PDF and get an answer that uses its text
 * (the demo model quotes the prompt, which carries the file's text) → math rendered by KaTeX →
 * hostile markdown renders without running anything (through the app, and DOMPurify itself on
 * raw payloads) → rename, search and delete in the sidebar → redeem a code and see the balance
 * change → create an API key and see it once. Screenshots at 1280 and 375 px in test-artifacts/e2e/.
 */
import { randomBytes } from 'node:crypto'
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, type WriteStream } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { build } from 'esbuild'
import type { Browser, Page } from 'playwright-core'

import { ARTIFACTS, buildOnce, chromiumAvailable, hydrated, openBrowser, ROOT, startApp, type AppProcess } from '../helpers/browser-app'
import { login, rest } from '../helpers/rest'
import { pdfSample } from '../helpers/file-samples'
import { startMailbox, type Mailbox } from '../helpers/smtp'

const ADMIN_EMAIL = 'e2e-chat@modelgate.test'
const ADMIN_PASSWORD = `e2e-${randomBytes(9).toString('base64url')}`
const CUSTOMER = { email: `chat-${randomBytes(4).toString('hex')}@example.com`, password: `Chat-${randomBytes(6).toString('hex')}-9` }
const PDF_PHRASE = 'The secret ingredient is saffron 4711.'

/** Attribute and element payloads; each would set window.__pwned if it ran. */
const HOSTILE = [
  '<img src=x onerror="window.__pwned=1">',
  '<svg onload="window.__pwned=2"></svg>',
  '<script>window.__pwned=3</script>',
  '[link](javascript:window.__pwned=4)',
  '<iframe srcdoc="<script>parent.__pwned=5</script>"></iframe>',
]


const suite = chromiumAvailable('the chat app browser suite') ? describe : describe.skip

suite('chat app in a real browser (production build)', () => {
  let tempDir: string
  let serverLog: WriteStream
  let mailbox: Mailbox
  let app: AppProcess
  let browser: Browser
  let page: Page
  const pageErrors: string[] = []

  async function shot(name: string) {
    await page.screenshot({ path: path.join(ARTIFACTS, `chat-${name}.png`), fullPage: false })
  }

  /** Runs one browser step; when it fails, leaves a screenshot and the page's HTML behind. */
  async function step(name: string, body: () => Promise<void>) {
    try {
      await body()
    } catch (error) {
      await page.screenshot({ path: path.join(ARTIFACTS, `failed-chat-${name}.png`), fullPage: true }).catch(() => {})
      writeFileSync(path.join(ARTIFACTS, `failed-chat-${name}.html`), await page.content().catch(() => ''))
      throw error
    }
    expect(pageErrors).toEqual([])
  }

  const lastAnswer = () => page.locator('article.message.assistant').last()

  /** Sends from the composer and waits for the answer to finish. */
  async function ask(text: string) {
    const answers = await page.locator('article.message.assistant[data-status="done"]').count()
    await page.locator('.composer textarea').fill(text)
    await page.locator('.composer button.send').click()
    await page.locator('article.message.assistant[data-status="done"]').nth(answers).waitFor({ state: 'visible', timeout: 30_000 })
    return lastAnswer()
  }

  beforeAll(async () => {
    if (process.cwd() !== ROOT) throw new Error(`run the e2e suite from the repository root (${ROOT}), not ${process.cwd()}`)
    mkdirSync(ARTIFACTS, { recursive: true })
    await buildOnce()
    tempDir = mkdtempSync(path.join(tmpdir(), 'modelgate-e2e-chat-'))
    serverLog = createWriteStream(path.join(ARTIFACTS, 'chat-server.log'))
    mailbox = await startMailbox()
    app = await startApp({
      databaseFile: path.join(tempDir, 'modelgate.db'),
      log: serverLog,
      adminEmail: ADMIN_EMAIL,
      adminPassword: ADMIN_PASSWORD,
      env: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(mailbox.port) },
    })
    ;({ browser, page } = await openBrowser(app.baseUrl))
    await page.setViewportSize({ width: 1280, height: 800 })
    page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message))
  }, 15 * 60_000)

  afterAll(async () => {
    await browser?.close().catch(() => {})
    await app?.stop()
    await mailbox?.close()
    await new Promise<void>((resolve) => (serverLog ? serverLog.end(() => resolve()) : resolve()))
    if (tempDir) rmSync(tempDir, { recursive: true, force: true })
  }, 60_000)

  it('signs up by email, follows the mailed link and signs in', async () => {
    await step('sign-up', async () => {
      await page.goto(app.baseUrl)
      await hydrated(page, 'form.auth-form input[name="email"]')
      await shot('sign-in-1280')
      await page.setViewportSize({ width: 375, height: 812 })
      await shot('sign-in-375')
      await page.setViewportSize({ width: 1280, height: 800 })

      await page.getByRole('button', { name: 'Sign up' }).click()
      await page.locator('form.auth-form[data-mode="signUp"] input[name="email"]').fill(CUSTOMER.email)
      await page.locator('input[name="password"]').fill(CUSTOMER.password)
      await page.getByRole('button', { name: 'Create account' }).click()
      await page.getByRole('status').filter({ hasText: 'verification mail' }).waitFor()

      const mail = await mailbox.mailTo(CUSTOMER.email)
      const link = new URL(mailbox.linkIn(mail, /verify-email/))
      await page.goto(`${app.baseUrl}${link.pathname}`)
      await page.waitForURL((url) => url.searchParams.get('verified') === '1')
      await page.getByRole('status').filter({ hasText: 'Your email is verified' }).waitFor()

      await hydrated(page, 'form.auth-form input[name="email"]')
      await page.locator('input[name="email"]').fill(CUSTOMER.email)
      await page.locator('input[name="password"]').fill(CUSTOMER.password)
      await page.getByRole('button', { name: 'Sign in', exact: true }).click()
      await hydrated(page, '.composer textarea')
      // The models arrive after the composer: wait for the default to be chosen.
      await page.waitForFunction(() => document.querySelector<HTMLSelectElement>('.model-picker select')?.value === 'modelgate-demo')
    })
  }, 120_000)

  it('streams an answer from the demo model in pieces', async () => {
    await step('stream', async () => {
      // Sampled in the page every 20 ms while the answer is streaming.
      await page.evaluate(() => {
        const w = window as unknown as { __samples: number[] }
        w.__samples = []
        const timer = setInterval(() => {
          const answer = document.querySelector('article.message.assistant[data-status="streaming"] .answer')
          if (answer) w.__samples.push(answer.textContent?.length ?? 0)
          if (document.querySelector('article.message.assistant[data-status="done"]')) clearInterval(timer)
        }, 20)
      })
      const question = 'Hello demo model, please answer me in many small pieces so that I can watch the answer arrive while it streams into the page.'
      const answer = await ask(question)
      const text = await answer.locator('.answer').innerText()
      expect(text).toContain('This is the Modelgate demo model')
      expect(text).toContain(question)
      const samples = await page.evaluate(() => (window as unknown as { __samples: number[] }).__samples)
      const growing = [...new Set(samples)].filter((n) => n > 0 && n < text.length)
      expect(growing.length).toBeGreaterThanOrEqual(3)
      expect(growing).toEqual([...growing].sort((a, b) => a - b))
      // The sidebar lists the new conversation.
      await page.locator('.conversations li').first().waitFor()
      await shot('answer-1280')
    })
  }, 60_000)

  it('regenerates the last answer', async () => {
    await step('regenerate', async () => {
      const before = await lastAnswer().getAttribute('data-id')
      await lastAnswer().getByRole('button', { name: 'Regenerate' }).click()
      await page.waitForFunction((old) => {
        const answers = document.querySelectorAll('article.message.assistant')
        const last = answers[answers.length - 1]
        return answers.length === 1 && last?.getAttribute('data-id') !== old && last?.getAttribute('data-status') === 'done'
      }, before)
      expect(await lastAnswer().locator('.answer').innerText()).toContain('This is the Modelgate demo model')
    })
  }, 60_000)

  it('reads an attached PDF and answers with its text, and refuses a file it cannot read', async () => {
    await step('pdf', async () => {
      await page.locator('.composer input[type="file"]').setInputFiles({ name: 'notes.bin', mimeType: 'application/octet-stream', buffer: randomBytes(64) })
      await page.locator('.composer .refusal').filter({ hasText: 'notes.bin was not added' }).waitFor()

      await page.locator('.composer input[type="file"]').setInputFiles({ name: 'recipe.pdf', mimeType: 'application/pdf', buffer: await pdfSample([PDF_PHRASE]) })
      const chip = page.getByTestId('attachment').filter({ hasText: 'recipe.pdf' })
      await chip.filter({ hasText: /characters extracted/ }).waitFor({ timeout: 30_000 })
      const answer = await ask('What is in the file?')
      // The demo model quotes the prompt, and the prompt carries the file's text after the question.
      expect(await answer.locator('.answer').innerText()).toContain(PDF_PHRASE)
      await shot('pdf-1280')
    })
  }, 90_000)

  it('renders math with KaTeX, loaded when an answer has some', async () => {
    await step('math', async () => {
      const answer = await ask('Euler: $e^{i\\pi} + 1 = 0$')
      await answer.locator('.katex').first().waitFor()
      // The sanitiser keeps KaTeX's inline styles, without which the formula is garbled.
      expect(await answer.locator('.katex [style]').count()).toBeGreaterThan(0)
    })
  }, 60_000)

  it('renders a hostile answer without running anything', async () => {
    await step('hostile', async () => {
      await page.getByRole('button', { name: '+ New chat' }).click()
      await page.locator('.welcome').waitFor()
      const answer = await ask(HOSTILE.join(' '))
      const markdown = answer.locator('.markdown')
      // The demo model said it back: the payloads are in the answer, as text.
      expect(await markdown.innerText()).toContain('<img src=x onerror="window.__pwned=1">')
      await page.waitForTimeout(300)
      const found = await page.evaluate(() => ({
        pwned: (window as unknown as { __pwned?: number }).__pwned ?? null,
        elements: [...document.querySelectorAll('.messages img, .messages svg:not(.katex *), .messages script, .messages iframe')].map((e) => e.outerHTML),
        handlers: [...document.querySelectorAll('.messages *')].flatMap((e) => e.getAttributeNames().filter((a) => a.startsWith('on'))),
        hrefs: [...document.querySelectorAll('.messages a[href]')].map((a) => a.getAttribute('href')),
      }))
      expect(found).toEqual({ pwned: null, elements: [], handlers: [], hrefs: [] })
      expect(page.url().startsWith(app.baseUrl)).toBe(true)
    })
  }, 60_000)

  it('DOMPurify removes what the renderer would never write (in chromium)', async () => {
    await step('dompurify', async () => {
      // The app's own markdown engine, bundled for the page as the app bundles it.
      const bundle = await build({
        stdin: {
          contents: [
            `import katex from 'katex'`,
            `import { sanitize } from './src/chat-app/markdown/sanitize'`,
            `import { createEngine } from './src/chat-app/markdown/engine'`,
            `window.__md = { sanitize, render: createEngine({ copyLabel: 'Copy', katex }) }`,
          ].join('\n'),
          resolveDir: ROOT,
          loader: 'ts',
        },
        bundle: true,
        format: 'iife',
        write: false,
        platform: 'browser',
      })
      await page.addScriptTag({ content: bundle.outputFiles[0]!.text })
      const result = await page.evaluate(async (hostile) => {
        const md = (window as unknown as { __md: { sanitize: (html: string) => string; render: (text: string) => { html: string } } }).__md
        const raw = [
          ...hostile,
          '<a href="javascript:window.__pwned=6">a</a>',
          '<a href="  JaVaScRiPt:window.__pwned=7">b</a>',
          '<form action="javascript:window.__pwned=8"><button>go</button></form>',
          '<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned=9"></style></mglyph></table></mtext></math>',
          '<svg><a xlink:href="javascript:window.__pwned=10"><text y="20">x</text></a></svg>',
          '<svg><a href="javascript:window.__pwned=15"><text y="20">y</text></a></svg>',
          '<div style="position:fixed;inset:0" onmouseover="window.__pwned=11">cover</div>',
          '<object data="javascript:window.__pwned=12"></object><embed src="javascript:window.__pwned=13">',
          '<details open ontoggle="window.__pwned=14">x</details>',
        ]
        const host = document.createElement('div')
        document.body.append(host)
        try {
          for (const html of raw) host.insertAdjacentHTML('beforeend', md.sanitize(html))
          for (const text of hostile) host.insertAdjacentHTML('beforeend', md.render(text).html)
          host.insertAdjacentHTML('beforeend', md.render('$$x^2$$').html)
          host.querySelectorAll('a').forEach((a) => a.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true })))
          await new Promise((resolve) => setTimeout(resolve, 300))
          return {
            pwned: (window as unknown as { __pwned?: number }).__pwned ?? null,
            elements: [...host.querySelectorAll('img, script, iframe, form, object, embed, style')].map((e) => e.outerHTML),
            handlers: [...host.querySelectorAll('*')].flatMap((e) => e.getAttributeNames().filter((a) => a.startsWith('on') || a === 'xlink:href')),
            badLinks: [...host.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')).filter((h) => !/^(https?|mailto):/.test(h ?? '')),
            links: [...host.querySelectorAll('a')].map((a) => a.getAttribute('rel')),
            styled: [...host.querySelectorAll('[style]')].filter((e) => !e.closest('.katex')).map((e) => e.outerHTML),
            katexStyled: host.querySelectorAll('.katex [style]').length,
          }
        } finally {
          host.remove()
        }
      }, HOSTILE)
      expect(result.pwned).toBeNull()
      expect(result.elements).toEqual([])
      expect(result.handlers).toEqual([])
      expect(result.badLinks).toEqual([])
      for (const rel of result.links) expect(rel).toBe('noopener noreferrer nofollow')
      expect(result.styled).toEqual([])
      expect(result.katexStyled).toBeGreaterThan(0)
    })
  }, 60_000)

  it('renames, finds and deletes conversations in the sidebar', async () => {
    await step('sidebar', async () => {
      const items = page.locator('.conversations li')
      await items.nth(1).waitFor()
      const first = items.first()
      await first.hover()
      await first.getByRole('button', { name: 'Rename' }).click()
      await first.locator('form.rename input').fill('Hostile test')
      await first.getByRole('button', { name: 'Save' }).click()
      await first.getByRole('button', { name: 'Hostile test' }).waitFor()

      await page.locator('.conversations input[type="search"]').fill('Hostile')
      await page.waitForFunction(() => document.querySelectorAll('.conversations li').length === 1)
      await page.locator('.conversations input[type="search"]').fill('')
      await items.nth(1).waitFor()

      page.once('dialog', (dialog) => void dialog.accept())
      await first.getByRole('button', { name: 'Delete' }).click()
      await page.waitForFunction(() => document.querySelectorAll('.conversations li').length === 1)
      expect(await page.locator('.conversations').innerText()).not.toContain('Hostile test')
    })
  }, 60_000)

  it('redeems a code in the wallet and shows the new balance', async () => {
    await step('wallet', async () => {
      const staff = await login(app.baseUrl, 'admins', ADMIN_EMAIL, ADMIN_PASSWORD)
      const generated = await rest(app.baseUrl, '/api/redemption-codes/generate', { method: 'POST', token: staff, body: JSON.stringify({ count: 1, kind: 'balance', amount: 5_000_000, batch: 'e2e-chat' }) })
      expect(generated.status).toBe(201)
      const code = generated.body.codes[0] as string

      await page.getByRole('button', { name: 'Wallet' }).click()
      const available = page.getByTestId('balance-available')
      await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid="balance-available"]')?.textContent ?? ''))
      const before = Number(await available.innerText())
      await page.getByLabel('Redemption code').fill(code)
      await page.getByRole('button', { name: 'Redeem', exact: true }).click()
      await page.waitForFunction((expected) => document.querySelector('[data-testid="balance-available"]')?.textContent === expected, (before + 5).toFixed(2))
      await shot('wallet-1280')
    })
  }, 60_000)

  it('creates an API key in the developer page and shows it once', async () => {
    await step('developer', async () => {
      await page.getByRole('button', { name: 'Developer' }).click()
      await page.getByLabel('Key name').fill('e2e key')
      await page.getByRole('button', { name: 'Create key' }).click()
      const secret = (await page.getByTestId('created-key').innerText()).trim()
      expect(secret.length).toBeGreaterThan(20)
      await shot('developer-1280')
      await page.getByRole('button', { name: 'I have saved it' }).click()
      await page.reload()
      await hydrated(page, '.views button')
      await page.getByText('e2e key').first().waitFor()
      expect(await page.content()).not.toContain(secret)
    })
  }, 60_000)

  it('fits a 375 px phone', async () => {
    await step('phone', async () => {
      await page.getByRole('button', { name: 'Chat', exact: true }).click()
      await page.locator('.conversations li').first().locator('button.conversation').click()
      await page.locator('article.message.assistant').first().waitFor()
      await page.setViewportSize({ width: 375, height: 812 })
      await page.waitForTimeout(400) // the sidebar slides away as the layout changes
      await shot('chat-375')
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      expect(overflow).toBeLessThanOrEqual(0)
      await page.getByRole('button', { name: 'Conversations' }).click()
      await page.locator('.drawer-open .sidebar').waitFor()
      await page.waitForTimeout(400)
      await shot('drawer-375')
      await page.locator('.scrim').click({ position: { x: 360, y: 400 } })
      await page.setViewportSize({ width: 1280, height: 800 })
      await page.waitForTimeout(400)
      await shot('chat-1280')
      await page.getByLabel('Theme').selectOption('dark')
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark')
      await shot('chat-dark-1280')
    })
  }, 60_000)

  it('stops an answer, edits a question to be answered again, fills the composer from a template and exports the conversation', async () => {
    await step('stop-edit-template-export', async () => {
      await page.getByLabel('Theme').selectOption('light')
      // The demo model streams a word every 15 ms: a long question gives a long answer to stop.
      const answers = await page.locator('article.message.assistant').count()
      await page.locator('.composer textarea').fill(`Please let me stop this answer: ${'many words follow here '.repeat(20)}`)
      await page.locator('.composer button.send').click()
      await page.locator('article.message.assistant[data-status="streaming"]').waitFor()
      await page.getByRole('button', { name: 'Stop', exact: true }).click()
      await page.locator('article.message.assistant[data-status="stopped"]').waitFor()
      expect(await page.locator('article.message.assistant').count()).toBe(answers + 1)
      await lastAnswer().getByText('Stopped').waitFor()

      const question = page.locator('article.message.user').last()
      await question.getByRole('button', { name: 'Edit', exact: true }).click()
      await question.getByLabel('Edit').fill('An edited question about the sea')
      await question.getByRole('button', { name: 'Save and send' }).click()
      await page.waitForFunction(
        (count) => {
          const all = document.querySelectorAll('article.message.assistant')
          const last = all[all.length - 1]
          return all.length === count && last?.getAttribute('data-status') === 'done' && last.textContent?.includes('An edited question about the sea')
        },
        answers + 1,
      )
      // Everything after the edited question went, the stopped answer with it.
      expect(await page.locator('article.message.assistant[data-status="stopped"]').count()).toBe(0)
      await shot('edited-1280')

      await page.getByRole('button', { name: 'Templates', exact: true }).click()
      await page.locator('.templates-item').first().click()
      const form = page.locator('.templates form')
      for (const field of await form.locator('input, textarea').all()) await field.fill('the sea')
      await form.getByRole('button', { name: 'Use', exact: true }).click()
      await page.locator('.templates').waitFor({ state: 'detached' })
      expect((await page.locator('.composer textarea').inputValue()).length).toBeGreaterThan(0)
      await shot('template-used-1280')

      const download = page.waitForEvent('download')
      await page.locator('.chat-toolbar .export').getByRole('link', { name: 'Markdown' }).click()
      const file = await (await download).path()
      expect(readFileSync(file, 'utf8')).toContain('An edited question about the sea')
    })
  }, 90_000)
})
