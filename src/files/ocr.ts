import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import Tesseract from 'tesseract.js'

/**
 * Text in images by Tesseract, English and Simplified Chinese, from the traineddata installed with
 * @tesseract.js-data (nothing is fetched). One worker serves every request in turn: it takes a
 * second and ~150 MB to start, so it stays up while in use and stops after a quiet spell or on
 * shutdown (closeOcr).
 */

const LANGUAGES = ['chi_sim', 'eng'] as const
const IDLE_MS = 5 * 60_000

type Running = { worker: Tesseract.Worker; dir: string }

let running: Promise<Running> | undefined
let idleTimer: NodeJS.Timeout | undefined
let jobs = 0

/**
 * Tesseract reads every language from one folder, and each package keeps its own: a temp folder
 * links both, beside the cache where Tesseract keeps them unpacked.
 */
async function languageFolder(dir: string): Promise<string> {
  const require = createRequire(import.meta.url)
  const folder = join(dir, 'lang')
  await mkdir(folder)
  for (const code of LANGUAGES) {
    const data = require(`@tesseract.js-data/${code}`) as { langPath: string }
    await symlink(join(data.langPath, `${code}.traineddata.gz`), join(folder, `${code}.traineddata.gz`))
  }
  return folder
}

async function start(): Promise<Running> {
  const dir = await mkdtemp(join(tmpdir(), 'modelgate-ocr-'))
  try {
    const langPath = await languageFolder(dir)
    const cachePath = join(dir, 'cache')
    await mkdir(cachePath)
    // Without an error handler tesseract.js throws failed jobs from its message listener, uncaught.
    const worker = await Tesseract.createWorker([...LANGUAGES], Tesseract.OEM.LSTM_ONLY, { langPath, cachePath, gzip: true, errorHandler: () => undefined })
    return { worker, dir }
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
}

async function stop(current: Promise<Running>) {
  const { worker, dir } = await current
  await worker.terminate()
  await rm(dir, { recursive: true, force: true })
}

/** Tesseract spaces out CJK characters as if they were words. */
const joinCjk = (text: string) => text.replace(/(?<=[\p{Script=Han}\u3000-\u303f\uff00-\uffef])[ \t]+(?=[\p{Script=Han}\u3000-\u303f\uff00-\uffef])/gu, '')

/** The text Tesseract reads in an image (PNG, JPEG, …), lines kept. */
export async function recognize(image: Buffer): Promise<string> {
  clearTimeout(idleTimer)
  jobs++
  const current = (running ??= start())
  try {
    const { worker } = await current.catch((error) => {
      if (running === current) running = undefined
      throw error
    })
    const { data } = await worker.recognize(image)
    return joinCjk(data.text).trim()
  } finally {
    if (--jobs === 0 && running === current) {
      idleTimer = setTimeout(() => void closeOcr(), IDLE_MS)
      idleTimer.unref()
    }
  }
}

/** Stops the worker (shutdown, or after it sat idle); the next image starts a new one. */
export async function closeOcr() {
  clearTimeout(idleTimer)
  const current = running
  running = undefined
  if (current) await stop(current).catch(() => undefined)
}
